/**
 * `--format junit`: JUnit XML (the schema Jenkins and GitLab read). One `<testsuite>` per rule with
 * findings, one `<testcase>` per rule × file. Findings at or above `junitFailOn` (default: errors only) are
 * `<failure>`s; lower ones leave the test case passed and are listed in its `<system-out>`, so a CI
 * dashboard's red matches mllint's exit code. A suite `mllint` holds one passed test case per linted file
 * without findings, so clean files show as passed tests.
 */
import type { Finding, LintResult, Severity } from '../types.js';
import type { FormatterContext } from './index.js';
import { describeObjects } from '../engine/identity.js';
import { isRunFinding, RUN_LOCATION } from './common.js';

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export default function formatJunit(result: LintResult, context?: Pick<FormatterContext, 'junitFailOn'>): string {
  const failOn = RANK[context?.junitFailOn ?? 'error'];
  const byRule = new Map<string, Map<string, Finding[]>>();
  for (const f of result.findings) {
    const files = byRule.get(f.ruleId) ?? new Map<string, Finding[]>();
    const list = files.get(f.file) ?? [];
    list.push(f);
    files.set(f.file, list);
    byRule.set(f.ruleId, files);
  }
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const ruleId of [...byRule.keys()].sort()) {
    const files = byRule.get(ruleId)!;
    const cases: string[] = [];
    let suiteFailures = 0;
    for (const file of [...files.keys()].sort()) {
      const findings = files.get(file)!;
      const failing = findings.filter((f) => RANK[f.severity] >= failOn);
      const passing = findings.filter((f) => RANK[f.severity] < failOn);
      cases.push(`    <testcase name="${attr(file === '' ? RUN_LOCATION : file)}" classname="${attr(ruleId)}">`);
      for (const f of failing) cases.push(`      <failure type="${f.severity}" message="${attr(f.message)}">${text(failureBody(f))}</failure>`);
      if (passing.length > 0) cases.push(`      <system-out>${text(passing.map(failureBody).join('\n\n'))}</system-out>`);
      cases.push('    </testcase>');
      suiteFailures += failing.length > 0 ? 1 : 0;
    }
    tests += files.size;
    failures += suiteFailures;
    suites.push(`  <testsuite name="${attr(ruleId)}" tests="${files.size}" failures="${suiteFailures}" errors="0">`, ...cases, '  </testsuite>');
  }
  const withFindings = new Set(result.findings.map((f) => f.file));
  const clean = [...new Set(result.files ?? [])].filter((f) => !withFindings.has(f)).sort();
  if (clean.length > 0) {
    tests += clean.length;
    suites.push(`  <testsuite name="mllint" tests="${clean.length}" failures="0" errors="0">`);
    for (const file of clean) suites.push(`    <testcase name="${attr(file)}" classname="mllint"/>`);
    suites.push('  </testsuite>');
  } else if (byRule.size === 0) {
    const { files, resources } = result.summary;
    tests = 1;
    suites.push(
      '  <testsuite name="mllint" tests="1" failures="0" errors="0">',
      `    <testcase name="${attr(`no problems in ${files} file(s), ${resources} resource(s)`)}" classname="mllint"/>`,
      '  </testsuite>',
    );
  }
  out.push(`<testsuites name="mllint" tests="${tests}" failures="${failures}" errors="0">`, ...suites, '</testsuites>');
  return `${out.join('\n')}\n`;
}

function failureBody(f: Finding): string {
  const lines = [`${isRunFinding(f) ? RUN_LOCATION : `${f.file}:${f.line}:${f.column}`}: ${f.severity}: ${f.message}`];
  if (f.resource) lines.push(`${f.resources && f.resources.length > 1 ? 'objects' : 'object'}: ${describeObjects(f)}${f.path ? ` at ${f.path}` : ''}`);
  if (f.fix) lines.push(`fix: ${f.fix}`);
  return lines.join('\n');
}

/** Characters XML 1.0 cannot carry at all are dropped; markup characters are escaped. */
function clean(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
