/**
 * A `.git` FILE (`gitdir: PATH`) is how git marks a worktree or a submodule; in a tree that is no git
 * checkout (an unpacked archive, a copied folder) it is input like any other file. mllint reads git metadata
 * (origin URL, checked-out branch) and writes its cache key into the git directory: it follows a `.git`
 * file only inside the work tree, or where git's own link back confirms the target belongs to this work tree.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitDirsOf } from '../../src/config/trust.js';
import { gitCurrentBranch, gitOriginUrl } from '../../src/render/owners.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'mllint.js');
const built = fs.existsSync(path.join(ROOT, 'dist', 'cli.js'));
const git = spawnSync('git', ['--version']).status === 0;
for (const [ok, reason] of [
  [built, 'dist/ is not built: run npm run build (npm test does)'],
  [git, 'git is not on PATH: the worktree case needs it'],
] as const) {
  if (ok) continue;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`\n*** SKIPPED git metadata tests: ${reason} ***\n`);
}

let base: string;
beforeAll(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-gitmeta-')));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ml\nspec:\n  containers:\n    - name: c\n      image: nginx:1.25.3\n';

/** A folder outside the linted tree that looks like a git directory, with an origin and a branch. */
function outsideGitDir(name: string): string {
  const dir = path.join(base, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config'), '[remote "origin"]\n\turl = https://github.com/victim/private-infra.git\n');
  fs.writeFileSync(path.join(dir, 'HEAD'), 'ref: refs/heads/secret-branch\n');
  return dir;
}

/** A tree with no git directory, only a `.git` file pointing at `target`. */
function treeWithGitFile(name: string, target: string): string {
  const dir = path.join(base, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.git'), `gitdir: ${target}\n`);
  fs.writeFileSync(path.join(dir, 'pod.yaml'), POD);
  return dir;
}

describe('a .git file is followed only inside the work tree or along git’s own link back', () => {
  it('pointing outside (absolute or ../): no origin, no branch, no git directory', () => {
    const outside = outsideGitDir('elsewhere');
    for (const [name, target] of [['absolute', outside], ['relative', '../elsewhere']]) {
      const tree = treeWithGitFile(name, target);
      expect(gitDirsOf(tree), name).toBeUndefined();
      expect(gitOriginUrl(tree), name).toBeUndefined();
      expect(gitCurrentBranch(tree), name).toBeUndefined();
    }
  });

  it('pointing inside the tree: followed, but not on through a commondir that leads out', () => {
    const tree = treeWithGitFile('inside', '.meta');
    fs.mkdirSync(path.join(tree, '.meta'));
    fs.writeFileSync(path.join(tree, '.meta', 'config'), '[remote "origin"]\n\turl = https://github.com/acme/gitops\n');
    fs.writeFileSync(path.join(tree, '.meta', 'HEAD'), 'ref: refs/heads/main\n');
    expect(gitOriginUrl(tree)).toBe('https://github.com/acme/gitops');
    expect(gitCurrentBranch(tree)).toBe('main');
    outsideGitDir('common-out');
    fs.writeFileSync(path.join(tree, '.meta', 'commondir'), '../../common-out\n');
    expect(gitDirsOf(tree)).toBeUndefined();
    expect(gitOriginUrl(tree)).toBeUndefined();
  });

  it('a symlinked or oversized gitdir file target is not read', () => {
    const outside = outsideGitDir('linked');
    const tree = treeWithGitFile('symlinked', '.meta');
    fs.symlinkSync(outside, path.join(tree, '.meta'));
    expect(gitDirsOf(tree)).toBeUndefined();
    const big = path.join(base, 'big-pointer');
    fs.mkdirSync(big);
    fs.writeFileSync(path.join(big, '.git'), `gitdir: .meta\n${'#'.repeat(100_000)}\n`);
    fs.mkdirSync(path.join(big, '.meta'));
    expect(gitDirsOf(big)).toBeUndefined();
  });

  it.skipIf(!git)('a real git worktree (its git directory is outside, and links back): origin and branch are read', () => {
    const main = path.join(base, 'main-repo');
    fs.mkdirSync(main);
    const g = (cwd: string, ...args: string[]) => {
      const r = spawnSync('git', ['-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    };
    g(main, 'init', '-q', '-b', 'main');
    g(main, 'remote', 'add', 'origin', 'https://github.com/acme/ml-gitops.git');
    fs.writeFileSync(path.join(main, 'pod.yaml'), POD);
    g(main, 'add', '.');
    g(main, 'commit', '-q', '-m', 'x');
    const worktree = path.join(base, 'feature-worktree');
    g(main, 'worktree', 'add', '-q', '-b', 'feature', worktree);
    expect(fs.statSync(path.join(worktree, '.git')).isFile()).toBe(true);
    expect(gitOriginUrl(worktree)).toBe('https://github.com/acme/ml-gitops.git');
    expect(gitCurrentBranch(worktree)).toBe('feature');
    // A second tree whose .git file points at the same worktree admin folder is not that worktree.
    const impostor = treeWithGitFile('impostor', path.join(main, '.git', 'worktrees', 'feature-worktree'));
    expect(gitOriginUrl(impostor)).toBeUndefined();
  });

  it('a submodule layout (core.worktree links back): followed', () => {
    const superproject = path.join(base, 'super');
    const modules = path.join(superproject, '.git', 'modules', 'sub');
    fs.mkdirSync(modules, { recursive: true });
    fs.writeFileSync(path.join(modules, 'config'), '[core]\n\tworktree = ../../../sub\n[remote "origin"]\n\turl = https://github.com/acme/sub.git\n');
    fs.writeFileSync(path.join(modules, 'HEAD'), 'ref: refs/heads/main\n');
    const sub = path.join(superproject, 'sub');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, '.git'), 'gitdir: ../.git/modules/sub\n');
    expect(gitOriginUrl(sub)).toBe('https://github.com/acme/sub.git');
    expect(gitCurrentBranch(sub)).toBe('main');
  });

  it.skipIf(!built)('the CLI writes no cache key (nor anything else) where an outside-pointing .git file leads', () => {
    const outside = outsideGitDir('cache-target');
    const before = fs.readdirSync(outside).sort();
    const tree = treeWithGitFile('cli', outside);
    const run = spawnSync(process.execPath, [BIN, 'check', '.', '--format', 'json'], { cwd: tree, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', MLLINT_CACHE: '' } });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).summary.resources).toBe(1);
    expect(fs.readdirSync(outside).sort()).toEqual(before);
    expect(run.stdout + run.stderr).not.toContain('private-infra');
  });
});
