import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/loaders/files.js';
import { treesRemovedAfterAll } from '../helpers.js';

const K = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n';
const tree = treesRemovedAfterAll();

const names = (dir: string, paths: string[] = ['.'], extra: Partial<Parameters<typeof discoverFiles>[1]> = {}) =>
  discoverFiles(paths, { cwd: dir, ...extra }).files.map((f) => f.display);

describe('discoverFiles', () => {
  it('finds .yaml and .yml files, sorted, skipping other files, node_modules and .git', () => {
    const dir = tree({ 'b.yml': K, 'a/x.yaml': K, 'a/readme.md': '#', 'node_modules/p/x.yaml': K, '.git/x.yaml': K, 'C.YAML': K });
    expect(names(dir)).toEqual(['C.YAML', 'a/x.yaml', 'b.yml']);
  });

  it("skips mllint's own config files (.mllint.yaml, mllint.config.yaml, rules.config.yaml), not look-alikes", () => {
    const dir = tree({ '.mllint.yaml': 'rules: {}\n', 'apps/mllint.config.yaml': 'rules: {}\n', 'rules.config.yaml': 'rules: {}\n', 'apps/my.mllint.yaml': 'a: 1\n', 'apps/pod.yaml': 'a: 1\n' });
    expect(names(dir)).toEqual(['apps/my.mllint.yaml', 'apps/pod.yaml']);
  });

  it('honours .gitignore, .mllintignore (nested too) and config ignore globs', () => {
    const dir = tree({
      '.gitignore': 'rendered/\n',
      '.mllintignore': 'experiments/*.yaml\n!experiments/keep.yaml\n',
      'apps/.gitignore': 'local.yaml\n',
      'rendered/x.yaml': K,
      'experiments/a.yaml': K,
      'experiments/keep.yaml': K,
      'apps/local.yaml': K,
      'apps/app.yaml': K,
      'charts/c/tmp/x.yaml': K,
    });
    expect(names(dir, ['.'], { ignorePatterns: ['charts/**/tmp/**'], ignoreBase: dir })).toEqual(['apps/app.yaml', 'experiments/keep.yaml']);
  });

  it('applies ignore files of parent directories up to the repository root', () => {
    const dir = tree({ '.git/HEAD': 'ref', '.gitignore': 'secret.yaml\n', 'gitops/secret.yaml': K, 'gitops/app.yaml': K });
    expect(discoverFiles(['gitops'], { cwd: dir }).files.map((f) => f.display)).toEqual(['gitops/app.yaml']);
  });

  it('a missing path is fatal with a clear message', () => {
    const dir = tree({ 'a.yaml': K });
    const result = discoverFiles(['nope', 'a.yaml'], { cwd: dir });
    expect(result.fatal).toEqual(['no such file or directory: nope']);
  });

  it('lints an explicitly named file whatever its extension', () => {
    const dir = tree({ 'manifest.txt': K });
    expect(names(dir, ['manifest.txt'])).toEqual(['manifest.txt']);
  });

  it('follows symlinks inside the root, never out of it, and survives loops', () => {
    const outside = tree({ 'evil.yaml': K });
    const dir = tree({ 'root/real/a.yaml': K });
    fs.symlinkSync(path.join(outside, 'evil.yaml'), path.join(dir, 'root', 'out.yaml'));
    fs.symlinkSync(outside, path.join(dir, 'root', 'outdir'));
    fs.symlinkSync(path.join(dir, 'root', 'real', 'a.yaml'), path.join(dir, 'root', 'alias.yaml'));
    fs.symlinkSync(path.join(dir, 'root'), path.join(dir, 'root', 'real', 'loop'));
    fs.symlinkSync(path.join(dir, 'root', 'missing.yaml'), path.join(dir, 'root', 'dangling.yaml'));
    expect(names(dir, ['root'])).toEqual(['root/alias.yaml']);
  });

  it('never opens FIFOs or sockets, and a directory named x.yaml is walked as a directory', async () => {
    const dir = tree({ 'x.yaml/inner.yaml': K });
    const fifo = path.join(dir, 'pipe.yaml');
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [fifo]);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'sock.yaml'), resolve));
    try {
      expect(names(dir)).toEqual(['x.yaml/inner.yaml']);
    } finally {
      server.close();
    }
  });

  it('recognises Helm charts and skips their templates', () => {
    const dir = tree({ 'chart/Chart.yaml': 'name: web\nversion: 1\n', 'chart/values.yaml': 'a: 1\n', 'chart/templates/d.yaml': '{{ x }}' });
    const result = discoverFiles(['.'], { cwd: dir });
    expect(result.files.map((f) => f.display)).toEqual(['chart/Chart.yaml', 'chart/values.yaml']);
    expect(result.helmCharts).toEqual([{ display: 'chart/templates', chartName: 'web', dir: path.join(dir, 'chart') }]);
  });
});
