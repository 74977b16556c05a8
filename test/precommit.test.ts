/**
 * The pre-commit hook, with the real `pre-commit` (Debian's package): a temporary git repository uses
 * a snapshot of this checkout, tagged `v<version>`, as its hook repository, with the README's snippet as
 * written. pre-commit installs the hook with npm (which
 * builds dist/ through the `prepare` script), then a commit with a bad manifest is refused with the
 * finding shown and a clean one passes. Slow (npm install inside): one test, generous timeout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function onPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

const missing = ['pre-commit', 'git', 'npm'].filter((tool) => !onPath(tool));
if (missing.length > 0) {
  const reason = `the pre-commit hook test needs ${missing.join(', ')} on PATH (apt-get install -y pre-commit)`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
}

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-precommit-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'mllint test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'mllint test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: process.env.HOME ?? temp,
  PRE_COMMIT_HOME: path.join(temp, 'pre-commit-cache'),
  PRE_COMMIT_COLOR: 'never',
  NO_COLOR: '1',
};

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const env: Record<string, string | undefined> = { ...process.env, ...GIT_ENV };
  delete env.CI; // keep pre-commit's and npm's output plain
  delete env.GIT_DIR;
  delete env.GIT_INDEX_FILE;
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** A certain error on line 9: a digest copied truncated, which the kubelet cannot parse. */
const BAD = `apiVersion: v1
kind: Pod
metadata:
  name: scorer
  namespace: ml-serving-prod
spec:
  containers:
    - name: scorer
      image: registry.example.com/ml/fraud-scorer@sha256:9f86d08
      ports:
        - name: http
          containerPort: 8080
      readinessProbe:
        httpGet: { path: /ready, port: http }
      livenessProbe:
        httpGet: { path: /health, port: http }
        initialDelaySeconds: 60
      resources:
        requests: { cpu: "1", memory: 2Gi }
        limits: { memory: 2Gi }
`;

(missing.length > 0 ? describe.skip : describe)('pre-commit hook (real pre-commit)', () => {
  it('refuses a commit with a bad manifest, showing the finding; accepts the fixed one', () => {
    // The hook repository: this checkout's files (tracked and new, not ignored: no node_modules, no dist).
    const hookRepo = path.join(temp, 'hook-repo');
    fs.mkdirSync(hookRepo);
    const listed = ok(sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT), 'git ls-files');
    for (const rel of listed.split('\0').filter(Boolean)) {
      const from = path.join(ROOT, rel);
      if (!fs.existsSync(from) || !fs.statSync(from).isFile()) continue; // deleted in the working tree
      fs.mkdirSync(path.dirname(path.join(hookRepo, rel)), { recursive: true });
      fs.copyFileSync(from, path.join(hookRepo, rel));
    }
    expect(fs.existsSync(path.join(hookRepo, '.pre-commit-hooks.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(hookRepo, 'dist'))).toBe(false);
    ok(sh('git', ['init', '-q'], hookRepo), 'git init');
    ok(sh('git', ['add', '-A'], hookRepo), 'git add');
    ok(sh('git', ['commit', '-q', '--no-verify', '-m', 'hook repository'], hookRepo), 'git commit');
    // A local release tag, as the README's snippet pins one (`rev: vX.Y.Z`).
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
    ok(sh('git', ['tag', `v${version}`], hookRepo), 'git tag');

    // The user's GitOps repository, with the README's pre-commit snippet as written (the repository URL
    // pointed at the local hook repository).
    const user = path.join(temp, 'gitops');
    fs.mkdirSync(path.join(user, 'apps'), { recursive: true });
    ok(sh('git', ['init', '-q'], user), 'git init');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const snippet = /```yaml\n(# \.pre-commit-config\.yaml\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet, 'README has a .pre-commit-config.yaml snippet').toBeDefined();
    expect(snippet).toContain(`rev: v${version}`);
    fs.writeFileSync(path.join(user, '.pre-commit-config.yaml'), snippet!.replace('https://github.com/mllint/mllint', hookRepo));
    ok(sh('pre-commit', ['install'], user), 'pre-commit install');

    fs.writeFileSync(path.join(user, 'apps', 'scorer.yaml'), BAD);
    ok(sh('git', ['add', '.'], user), 'git add');
    const refused = sh('git', ['commit', '-m', 'add scorer'], user);
    const refusedOutput = `${refused.stdout}\n${refused.stderr}`;
    if (refusedOutput.includes('An unexpected error has occurred')) throw new Error(`pre-commit could not install the hook:\n${refusedOutput}`);
    expect(refused.status).not.toBe(0);
    expect(refusedOutput).toMatch(/mllint\.+Failed/);
    expect(refusedOutput).toContain('apps/scorer.yaml:9:14');
    expect(refusedOutput).toContain('image-pinned');
    expect(sh('git', ['rev-parse', '--verify', '-q', 'HEAD'], user).status).not.toBe(0); // nothing committed

    fs.writeFileSync(path.join(user, 'apps', 'scorer.yaml'), BAD.replace('@sha256:9f86d08', ':3.0.1'));
    ok(sh('git', ['add', '.'], user), 'git add');
    const accepted = sh('git', ['commit', '-m', 'add scorer'], user);
    const acceptedOutput = `${accepted.stdout}\n${accepted.stderr}`;
    expect(accepted.status, acceptedOutput).toBe(0);
    expect(acceptedOutput).toMatch(/mllint\.+Passed/);
  }, 600_000);
});
