/**
 * Progress on stderr for a person at a terminal, never in CI, a pipe or a file. The end-to-end cases run
 * the built bin under a real pseudo-terminal (util-linux `script`), with stdout redirected to a file, as
 * `mllint check > report.json` at a terminal would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgress, progressWanted } from '../src/progress.js';
import { BROKEN_POD, makeTree, removeTree } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'mllint.js');
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));

describe('progress line', () => {
  it('shows a new phase at once, counts at most every interval, and erases itself at the end', () => {
    let out = '';
    let t = 0;
    const p = createProgress((s) => (out += s), { intervalMs: 100, now: () => t });
    p.update('parsing files', 0, 3);
    t = 50;
    p.update('parsing files', 1, 3); // throttled
    t = 150;
    p.update('parsing files', 2, 3);
    p.update('checking rules', 0, 35); // new phase: at once
    p.end();
    expect(out).toBe('\r\x1b[Kmllint: parsing files 0/3…\r\x1b[Kmllint: parsing files 2/3…\r\x1b[Kmllint: checking rules 0/35…\r\x1b[K');
    out = '';
    createProgress((s) => (out += s)).end();
    expect(out).toBe(''); // nothing shown, nothing erased
  });

  it('is wanted only on a terminal, outside CI, unless turned off', () => {
    expect(progressWanted(true, {})).toBe(true);
    expect(progressWanted(false, {})).toBe(false);
    expect(progressWanted(true, { CI: 'true' })).toBe(false);
    expect(progressWanted(true, { CI: '1' })).toBe(false);
    expect(progressWanted(true, { CI: 'false' })).toBe(true);
    expect(progressWanted(true, { GITHUB_ACTIONS: 'true' })).toBe(false);
    expect(progressWanted(true, { TERM: 'dumb' })).toBe(false);
    expect(progressWanted(true, { MLLINT_PROGRESS: '0' })).toBe(false);
    expect(progressWanted(true, {}, false)).toBe(false); // --no-progress
  });
});

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasScript) {
  const reason = 'the pseudo-terminal progress tests need util-linux `script` on PATH';
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
}

describe.skipIf(!hasScript)('progress under a real pseudo-terminal (script)', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`apps/pod-${i}.yaml`] = BROKEN_POD.replace('name: scorer', `name: scorer-${i}`);
  const tree = makeTree(files);
  dirs.push(tree);

  /** Runs mllint with stderr on a pseudo-terminal and stdout to a file; returns what the terminal got and the report. */
  function atTerminal(env: string, flags = ''): { terminal: string; report: string } {
    const out = path.join(tree, 'report.json');
    const log = path.join(tree, 'terminal.log');
    const command = `env -u CI -u GITHUB_ACTIONS ${env} node ${JSON.stringify(BIN)} check --no-cache -f json ${flags} apps > ${JSON.stringify(out)}`;
    const r = spawnSync('script', ['-qec', command, log], { cwd: tree, encoding: 'utf8', env: { ...process.env, TERM: 'xterm' } });
    expect(r.status, r.stderr).toBe(1); // image-pinned errors (truncated digests)
    const terminal = fs.readFileSync(log, 'utf8');
    return { terminal, report: fs.readFileSync(out, 'utf8') };
  }

  it('a terminal sees the phases, then the line is erased; the report on stdout is untouched', () => {
    const { terminal, report } = atTerminal('');
    expect(terminal).toContain('mllint: parsing files');
    expect(terminal).toContain('mllint: checking rules');
    const last = terminal.lastIndexOf('mllint: ');
    expect(terminal.indexOf('\r\x1b[K', last)).toBeGreaterThan(last); // erased after the last update
    expect(report).not.toContain('\x1b');
    expect(JSON.parse(report).findings.filter((f: { ruleId: string }) => f.ruleId === 'image-pinned')).toHaveLength(40);
  });

  it('CI=true, MLLINT_PROGRESS=0 and --no-progress show nothing, even on a terminal', () => {
    for (const [env, flags] of [['CI=true', ''], ['GITHUB_ACTIONS=true', ''], ['MLLINT_PROGRESS=0', ''], ['', '--no-progress']]) {
      const { terminal } = atTerminal(env, flags);
      expect(terminal, `${env} ${flags}`).not.toContain('mllint: ');
      expect(terminal, `${env} ${flags}`).not.toContain('\x1b[K');
    }
  });

  it('stderr on a pipe gets no progress', () => {
    const env = { ...process.env };
    delete env.CI;
    delete env.GITHUB_ACTIONS;
    const r = spawnSync('node', [BIN, 'check', '--no-cache', '-f', 'json', 'apps'], { cwd: tree, encoding: 'utf8', env });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
  });
});
