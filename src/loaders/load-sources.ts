/**
 * Sources → loaded documents, in parallel on worker threads when there are enough files to pay for
 * starting them (DESIGN.md §7). The engine stays synchronous: the main thread parses its share too, then
 * blocks on an Atomics wait until the workers are done and drains their ports synchronously.
 *
 * Workers claim files one at a time from a shared counter (so a few big files do not unbalance them),
 * and every result is the same value `loadSource` gives on the main thread (plain, structured-clonable
 * data). A worker that fails or stalls is never waited for forever: what it did not deliver is loaded
 * on the main thread. `MLLINT_WORKERS=0` turns the pool off; `MLLINT_WORKERS=N` sets its size.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import type { MessagePort, Worker } from 'node:worker_threads';
import { loadTextWithDigest, type LoadedText } from './objects.js';
import { readSourceText, type SourceInput } from './source.js';
import { rememberParsedFast } from './fast-yaml.js';
import { internStrings, type StringPool } from './intern.js';
import type { ProgressCallback } from '../progress.js';

export type LoadedSource = { ok: true; loaded: LoadedText; fastDigest?: string } | { ok: false; message: string; line: number };

/**
 * Files on disk below which a pool does not pay off. Measured on 2 cores (npm run bench): no gain at
 * 2,000 files (the main thread spends on taking in results what it saves on parsing), about 10–15% at
 * 10,000 files.
 */
export const MIN_FILES_FOR_WORKERS = 2500;
export const MIN_CORES_FOR_WORKERS = 4;
/** A pool that makes no progress for this long is abandoned; the main thread loads the rest. */
const STALL_MS = 20_000;

/** One source's documents; with a `pool`, their strings are the run's shared ones (see intern.ts). */
export function loadSource(source: SourceInput, pool?: StringPool): LoadedSource {
  const pre = source.loaded;
  if (pre && !source.problem && pre.text === source.text) return pooledStrings({ ok: true, loaded: pre.loaded }, pool);
  const decoded = readSourceText(source);
  return decoded.ok ? { ok: true, ...loadTextWithDigest(decoded.text, pool) } : decoded;
}

function pooledStrings(loaded: LoadedSource, pool: StringPool | undefined): LoadedSource {
  if (pool && loaded.ok) for (const extracted of loaded.loaded.objects) internStrings(extracted.object, pool);
  return loaded;
}

export function loadSources(sources: readonly SourceInput[], progress?: ProgressCallback): LoadedSource[] {
  const pool: StringPool = new Map();
  return loadInParallel(sources, pool, progress) ?? sources.map((source, i) => {
    progress?.('parsing files', i, sources.length);
    return loadSource(source, pool);
  });
}

function workerCount(diskFiles: number): number {
  const configured = process.env.MLLINT_WORKERS;
  if (configured !== undefined && /^\d+$/.test(configured)) return Math.min(Number(configured), 16);
  if (diskFiles < MIN_FILES_FOR_WORKERS) return 0;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  // On 2 cores one worker measured no reliable gain (±15% noise around zero at 10k–50k documents):
  // the main thread spends on taking in results what it saves on parsing. From 4 cores, 3+ workers.
  if (cores < MIN_CORES_FOR_WORKERS) return 0;
  return Math.min(cores - 1, 7); // the main thread is the other parser
}

// Next to this module in dist/loaders/, or in dist/loaders/ when this code runs from the bundle dist/mllint.mjs.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORKER_URL = pathToFileURL(
  [path.join(HERE, 'parse-worker.js'), path.join(HERE, 'loaders', 'parse-worker.js')].find((f) => fs.existsSync(f)) ?? path.join(HERE, 'parse-worker.js'),
);

function loadInParallel(sources: readonly SourceInput[], pool: StringPool, progress?: ProgressCallback): LoadedSource[] | undefined {
  const disk = sources.map((s, i) => ({ s, i })).filter(({ s }) => s.text === undefined && s.absPath !== undefined);
  const count = Math.min(workerCount(disk.length), disk.length);
  if (count < 1) return undefined;
  if (!fs.existsSync(fileURLToPath(WORKER_URL))) return undefined; // running from sources (tests): no compiled worker

  // Loaded only for a pool: most runs (and every cold start) have none.
  const { MessageChannel, receiveMessageOnPort, Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  const results: Array<LoadedSource | undefined> = new Array(sources.length);
  // [0] next file to claim, [1] workers finished, [2] files delivered (progress).
  const shared = new Int32Array(new SharedArrayBuffer(12));
  const jobs = disk.map(({ s }) => ({ display: s.display, absPath: s.absPath }));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  try {
    for (let w = 0; w < count; w++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_URL, { workerData: { jobs, shared: shared.buffer, port: port2 }, transferList: [port2] });
      worker.unref();
      worker.on('error', () => {}); // a failed worker delivers less; the main thread fills in
      workers.push(worker);
      ports.push(port1);
    }
  } catch {
    for (const worker of workers) void worker.terminate();
    return undefined;
  }

  // The main thread parses too, claiming from the same counter.
  for (;;) {
    const job = Atomics.add(shared, 0, 1);
    if (job >= jobs.length) break;
    progress?.('parsing files', job, jobs.length);
    results[disk[job].i] = loadSource(sources[disk[job].i], pool);
  }
  // Wait for the workers, never forever.
  let lastProgress = Atomics.load(shared, 2);
  let lastChange = Date.now();
  while (Atomics.load(shared, 1) < count) {
    const finished = Atomics.load(shared, 1);
    Atomics.wait(shared, 1, finished, 200);
    const progress = Atomics.load(shared, 2);
    if (progress !== lastProgress) {
      lastProgress = progress;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > STALL_MS) break;
  }
  for (const port of ports) {
    for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
      const [job, payload] = message.message as [number, LoadedSource | string];
      const loaded = typeof payload === 'string' ? (JSON.parse(payload) as LoadedSource) : payload;
      if (typeof job !== 'number' || !disk[job] || !loaded) continue;
      results[disk[job].i] = pooledStrings(loaded, pool);
      if (loaded.ok && loaded.fastDigest) rememberParsedFast(loaded.fastDigest);
    }
    port.close();
  }
  for (const worker of workers) void worker.terminate();
  // Text sources (stdin), and anything a worker did not deliver, are loaded here.
  return sources.map((source, i) => results[i] ?? loadSource(source, pool));
}
