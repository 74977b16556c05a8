import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BROKEN_IMAGE, BROKEN_POD, makeTree, removeTree, runCli } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
function tree(files: Record<string, string | Buffer>) {
  const dir = makeTree(files);
  dirs.push(dir);
  return dir;
}

const PINNED_POD = BROKEN_POD.replace(BROKEN_IMAGE, 'scorer:1.0.0');

describe('mllint check', () => {
  it('exit 0 on a clean tree, with a summary line', async () => {
    const dir = tree({ 'apps/pod.yaml': PINNED_POD });
    const r = await runCli(['check', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no problems');
    expect(r.stderr).toBe('');
  });

  it('stylish shows file:line:column, the rule and a summary; exit 1 on errors', async () => {
    const dir = tree({ 'apps/pod.yaml': BROKEN_POD });
    const r = await runCli(['check'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('apps/pod.yaml:9:14');
    expect(r.stdout).toContain('image-pinned');
    expect(r.stdout).toContain('1 problem (1 error, 0 warnings, 0 infos)');
    expect(r.stdout).not.toMatch(/\u001b\[/); // not a TTY: no colour
  });

  it('stylish ends with a per-rule count line, most findings first, then the idle rules', async () => {
    const noNamespace = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\n`;
    const dir = tree({ 'apps/pod.yaml': BROKEN_POD, 'apps/a.yaml': noNamespace('a'), 'apps/b.yaml': noNamespace('b') });
    const r = await runCli(['check'], { cwd: dir });
    const last = r.stdout.trimEnd().split('\n');
    expect(last[last.length - 3]).toMatch(/^✖ 3 problems/);
    expect(last[last.length - 2]).toBe('by rule: namespace-set 2, image-pinned 1');
    expect(last[last.length - 1]).toMatch(/^2 rules were idle: image checks off/);
  });

  it('colours only on a TTY, and never with --no-color or NO_COLOR', async () => {
    const dir = tree({ 'pod.yaml': BROKEN_POD });
    expect((await runCli(['check'], { cwd: dir, isTTY: true })).stdout).toMatch(/\u001b\[/);
    expect((await runCli(['check', '--no-color'], { cwd: dir, isTTY: true })).stdout).not.toMatch(/\u001b\[/);
    expect((await runCli(['check'], { cwd: dir, isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
  });

  it('--format json matches DESIGN.md §3 field for field', async () => {
    const dir = tree({ 'apps/fraud/deployment.yaml': BROKEN_POD });
    const r = await runCli(['check', '--format', 'json', 'apps'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['version', 'findings', 'summary']);
    expect(report.version).toBe(1);
    expect(report.findings).toEqual([
      {
        ruleId: 'image-pinned',
        severity: 'error',
        message: 'container "scorer" uses image "scorer@sha256:9f86d08", whose digest is not a valid sha256 digest (64 lowercase hex digits); the kubelet cannot parse it and the container fails with InvalidImageName',
        file: 'apps/fraud/deployment.yaml',
        line: 9,
        column: 14,
        endLine: 9,
        endColumn: 35,
        resource: { apiVersion: 'v1', kind: 'Pod', name: 'scorer', namespace: 'ml' },
        path: 'spec.containers[0].image',
        fix: 'Copy the full digest (`crane digest IMAGE` or `docker buildx imagetools inspect IMAGE`).',
        fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      },
    ]);
    expect(report.summary).toMatchObject({ files: 1, resources: 1, errors: 1, warnings: 0, infos: 0 });
  });

  it('positions hold in a CRLF file with a BOM and in a List, read from disk', async () => {
    const crlf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BROKEN_POD.replace(/\n/g, '\r\n'))]);
    const list = `apiVersion: v1\nkind: List\nitems:\n${BROKEN_POD.replace(/^/gm, '    ').replace(/^    apiVersion/, '  - apiVersion')}`;
    const dir = tree({ 'crlf.yaml': crlf, 'list.yaml': list });
    const r = await runCli(['check', '-f', 'json'], { cwd: dir });
    const found = JSON.parse(r.stdout).findings.map((f: { file: string; line: number; column: number; endColumn: number }) => [f.file, f.line, f.column, f.endColumn]);
    expect(found).toEqual([
      ['crlf.yaml', 9, 14, 35],
      ['list.yaml', 12, 18, 39],
    ]);
  });

  it('reads YAML from stdin with "-", reported as file "-"', async () => {
    const dir = tree({});
    const r = await runCli(['check', '-', '--format', 'json'], { cwd: dir, stdin: BROKEN_POD });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ file: '-', line: 9 });
  });

  it('--output-file writes the report and nothing to stdout', async () => {
    const dir = tree({ 'pod.yaml': BROKEN_POD });
    const r = await runCli(['check', '-f', 'json', '-o', 'out/report.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'out/report.json'), 'utf8')).findings).toHaveLength(1);
  });

  it('--max-warnings turns too many warnings into exit 1; --quiet shows errors only', async () => {
    const dir = tree({ 'pod.yaml': BROKEN_POD, '.mllint.yaml': 'rules:\n  image-pinned: warning\n' });
    expect((await runCli(['check'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['check', '--max-warnings', '1'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['check', '--max-warnings', '0'], { cwd: dir })).code).toBe(1);
    const quiet = await runCli(['check', '--quiet', '-f', 'json'], { cwd: dir });
    expect(quiet.code).toBe(0);
    expect(JSON.parse(quiet.stdout).findings).toEqual([]);
  });

  it('broken, binary, empty and comment-only files: parse-error findings with lines, exit 1, no stack trace', async () => {
    const dir = tree({
      'broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n',
      'binary.yaml': Buffer.from([0x61, 0x3a, 0x20, 0x00, 0xff, 0x10]),
      'latin1.yaml': Buffer.from([0x61, 0x3a, 0x0a, 0x62, 0x3a, 0x20, 0xe9, 0x0a]),
      'empty.yaml': '',
      'comments.yaml': '# only a comment\n',
      'values.yaml': 'replicaCount: 2\n',
      'pod.yaml': PINNED_POD,
    });
    const r = await runCli(['check', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const findings = JSON.parse(r.stdout).findings as Array<{ ruleId: string; file: string; line: number; resource?: unknown }>;
    expect(findings.map((f) => [f.ruleId, f.file, f.line])).toEqual([
      ['parse-error', 'binary.yaml', 1],
      ['parse-error', 'broken.yaml', 4],
      ['parse-error', 'latin1.yaml', 2],
    ]);
    expect(findings.every((f) => f.resource === undefined)).toBe(true);
  });

  it('a missing path is exit 2 with a clear message', async () => {
    const dir = tree({});
    const r = await runCli(['check', 'does-not-exist'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('mllint: error: no such file or directory: does-not-exist\n');
    expect(r.stdout).toBe('');
  });

  it('a bad flag or format is exit 2', async () => {
    const dir = tree({});
    expect((await runCli(['check', '--bogus'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['check', '--format', 'xml'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['check', '--max-warnings', 'many'], { cwd: dir })).code).toBe(2);
  });
});

describe('mllint rules / explain', () => {
  it('rules lists every rule with its default severity', async () => {
    const r = await runCli(['rules'], { cwd: process.cwd() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^image-pinned\s+warning\/error\s+Images must name an immutable version/m);
    expect(r.stdout).toMatch(/^parse-error\s+error\s+/m);
  });

  it('explain prints the documentation of a rule', async () => {
    const r = await runCli(['explain', 'image-pinned'], { cwd: process.cwd() });
    expect(r.code).toBe(0);
    for (const heading of ['# image-pinned', 'Default severity: error; warning for no tag, a mutable tag', '## Why', '## What it checks', '## Options', '## How to fix', 'requireDigest']) {
      expect(r.stdout).toContain(heading);
    }
  });

  it('explain of an unknown rule is exit 2', async () => {
    const r = await runCli(['explain', 'nope'], { cwd: process.cwd() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rule "nope"');
  });
});

describe('the bin', () => {
  it('exits quietly when the reader closes the pipe early (mllint check | head)', async () => {
    const { spawnSync } = await import('node:child_process');
    const root = path.resolve(__dirname, '..');
    const r = spawnSync('bash', ['-c', 'node bin/mllint.js check --no-cache --format sarif examples/manifests | head -c 20 >/dev/null; echo "status=${PIPESTATUS[0]}"'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/EPIPE|node:events|\n\s+at /);
    expect(r.stdout).toBe('status=1\n'); // the bad/ examples have errors: the exit code survives the closed pipe
  });
});
