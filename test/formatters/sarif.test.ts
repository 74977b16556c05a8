/**
 * `--format sarif` passes Microsoft's SARIF Multitool (`validate --rule-kind "Sarif;Gh"`: the SARIF 2.1.0
 * schema, the SARIF rules and GitHub code scanning's ingestion rules) for every example, carries what code
 * scanning reads, and keeps fingerprints across unrelated edits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import formatSarif, { FINGERPRINT_KEY, SRCROOT } from '../../src/formatters/sarif.js';
import { lintPaths } from '../../src/api.js';
import { RULES } from '../../src/rules/index.js';
import type { LintResult } from '../../src/types.js';
import { runCli } from './run-cli.js';
import { MULTITOOL, validateSarif } from '../sarif-multitool.js';

const root = path.resolve(__dirname, '../..');
const examples = path.join(root, 'examples');

function exampleFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return exampleFiles(full);
    return /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

function sarifOf(result: LintResult, cwd = root) {
  const text = formatSarif(result, { color: false, cwd, env: {}, version: '9.9.9', repoRoot: root });
  return JSON.parse(text as string);
}

/** No error and no warning from the Multitool, for every log (one Multitool run). */
function expectValid(logs: Record<string, unknown>) {
  if (!MULTITOOL) return;
  const problems = validateSarif(logs);
  expect(problems.map((p) => `${p.log}: ${p.level} ${p.ruleId}: ${p.message}`)).toEqual([]);
}

describe('sarif', () => {
  const files = exampleFiles(examples);

  it.runIf(MULTITOOL)('the Multitool rejects what is not SARIF, and what GitHub would not ingest', () => {
    expect(files.length).toBeGreaterThan(5);
    const problems = validateSarif({
      noName: { version: '2.1.0', runs: [{ tool: { driver: {} }, results: [] }] },
      noLocation: { version: '2.1.0', runs: [{ tool: { driver: { name: 'x', rules: [{ id: 'r' }] } }, results: [{ ruleId: 'r', message: { text: 'm' } }] }] },
    });
    expect(problems.filter((p) => p.level === 'error').map((p) => p.log)).toEqual(expect.arrayContaining(['noName', 'noLocation']));
    expect(problems.some((p) => p.log === 'noLocation' && p.ruleId.startsWith('GH'))).toBe(true);
  });

  it.runIf(MULTITOOL)('every example passes the Multitool with the SARIF and GitHub rules', () => {
    const logs: Record<string, unknown> = {};
    const clean = lintPaths(['examples/manifests/good'], { cwd: root, configPath: 'examples/manifests/rules.config.yaml' });
    if (!clean.ok) throw new Error(clean.messages.join('\n'));
    logs.good = sarifOf(clean.result);
    const all = lintPaths(['examples'], { cwd: root, configPath: 'examples/manifests/rules.config.yaml' });
    if (!all.ok) throw new Error(all.messages.join('\n'));
    logs.examples = sarifOf(all.result);
    expectValid(logs);
  }, 120_000);

  it('describes every rule and every result as code scanning reads them', () => {
    const outcome = lintPaths(['examples'], { cwd: root, configPath: 'examples/manifests/rules.config.yaml' });
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    expect(outcome.result.findings.length).toBeGreaterThan(0);
    const log = sarifOf(outcome.result);
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'mllint', version: '9.9.9', informationUri: expect.stringMatching(/^https:\/\//) });
    const rules = run.tool.driver.rules as Array<Record<string, any>>;
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(RULES.map((r) => r.meta.id)));
    for (const rule of rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length).toBeGreaterThan(0);
      expect(rule.help.text.length).toBeGreaterThan(0);
      expect(rule.help.markdown.length).toBeGreaterThan(0);
      if (RULES.some((r) => r.meta.id === rule.id)) {
        expect(rule.help.text).toContain(`docs/rules.md#${rule.id}`);
        expect(rule.help.markdown).toContain(`docs/rules.md#${rule.id})`);
        expect(rule.helpUri).toMatch(/^https:\/\/.*docs\/rules\.md#/);
      }
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    for (const result of run.results) {
      expect(rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(['error', 'warning', 'note']).toContain(result.level);
      expect(result.message.text.length).toBeGreaterThan(0);
      const loc = result.locations[0].physicalLocation;
      expect(loc.artifactLocation.uriBaseId).toBe(SRCROOT);
      expect(loc.artifactLocation.uri).toMatch(/^examples\/(manifests|gitops)\//);
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.region.endLine).toBeGreaterThanOrEqual(loc.region.startLine);
      expect(result.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{32}:\d+$/);
    }
    const pinned = run.results.find((r: any) => r.ruleId === 'image-pinned' && r.locations[0].physicalLocation.artifactLocation.uri.startsWith('examples/manifests/'));
    expect(pinned.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'examples/manifests/bad/image-pinned.yaml', uriBaseId: SRCROOT },
      region: { startLine: 19, startColumn: 18, endLine: 19, endColumn: 61 },
    });
  });

  it('uses repository-relative paths whatever the working directory', () => {
    const fromRoot = lintPaths(['examples/manifests/bad/image-pinned.yaml'], { cwd: root, configPath: 'examples/manifests/rules.config.yaml' });
    const fromExamples = lintPaths(['bad/image-pinned.yaml'], { cwd: path.join(examples, 'manifests'), configPath: 'rules.config.yaml' });
    if (!fromRoot.ok || !fromExamples.ok) throw new Error('lint failed');
    const a = sarifOf(fromRoot.result, root).runs[0].results;
    const b = sarifOf(fromExamples.result, path.join(examples, 'manifests')).runs[0].results;
    expect(b).toEqual(a);
  });

  it('keeps fingerprints when unrelated lines move the finding', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-sarif-'));
    const file = path.join(dir, 'app.yaml');
    const original = fs.readFileSync(path.join(examples, 'manifests/bad/image-pinned.yaml'), 'utf8');
    const fingerprints = (text: string) => {
      fs.writeFileSync(file, text);
      const outcome = lintPaths(['app.yaml'], { cwd: dir });
      if (!outcome.ok) throw new Error('lint failed');
      const log = JSON.parse(formatSarif(outcome.result, { color: false, cwd: dir, env: {}, version: '1', repoRoot: dir }) as string);
      return log.runs[0].results
        .filter((r: any) => r.ruleId === 'image-pinned')
        .map((r: any) => [r.partialFingerprints[FINGERPRINT_KEY], r.locations[0].physicalLocation.region.startLine]);
    };
    const before = fingerprints(original);
    const after = fingerprints(`# a comment\n# another\n${original.replace('spec:\n  replicas: 1\n', 'spec:\n  # one replica during the pilot\n  replicas: 1\n')}`);
    expect(before.length).toBe(2); // the :latest container and the truncated digest of the init container
    expect(after.length).toBe(2);
    for (const i of [0, 1]) {
      expect(after[i][0]).toBe(before[i][0]);
      expect(after[i][1]).toBe(before[i][1] + 3);
    }
    const renamed = fingerprints(original.replace('name: churn-scorer\n  namespace', 'name: churn-scorer-v2\n  namespace'));
    expect(renamed[0][0]).not.toBe(before[0][0]);
  });

  it('is what `mllint check --format sarif` prints, and valid for stdin too', async () => {
    const out = await runCli(['check', '--format', 'sarif', '-'], { cwd: root, stdin: 'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: n }\nspec:\n  containers: [{ name: c, image: nginx }]\n' });
    expect(out.code).toBe(1);
    const log = JSON.parse(out.stdout);
    expectValid({ stdin: log });
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: '-' });
  });
});
