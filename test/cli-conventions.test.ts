/**
 * Command-line conventions users of ESLint, kube-linter, Checkov and kube-score reach for: rule selection,
 * --print-config, rules --format json, exit 2 when nothing was linted, --stdin-filename, explain with
 * "did you mean", several formats from one run, JUnit failures by severity.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BROKEN_POD, makeTree, removeTree, runCli } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
function tree(files: Record<string, string>): string {
  const dir = makeTree(files);
  dirs.push(dir);
  return dir;
}

/** BROKEN_POD (image-pinned error) without a namespace (namespace-set) and with a literal password. */
const POD = BROKEN_POD.replace('  namespace: ml\n', '').replace(
  '      ports:',
  '      env: [{ name: DB_PASSWORD, value: hunter2-but-longer }]\n      ports:',
);
const ids = (stdout: string) => [...new Set(JSON.parse(stdout).findings.map((f: { ruleId: string }) => f.ruleId))].sort();

describe('rule selection on the command line', () => {
  const dir = tree({
    'pod.yaml': POD.replace('  name: scorer\n', '  name: scorer\n  annotations: { mllint.io/ignore: probes-presnt }\n'),
    'broken.yaml': 'a: [\n',
    'charts/c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
    'charts/c/templates/d.yaml': 'kind: {{ .Values.kind }}\n',
  });
  it('without flags, every rule runs', async () => {
    const r = await runCli(['check', '--no-cache', '-f', 'json', '.'], { cwd: dir });
    expect(ids(r.stdout)).toEqual(expect.arrayContaining(['image-pinned', 'namespace-set', 'no-secret-literals-in-env', 'parse-error']));
  });
  it('--include runs only the named rules; findings that some input was not checked are still reported', async () => {
    const all = await runCli(['check', '--no-cache', '-f', 'json', '--helm', 'off', '.'], { cwd: dir });
    expect(ids(all.stdout)).toEqual(expect.arrayContaining(['helm-chart-skipped', 'parse-error', 'suppression-valid']));
    const r = await runCli(['check', '--no-cache', '-f', 'json', '--helm', 'off', '--include', 'image-pinned', '.'], { cwd: dir });
    // The chart's templates and broken.yaml were not checked for image-pinned either: said, not silent.
    // The annotation's typo is suppression-valid's business, a rule not selected.
    expect(ids(r.stdout)).toEqual(['helm-chart-skipped', 'image-pinned', 'parse-error']);
    const annotations = await runCli(['check', '--no-cache', '-f', 'json', '--helm', 'off', '--include', 'suppression-valid', '.'], { cwd: dir });
    expect(ids(annotations.stdout)).toEqual(['helm-chart-skipped', 'parse-error', 'suppression-valid']);
    const quiet = await runCli(['check', '--no-cache', '-f', 'json', '--helm', 'off', '--include', 'image-pinned', '--exclude', 'parse-error,helm-chart-skipped', '.'], { cwd: dir });
    expect(ids(quiet.stdout)).toEqual(['image-pinned']);
  });
  it('the kept ids are engine findings about input, never a rule with its own check', async () => {
    const { INPUT_RULE_IDS } = await import('../src/cli-support.js');
    const { ENGINE_RULE_IDS } = await import('../src/rules/index.js');
    for (const id of INPUT_RULE_IDS) expect(ENGINE_RULE_IDS.has(id), id).toBe(true);
  });
  it('--exclude drops rules; comma lists and repeats work', async () => {
    const r = await runCli(['check', '--no-cache', '-f', 'json', '--exclude', 'image-pinned,namespace-set', '--exclude', 'parse-error', '.'], { cwd: dir });
    expect(ids(r.stdout)).not.toEqual(expect.arrayContaining(['image-pinned']));
    expect(ids(r.stdout)).not.toContain('namespace-set');
    expect(ids(r.stdout)).not.toContain('parse-error');
    expect(ids(r.stdout)).toContain('no-secret-literals-in-env');
  });
  it('--rule sets a severity over the config and its overrides', async () => {
    const withConfig = tree({ 'pod.yaml': POD, '.mllint.yaml': 'rules:\n  image-pinned: error\noverrides:\n  - files: ["*.yaml"]\n    rules: { image-pinned: error }\n' });
    const r = await runCli(['check', '--no-cache', '-f', 'json', '--rule', 'image-pinned=info', '.'], { cwd: withConfig });
    const pinned = JSON.parse(r.stdout).findings.find((f: { ruleId: string }) => f.ruleId === 'image-pinned');
    expect(pinned.severity).toBe('info');
  });
  it('an unknown rule or a bad severity is exit 2 with "did you mean"', async () => {
    const r = await runCli(['check', '--include', 'image-pined', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rule "image-pined" (did you mean "image-pinned"?)');
    const bad = await runCli(['check', '--rule', 'image-pinned=fatal', '.'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/severity must be one of off, info, warning, error/);
  });
});

describe('--print-config and rules --format json', () => {
  const dir = tree({
    'apps/pod.yaml': POD,
    '.mllint.yaml': 'rules:\n  image-pinned: warning\n  cpu-limit-throttling: { severity: error, options: { minLimitToRequestRatio: 3 } }\noverrides:\n  - files: ["experiments/**"]\n    rules: { image-pinned: "off" }\n',
  });
  it('prints the effective settings, per file when one is given, and exits 0 without linting', async () => {
    const all = await runCli(['check', '--print-config'], { cwd: dir });
    expect(all.code).toBe(0);
    const config = JSON.parse(all.stdout);
    expect(config.configFile).toBe(path.join(dir, '.mllint.yaml'));
    expect(config.rules['image-pinned']).toMatchObject({ severity: 'warning' });
    expect(config.rules['cpu-limit-throttling']).toMatchObject({ severity: 'error', options: { minLimitToRequestRatio: 3 } });
    const experiment = JSON.parse((await runCli(['check', '--print-config', 'experiments/x.yaml'], { cwd: dir })).stdout);
    expect(experiment.rules['image-pinned'].severity).toBe('off');
    const cli = JSON.parse((await runCli(['check', '--rule', 'namespace-set=off', '--print-config'], { cwd: dir })).stdout);
    expect(cli.rules['namespace-set'].severity).toBe('off');
  });
  it('rules --format json lists effective and default severities', async () => {
    const r = await runCli(['rules', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    const pinned = rules.find((x) => x.id === 'image-pinned')!;
    expect(pinned).toMatchObject({ type: 'rule', severity: 'warning', defaultSeverity: 'error', recommended: true });
    expect(pinned.docs).toMatch(/docs\/rules\.md#image-pinned$/);
    expect(rules.find((x) => x.id === 'cpu-limit-throttling')).toMatchObject({ severity: 'error', options: { minLimitToRequestRatio: 3 } });
  });
});

describe('exit codes and stdin', () => {
  it('exit 2 when no file was linted (a typo in CI paths must not pass)', async () => {
    const dir = tree({ 'gitops/app.yaml': POD, 'README.md': '# x\n' });
    const empty = tree({ 'notes.txt': 'x' });
    const missing = await runCli(['check', 'gitop'], { cwd: dir });
    expect(missing.code).toBe(2);
    const none = await runCli(['check', '.'], { cwd: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no YAML files to lint in .');
  });
  it('--stdin-filename names stdin findings and is matched by overrides', async () => {
    const dir = tree({ '.mllint.yaml': 'overrides:\n  - files: ["experiments/**"]\n    rules: { image-pinned: warning }\n' });
    const r = await runCli(['check', '--no-cache', '-f', 'json', '--stdin-filename', 'experiments/pod.yaml', '-'], { cwd: dir, stdin: POD });
    const pinned = JSON.parse(r.stdout).findings.find((f: { ruleId: string }) => f.ruleId === 'image-pinned');
    expect(pinned).toMatchObject({ file: 'experiments/pod.yaml', line: 8, severity: 'warning' });
    const plain = await runCli(['check', '--no-cache', '-f', 'json', '-'], { cwd: dir, stdin: POD });
    expect(JSON.parse(plain.stdout).findings[0].file).toBe('-');
  });
});

describe('explain', () => {
  it('suggests the closest rule for a typo', async () => {
    const r = await runCli(['explain', 'image-pined'], { cwd: process.cwd() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "image-pinned"?');
  });
});

describe('several formats from one run', () => {
  it('--format github --format sarif=FILE --format junit=FILE: one run, every report', async () => {
    const dir = tree({ 'pod.yaml': POD, '.git/HEAD': 'ref: refs/heads/main\n' });
    const summary = path.join(dir, 'summary.md');
    const r = await runCli(['check', '--no-cache', '--format', 'github', '--format', 'sarif=out/mllint.sarif', '--format', 'junit=out/mllint.xml', '.'], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=pod\.yaml,line=8,/m);
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'out/mllint.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('image-pinned');
    expect(fs.readFileSync(path.join(dir, 'out/mllint.xml'), 'utf8')).toContain('<failure type="error"');
    expect(fs.readFileSync(summary, 'utf8')).toContain('## mllint');
  });
  it('only one format may print to stdout; an unknown format is exit 2', async () => {
    const dir = tree({ 'pod.yaml': POD });
    expect((await runCli(['check', '-f', 'json', '-f', 'github', '.'], { cwd: dir })).code).toBe(2);
    const unknown = await runCli(['check', '-f', 'xml', '.'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown format "xml"');
  });
  it('--junit-fail-on warning turns warnings into failures', async () => {
    const dir = tree({ 'pod.yaml': POD });
    const errorsOnly = (await runCli(['check', '--no-cache', '-f', 'junit', '.'], { cwd: dir })).stdout;
    const withWarnings = (await runCli(['check', '--no-cache', '-f', 'junit', '--junit-fail-on', 'warning', '.'], { cwd: dir })).stdout;
    expect(errorsOnly).not.toContain('<failure type="warning"');
    expect(withWarnings).toContain('<failure type="warning"');
  });
});
