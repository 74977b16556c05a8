/**
 * `--format junit` validates against the JUnit schema (`test/fixtures/junit/junit-4.xsd`, MIT, vendored as
 * kubeconform's fixtures keep it; source and licence in its README) with the real `xmllint --schema`
 * (Debian's libxml2-utils, installed by .ci/run). Without xmllint the schema tests are skipped with a loud
 * reason, and fail when CI=true.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import formatJunit from '../../src/formatters/junit.js';
import { lintPaths } from '../../src/api.js';
import type { LintResult } from '../../src/types.js';

const root = path.resolve(__dirname, '../..');
const xsd = path.join(root, 'test', 'fixtures', 'junit', 'junit-4.xsd');
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
if (!hasXmllint) {
  const reason = 'xmllint not found (apt-get install libxml2-utils): JUnit schema validation is skipped';
  if (process.env.CI === 'true') throw new Error(`${reason}, which CI does not allow`);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
}

function xmllint(xml: string): { ok: boolean; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-junit-'));
  const file = path.join(dir, 'report.xml');
  fs.writeFileSync(file, xml);
  const run = spawnSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

const examplesResult = (): LintResult => {
  const outcome = lintPaths(['examples'], { cwd: root, configPath: 'examples/manifests/rules.config.yaml' });
  if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
  return outcome.result;
};

describe('junit format', () => {
  it('has a test case per rule × file, a failure per error finding with file:line, and a passed case per clean file', () => {
    const result = examplesResult();
    const xml = formatJunit(result);
    const pairs = new Set(result.findings.map((f) => `${f.ruleId}\u0000${f.file}`));
    const withFindings = new Set(result.findings.map((f) => f.file));
    const clean = result.files!.filter((f) => !withFindings.has(f));
    expect(clean.length).toBeGreaterThan(0);
    expect(xml.match(/<testcase /g)?.length).toBe(pairs.size + clean.length);
    for (const file of clean) expect(xml).toContain(`<testcase name="${file}" classname="mllint"/>`);
    const errors = result.findings.filter((f) => f.severity === 'error').length;
    expect(result.findings.length).toBeGreaterThan(errors); // the examples have warnings too…
    expect(xml.match(/<failure /g)?.length).toBe(errors); // …which are not failures by default
    expect(xml.match(/<failure type="(warning|info)"/g)).toBeNull();
    const withWarnings = formatJunit(result, { junitFailOn: 'warning' });
    expect(withWarnings.match(/<failure /g)?.length).toBe(result.findings.filter((f) => f.severity !== 'info').length);
    const warning = result.findings.find((f) => f.severity === 'warning')!;
    expect(xml).toMatch(new RegExp(`<system-out>[^<]*${warning.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${warning.line}:${warning.column}: warning: `));
    const pinned = result.findings.find((f) => f.ruleId === 'image-pinned')!;
    expect(xml).toContain(`<testcase name="${pinned.file}" classname="image-pinned">`);
    expect(xml).toContain(`>${pinned.file}:${pinned.line}:${pinned.column}: error: `);
  });

  it.runIf(hasXmllint)('the examples validate against junit.xsd', () => {
    const check = xmllint(formatJunit(examplesResult()));
    expect(check.ok, check.output).toBe(true);
  });

  it.runIf(hasXmllint)('a clean run, and hostile text, validate too', () => {
    const clean = formatJunit({ findings: [], summary: { files: 2, resources: 3, errors: 0, warnings: 0, infos: 0, suppressed: 0 } });
    expect(clean).toContain('<testcase name="no problems in 2 file(s), 3 resource(s)" classname="mllint"/>');
    expect(xmllint(clean).ok).toBe(true);
    const hostile = formatJunit({
      findings: [
        { ruleId: 'parse-error', severity: 'error', message: 'bad <tag> & "quote" \u0001 ]]> \ud800', file: 'a&b/<x>.yaml', line: 2, column: 1, endLine: 2, endColumn: 1 },
      ],
      summary: { files: 1, resources: 0, errors: 1, warnings: 0, infos: 0, suppressed: 0 },
    });
    const check = xmllint(hostile);
    expect(check.ok, check.output).toBe(true);
    expect(hostile).toContain('a&amp;b/&lt;x&gt;.yaml:2:1: error: bad &lt;tag&gt; &amp; "quote"  ]]&gt; ');
  });

  it.runIf(hasXmllint)('xmllint does reject what the schema forbids', () => {
    expect(xmllint('<testsuites><testsuite name="x"><testcase/></testsuite></testsuites>').ok).toBe(false);
  });
});
