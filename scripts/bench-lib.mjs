/**
 * What the bench scripts share: the generated corpora, whole-process measurements, medians.
 *
 * - `corpus(docs)`: a generated GitOps tree of `docs` documents (../shared/corpus/gen-corpus.mjs, seed 42),
 *   made once and kept under bench-results/corpus-N/tree (bench-results/ is gitignored; an empty `.git`
 *   beside `tree/` makes the corpus its own repository root, so the project's .gitignore does not hide it).
 * - `measure(command, argv, options)`: runs one process under /usr/bin/time; wall seconds, peak RSS (MB),
 *   user+system CPU seconds, and the 1-minute load average when it started.
 * - `repeat(label, reps, command, argv, options)`: `reps` measurements, their median wall time and CPU
 *   time, the highest peak RSS and the load averages seen; prints one line to stderr.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = path.join(ROOT, 'bench-results');
/** The shared corpus generator; not vendored (it belongs to the workspace, not to mllint). */
export const GEN = path.resolve(ROOT, '..', '..', 'shared', 'corpus', 'gen-corpus.mjs');
const GEN_CANDIDATES = [path.resolve(ROOT, '..', 'shared', 'corpus', 'gen-corpus.mjs'), GEN, '/work/shared/corpus/gen-corpus.mjs'];
const TIME = '/usr/bin/time';
export const hasTime = fs.existsSync(TIME);

export const round = (x, digits) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The corpus generator's path, or undefined when this checkout has no ../shared/corpus beside it. */
export function corpusGenerator() {
  return GEN_CANDIDATES.find((f) => fs.existsSync(f));
}

/** A generated tree of `docs` documents (cached); throws with a clear message when the generator is absent. */
export function corpus(docs) {
  const base = path.join(OUT, `corpus-${docs}`);
  const tree = path.join(base, 'tree');
  const stamp = path.join(base, 'corpus.json');
  if (!fs.existsSync(stamp)) {
    const gen = corpusGenerator();
    if (!gen) throw new Error(`the corpus generator (../shared/corpus/gen-corpus.mjs) is not here; looked at ${GEN_CANDIDATES.join(', ')}`);
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(path.join(base, '.git'), { recursive: true });
    const result = spawnSync(process.execPath, [gen, tree, String(docs), '42'], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`gen-corpus failed: ${result.stderr}`);
    fs.writeFileSync(stamp, result.stdout.trim());
  }
  return { tree, info: JSON.parse(fs.readFileSync(stamp, 'utf8')) };
}

/**
 * Runs `command argv` once. Returns { wall, rssMb, cpu, load, status, stdout, stderr }; throws when the
 * exit status is not in `options.okStatus` (default [0]).
 */
export function measure(command, argv, options = {}) {
  const timeFile = path.join(os.tmpdir(), `mllint-bench-${process.pid}.time`);
  const load = os.loadavg()[0];
  const started = process.hrtime.bigint();
  // `discardStdout`: a tool whose report can outgrow any buffer (kube-score's JSON at 50k documents) writes to /dev/null.
  const spawnOptions = { cwd: options.cwd ?? ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...options.env }, input: options.input, ...(options.discardStdout ? { stdio: ['pipe', 'ignore', 'pipe'] } : {}) };
  const child = hasTime ? spawnSync(TIME, ['-f', '%e %M %U %S', '-o', timeFile, command, ...argv], spawnOptions) : spawnSync(command, argv, spawnOptions);
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  let rssMb = null;
  let cpu = null;
  if (hasTime) {
    const line = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop();
    const [, rss, user, sys] = line.split(' ').map(Number);
    rssMb = rss / 1024;
    cpu = user + sys;
    fs.rmSync(timeFile, { force: true });
  }
  if (child.error || (child.status !== 0 && !(options.okStatus ?? [0]).includes(child.status))) {
    throw new Error(`${command} ${argv.join(' ').slice(0, 300)} exited ${child.status}${child.error ? ` (${child.error.message})` : ''}: ${(child.stderr ?? '').slice(0, 2000)}`);
  }
  return { wall, rssMb, cpu, load, status: child.status, stdout: child.stdout, stderr: child.stderr };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `reps` runs of one command: median wall and CPU seconds, highest peak RSS, load averages at the starts. */
export function repeat(label, reps, command, argv, options = {}) {
  const runs = [];
  for (let i = 0; i < reps; i++) {
    options.before?.();
    runs.push(measure(command, argv, options));
  }
  const result = {
    wallSeconds: round(median(runs.map((r) => r.wall)), 3),
    cpuSeconds: hasTime ? round(median(runs.map((r) => r.cpu)), 2) : null,
    peakRssMb: hasTime ? round(Math.max(...runs.map((r) => r.rssMb)), 1) : null,
    reps,
    loadAverages: runs.map((r) => round(r.load, 1)),
  };
  process.stderr.write(
    `  ${label.padEnd(44)} ${result.wallSeconds.toFixed(3).padStart(8)} s  cpu ${String(result.cpuSeconds ?? '-').padStart(6)} s  ${String(result.peakRssMb ?? '-').padStart(6)} MB  load ${result.loadAverages.join(' ')}\n`,
  );
  result.last = runs[runs.length - 1];
  return result;
}
