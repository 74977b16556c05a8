/**
 * Baselines: `--write-baseline` records today's findings, `--baseline` reports only new ones, matched by
 * rule, file, object and path (not line) — or rule, file and message for findings without an object.
 */
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, createBaseline, parseBaseline, serializeBaseline } from '../src/baseline.js';
import { RULES } from '../src/rules/index.js';
import type { Finding, LintResult } from '../src/types.js';
import { runCli } from './formatters/run-cli.js';

const deployment = (name: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ml-baseline
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: scorer
          image: ${image}
`;

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-baseline-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  // Only the rule under test, so the cases stay about matching.
  const rules = RULES.map((r) => `  ${r.meta.id}: ${r.meta.id === 'image-pinned' ? 'error' : '"off"'}\n`).join('');
  fs.writeFileSync(path.join(dir, '.mllint.yaml'), `rules:\n${rules}`);
  return dir;
}

const json = (stdout: string) => JSON.parse(stdout) as { findings: Array<{ ruleId: string; file: string; line: number; resource?: { name: string } }>; summary: Record<string, number> };

describe('baseline (CLI)', () => {
  it('--write-baseline records the findings; --baseline then hides them, even after unrelated edits move them', async () => {
    const dir = repo({ 'apps/a.yaml': deployment('a', 'a:latest'), 'apps/b.yaml': deployment('b', 'b:1.0') });
    const write = await runCli(['check', '--write-baseline', '.mllint-baseline.json', 'apps'], { cwd: dir });
    expect(write.code).toBe(0);
    expect(write.stderr).toMatch(/wrote 1 finding\(s\) to the baseline \.mllint-baseline\.json/);
    const recorded = JSON.parse(fs.readFileSync(path.join(dir, '.mllint-baseline.json'), 'utf8'));
    expect(recorded.entries).toEqual([
      expect.objectContaining({ ruleId: 'image-pinned', file: 'apps/a.yaml', kind: 'Deployment', namespace: 'ml-baseline', name: 'a', path: 'spec.template.spec.containers[name=scorer].image' }),
    ]);
    expect(recorded.entries[0]).not.toHaveProperty('line');

    // Edits elsewhere move the old finding down; a new finding appears in b.yaml.
    fs.writeFileSync(path.join(dir, 'apps/a.yaml'), `# owned by the fraud team\n# reviewed 2026-11\n${deployment('a', 'a:latest')}`);
    fs.writeFileSync(path.join(dir, 'apps/b.yaml'), deployment('b', 'b:latest'));
    const check = await runCli(['check', '--baseline', '.mllint-baseline.json', '--format', 'json', 'apps'], { cwd: dir });
    expect(check.code).toBe(1);
    const out = json(check.stdout);
    expect(out.findings.map((f) => [f.file, f.resource?.name])).toEqual([['apps/b.yaml', 'b']]);
    expect(out.summary).toMatchObject({ errors: 1, baselined: 1 });
    expect(check.stderr).toMatch(/1 finding\(s\) baselined in \.mllint-baseline\.json \(not shown\); 1 new/);
  });

  it('only baselined findings: exit 0; works from another directory (files are relative to the baseline)', async () => {
    const dir = repo({ 'gitops/apps/a.yaml': deployment('a', 'a:latest') });
    expect((await runCli(['check', '--write-baseline', 'gitops/baseline.json', 'gitops'], { cwd: dir })).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'gitops/baseline.json'), 'utf8')).entries[0].file).toBe('apps/a.yaml');
    const fromSub = await runCli(['check', '--baseline', 'baseline.json', '.'], { cwd: path.join(dir, 'gitops') });
    expect(fromSub.code).toBe(0);
    expect(fromSub.stdout).toMatch(/no problems/);
    const fromRoot = await runCli(['check', '--baseline', 'gitops/baseline.json', '--format', 'json', 'gitops'], { cwd: dir });
    expect(fromRoot.code).toBe(0);
    expect(json(fromRoot.stdout).summary.baselined).toBe(1);
  });

  it('a finding on another object, path or file is new', async () => {
    const dir = repo({ 'apps/a.yaml': deployment('a', 'a:latest') });
    await runCli(['check', '--write-baseline', 'bl.json', 'apps'], { cwd: dir });
    fs.writeFileSync(path.join(dir, 'apps/a.yaml'), deployment('a2', 'a:latest'));
    fs.writeFileSync(path.join(dir, 'apps/c.yaml'), deployment('a', 'a:latest'));
    const out = json((await runCli(['check', '--baseline', 'bl.json', '--format', 'json', 'apps'], { cwd: dir })).stdout);
    expect(out.findings.map((f) => `${f.file} ${f.resource?.name}`)).toEqual(['apps/a.yaml a2', 'apps/c.yaml a']);
    expect(out.summary.baselined).toBe(0);
  });

  it('a missing or malformed baseline is exit 2 with a clear message', async () => {
    const dir = repo({ 'a.yaml': deployment('a', 'a:latest') });
    const missing = await runCli(['check', '--baseline', 'nope.json', '.'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('mllint: cannot read baseline nope.json: ENOENT\n');
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"findings": []}');
    const bad = await runCli(['check', '--baseline', 'bad.json', '.'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: not an mllint baseline/);
  });

  it('a baseline committed as a link to /dev/zero or as a FIFO is exit 2 at once, not a hang', async () => {
    const dir = repo({ 'a.yaml': deployment('a', 'a:latest') });
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.json'));
    const zero = await runCli(['check', '--baseline', 'zero.json', '.'], { cwd: dir });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe('mllint: baseline zero.json is not a regular file\n');
    spawnSync('mkfifo', [path.join(dir, 'fifo.json')]);
    const fifo = await runCli(['check', '--baseline', 'fifo.json', '.'], { cwd: dir });
    expect(fifo.code).toBe(2);
    expect(fifo.stderr).toBe('mllint: baseline fifo.json is not a regular file\n');
  });
});

describe('baseline (functions)', () => {
  const finding = (over: Partial<Finding>): Finding => ({
    ruleId: 'parse-error', severity: 'error', message: 'bad indentation', file: 'a.yaml', line: 3, column: 1, endLine: 3, endColumn: 1, ...over,
  });
  const result = (findings: Finding[]): LintResult => ({
    findings,
    summary: { files: 1, resources: 0, errors: findings.length, warnings: 0, infos: 0, suppressed: 0 },
  });
  const opts = { cwd: '/r', baseDir: '/r' };

  it('matches findings without an object by rule, file and message, counting duplicates', () => {
    const baseline = createBaseline([finding({}), finding({ line: 9 })], opts);
    expect(baseline.entries).toEqual([{ ruleId: 'parse-error', file: 'a.yaml', message: 'bad indentation', count: 2 }]);
    const today = applyBaseline(result([finding({ line: 4 }), finding({ line: 10 }), finding({ line: 20 }), finding({ message: 'duplicate key' })]), baseline, opts);
    expect(today.findings.map((f) => `${f.line} ${f.message}`)).toEqual(['20 bad indentation', '3 duplicate key']);
    expect(today.summary).toMatchObject({ errors: 2, baselined: 2 });
  });

  it('round-trips through its file format, and rejects what is not a baseline', () => {
    const baseline = createBaseline([finding({ resource: { apiVersion: 'v1', kind: 'Service', name: 's', namespace: 'n' }, path: 'spec.selector', ruleId: 'service-selects-pods', message: 'x' })], opts);
    const text = serializeBaseline(baseline);
    const parsed = parseBaseline(text, 'b.json');
    expect(parsed).toEqual({ ok: true, baseline });
    expect(parseBaseline('[]', 'b.json').ok).toBe(false);
    expect(parseBaseline('{"version":1,"entries":[{"file":"a"}]}', 'b.json')).toEqual({ ok: false, message: 'b.json: entry 1 needs "ruleId" and "file"' });
    expect(parseBaseline('{', 'b.json').ok).toBe(false);
  });
});
