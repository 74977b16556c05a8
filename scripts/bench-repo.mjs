/**
 * `npm run bench:repo -- <path> [<path>…] [--runs N]`: mllint on real repositories already on disk (fetched or
 * extracted by you: e.g. `git -C /work/.mirror/kserve+kserve/repo archive HEAD | tar -x -C /tmp/kserve`), as a
 * user runs it: `mllint check . --format json` in the repository, whole processes under /usr/bin/time.
 *
 * - cold: `--no-cache` (nothing reused: every kustomization and chart rendered), median of N runs (default 3);
 * - second run (only when the tree is inside a git work tree, where mllint keeps `.mllint-cache/`): one run
 *   that fills the cache, then N runs that find their result there.
 *
 * Prints wall and CPU seconds (CPU includes the kustomize and helm children), peak RSS (the largest
 * single process) and the load average at each start; writes bench-results/repo-latest.json. A path that is
 * not there is skipped with a message (nothing is fetched).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { hasTime, OUT, repeat, ROOT } from './bench-lib.mjs';

const args = process.argv.slice(2);
let runs = 3;
const trees = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Math.max(1, Number(args[++i]) || 3);
  else trees.push(args[i]);
}
if (trees.length === 0) {
  console.error('usage: npm run bench:repo -- <repository path> [more paths] [--runs N]');
  process.exit(2);
}
if (!hasTime) console.error('bench:repo: /usr/bin/time not found; peak RSS and CPU time are not measured');

const BIN = path.join(ROOT, 'bin', 'mllint.js');
// mllint exits 1 when it reports errors: that is a result, not a failure of the run.
const OK = { okStatus: [0, 1] };
const results = [];
for (const tree of trees) {
  const dir = path.resolve(tree);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    console.error(`*** SKIPPED ${tree}: no such directory (fetch or extract the repository first) ***`);
    results.push({ tree: dir, skipped: 'no such directory' });
    continue;
  }
  console.error(`${dir}`);
  const cold = repeat('cold (--no-cache)', runs, process.execPath, [BIN, 'check', '.', '--format', 'json', '--no-cache'], { cwd: dir, discardStdout: true, ...OK });
  const inGit = spawnSync('git', ['-C', dir, 'rev-parse', '--is-inside-work-tree'], { encoding: 'utf8' }).stdout?.trim() === 'true';
  let second = null;
  if (inGit) {
    repeat('filling the cache', 1, process.execPath, [BIN, 'check', '.', '--format', 'json'], { cwd: dir, discardStdout: true, ...OK });
    second = repeat('second run (cached)', runs, process.execPath, [BIN, 'check', '.', '--format', 'json'], { cwd: dir, discardStdout: true, ...OK });
  } else {
    console.error('  second run: skipped, the tree is not in a git work tree (mllint caches only there)');
  }
  const strip = (r) => r && (({ last: _last, ...rest }) => rest)(r);
  results.push({ tree: dir, cold: strip(cold), second: strip(second) });
}
fs.mkdirSync(OUT, { recursive: true });
const out = path.join(OUT, 'repo-latest.json');
fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), cores: os.availableParallelism?.() ?? os.cpus().length, node: process.version, results }, null, 2));
console.error(`written ${path.relative(ROOT, out)}`);
