/** The result cache: reused only for an identical run, never trusted when corrupt or foreign. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintPaths } from '../src/api.js';
import { BROKEN_IMAGE, BROKEN_POD, makeTree, removeTree, runCli } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));
function repo(files: Record<string, string>) {
  const dir = makeTree({ '.git/HEAD': 'ref: refs/heads/main\n', ...files });
  dirs.push(dir);
  return dir;
}
const cacheFiles = (dir: string) => (fs.existsSync(path.join(dir, '.mllint-cache')) ? fs.readdirSync(path.join(dir, '.mllint-cache')).filter((f) => f.endsWith('.json')) : []);
const run = (dir: string) => {
  const outcome = lintPaths(['apps'], { cwd: dir, cache: true });
  if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
  return outcome;
};

describe('result cache', () => {
  it('a second run over an unchanged tree returns the stored result', () => {
    const dir = repo({ 'apps/pod.yaml': BROKEN_POD });
    const first = run(dir);
    expect(first.cached).toBe(false);
    expect(cacheFiles(dir)).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, '.mllint-cache', '.gitignore'), 'utf8')).toContain('*');
    const second = run(dir);
    expect(second.cached).toBe(true);
    expect(second.result).toEqual(first.result);
  });

  it('a changed file, a new file or a changed config is a new run', () => {
    const dir = repo({ 'apps/pod.yaml': BROKEN_POD });
    run(dir);
    fs.writeFileSync(path.join(dir, 'apps/pod.yaml'), BROKEN_POD.replace(BROKEN_IMAGE, 'scorer:1.0.0'));
    const changed = run(dir);
    expect(changed.cached).toBe(false);
    expect(changed.result.findings.filter((f) => f.ruleId === 'image-pinned')).toEqual([]);
    fs.writeFileSync(path.join(dir, 'apps/other.yaml'), BROKEN_POD.replace('name: scorer\n  namespace', 'name: other\n  namespace'));
    expect(run(dir).cached).toBe(false);
    fs.writeFileSync(path.join(dir, '.mllint.yaml'), 'rules:\n  image-pinned: warning\n');
    const reconfigured = run(dir);
    expect(reconfigured.cached).toBe(false);
    expect(reconfigured.result.findings.find((f) => f.ruleId === 'image-pinned')?.severity).toBe('warning');
  });

  it('an entry committed to the repository is never used: an entry carries an HMAC under a secret in .git/', () => {
    // Everything in the key is computable from the repository and the published package, so a pull
    // request could commit a clean result under the name its CI run looks up; git creates that file.
    const dir = repo({ 'apps/pod.yaml': BROKEN_POD });
    const first = run(dir);
    expect(first.result.findings.length).toBeGreaterThan(0);
    expect(run(dir).cached).toBe(true);
    const [file] = cacheFiles(dir);
    const entry = path.join(dir, '.mllint-cache', file);
    const stored = JSON.parse(fs.readFileSync(entry, 'utf8').split('\n').slice(1).join('\n'));
    const forged = { ...stored, result: { ...stored.result, findings: [], summary: { ...stored.result.summary, errors: 0, warnings: 0, infos: 0 } } };
    // As a checkout writes it: a new file under the same name.
    fs.rmSync(entry);
    fs.writeFileSync(entry, JSON.stringify(forged));
    const again = run(dir);
    expect(again.cached).toBe(false);
    expect(again.result.findings.map((f) => f.ruleId)).toEqual(first.result.findings.map((f) => f.ruleId));
    expect(run(dir).cached).toBe(true);
  });

  it('a corrupt or foreign entry is ignored and replaced', () => {
    const dir = repo({ 'apps/pod.yaml': BROKEN_POD });
    const first = run(dir);
    const [file] = cacheFiles(dir);
    const entry = path.join(dir, '.mllint-cache', file);
    fs.writeFileSync(entry, '{"format":1,"key":"');
    const afterCorrupt = run(dir);
    expect(afterCorrupt.cached).toBe(false);
    expect(afterCorrupt.result).toEqual(first.result);
    // Entries are `HMAC\nJSON`: well-formed JSON under the right MAC but foreign or broken contents is refused too.
    const sign = (body: unknown) => {
      const text = JSON.stringify(body);
      return `${crypto.createHmac('sha256', fs.readFileSync(path.join(dir, '.git', 'mllint-cache.key'))).update(text).digest('hex')}\n${text}`;
    };
    const stored = JSON.parse(fs.readFileSync(entry, 'utf8').split('\n').slice(1).join('\n'));
    fs.writeFileSync(entry, sign({ ...stored, key: 'someone-else' }));
    expect(run(dir).cached).toBe(false);
    fs.writeFileSync(entry, sign({ ...stored, result: { findings: [{ ruleId: 1 }], summary: stored.result.summary } }));
    expect(run(dir).cached).toBe(false);
    expect(run(dir).cached).toBe(true);
  });

  it('an entry mllint did not write is never read: a committed .mllint-cache under a predicted key is ignored', () => {
    const dir = repo({ 'apps/pod.yaml': BROKEN_POD });
    const first = run(dir);
    expect(first.result.findings.length).toBeGreaterThan(0);
    const [file] = cacheFiles(dir);
    const entry = path.join(dir, '.mllint-cache', file);
    const [, ...rest] = fs.readFileSync(entry, 'utf8').split('\n');
    const stored = JSON.parse(rest.join('\n'));
    const forged = JSON.stringify({ ...stored, result: { ...stored.result, findings: [], summary: { ...stored.result.summary, errors: 0, warnings: 0, infos: 0 } } });
    // The attacker knows the key (same build, path and bytes on every runner) but not this clone's secret:
    // a fresh clone has none yet, an unsigned entry, a plain hash or a MAC under another secret all fail.
    fs.rmSync(path.join(dir, '.git', 'mllint-cache.key'));
    for (const content of [forged, `${crypto.createHash('sha256').update(forged).digest('hex')}\n${forged}`, `${crypto.createHmac('sha256', Buffer.alloc(32)).update(forged).digest('hex')}\n${forged}`]) {
      fs.writeFileSync(entry, content);
      const again = run(dir);
      expect(again.cached).toBe(false);
      expect(again.result.findings).toEqual(first.result.findings);
    }
    expect(fs.statSync(path.join(dir, '.git', 'mllint-cache.key')).mode & 0o777).toBe(0o600);
    // A key file that is a symbolic link (or not 32 bytes) is not used: nothing is cached.
    const other = repo({ 'apps/pod.yaml': BROKEN_POD });
    fs.symlinkSync(path.join(dir, '.git', 'mllint-cache.key'), path.join(other, '.git', 'mllint-cache.key'));
    expect(run(other).cached).toBe(false);
    expect(run(other).cached).toBe(false);
    expect(cacheFiles(other)).toEqual([]);
  });

  it('is written only inside a repository, not for stdin, and not with --no-cache or MLLINT_CACHE=0', async () => {
    const outside = makeTree({ 'apps/pod.yaml': BROKEN_POD });
    dirs.push(outside);
    lintPaths(['apps'], { cwd: outside, cache: true });
    expect(fs.existsSync(path.join(outside, '.mllint-cache'))).toBe(false);

    const dir = repo({ 'apps/pod.yaml': BROKEN_POD });
    await runCli(['check', 'apps', '--no-cache'], { cwd: dir });
    await runCli(['check', 'apps'], { cwd: dir, env: { MLLINT_CACHE: '0' } });
    await runCli(['check', '-'], { cwd: dir, stdin: BROKEN_POD });
    expect(cacheFiles(dir)).toEqual([]);
    const a = await runCli(['check', 'apps', '-f', 'json'], { cwd: dir });
    const b = await runCli(['check', 'apps', '-f', 'json'], { cwd: dir });
    expect(cacheFiles(dir)).toHaveLength(1);
    expect(b.stdout).toBe(a.stdout);
    expect(b.code).toBe(a.code);
  });
});
