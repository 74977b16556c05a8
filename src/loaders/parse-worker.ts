/**
 * A parser worker (see load-sources.ts): claims files from the shared counter, loads each exactly as the
 * main thread would, and posts `[job, LoadedSource]` on its port. It never throws out: a failure on one
 * file is left for the main thread to redo.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { loadSource } from './load-sources.js';

const { jobs, shared: buffer, port } = workerData as { jobs: Array<{ display: string; absPath: string }>; shared: SharedArrayBuffer; port: MessagePort };
const shared = new Int32Array(buffer);

try {
  for (;;) {
    const job = Atomics.add(shared, 0, 1);
    if (job >= jobs.length) break;
    try {
      const loaded = loadSource(jobs[job]);
      // JSON is much cheaper for the main thread to take in than a structured clone; values JSON cannot
      // carry (dates, NaN, ±Infinity, -0) go as structured clones.
      port.postMessage([job, isJsonSafe(loaded) ? JSON.stringify(loaded) : loaded]);
    } catch {
      // not clonable or not loadable here: the main thread loads it
    }
    Atomics.add(shared, 2, 1);
  }
} finally {
  Atomics.add(shared, 1, 1);
  Atomics.notify(shared, 1);
}

function isJsonSafe(value: unknown, depth = 0): boolean {
  if (depth > 200) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object') return false; // undefined, bigint, …
  if (Array.isArray(value)) {
    for (const item of value) if (!isJsonSafe(item, depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false; // dates and anything unusual
  for (const key in value) {
    if (!isJsonSafe((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}
