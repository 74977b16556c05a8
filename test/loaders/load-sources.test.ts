/**
 * The worker pool gives exactly what the main thread gives, file by file. The pool runs the compiled
 * worker (dist/loaders/parse-worker.js), so this test uses the build (`npm test` builds first).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedExtra } from '../shared-extras.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIST = path.join(ROOT, 'dist', 'loaders', 'load-sources.js');
const WORKER = path.join(ROOT, 'dist', 'loaders', 'parse-worker.js');
const GEN = sharedExtra('corpus/gen-corpus.mjs', 'the worker-pool agreement test on a generated corpus');
const built = fs.existsSync(DIST) && fs.existsSync(WORKER);
if (!built) {
  const reason = 'dist/ is not built: run npm run build (npm test does)';
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`SKIPPED load-sources worker tests: ${reason}`);
}

describe.skipIf(!built || !GEN)('loadSources on worker threads', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mllint-pool-'));
    execFileSync(process.execPath, [GEN!, path.join(dir, 'corpus'), '400'], { stdio: 'ignore' });
    const odd = path.join(dir, 'corpus', 'odd');
    fs.mkdirSync(odd, { recursive: true });
    fs.writeFileSync(path.join(odd, 'dates.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n  creationTimestamp: 2024-01-02T03:04:05Z\ndata:\n  nan: .nan\n  inf: -.inf\n  zero: -0\n');
    fs.writeFileSync(path.join(odd, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n');
    fs.writeFileSync(path.join(odd, 'binary.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0x00, 0xff]));
    fs.writeFileSync(path.join(odd, 'anchors.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: a\ndata:\n  <<: {x: "1"}\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives the same results with and without workers, in order', async () => {
    const { loadSources } = (await import(DIST)) as typeof import('../../src/loaders/load-sources.js');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(path.join(dir, 'corpus'));
    const sources = [{ display: '-', text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: stdin}\n' }, ...files.map((f) => ({ display: f, absPath: f }))];
    const saved = process.env.MLLINT_WORKERS;
    try {
      process.env.MLLINT_WORKERS = '0';
      const single = loadSources(sources);
      process.env.MLLINT_WORKERS = '2';
      const pooled = loadSources(sources);
      expect(pooled.length).toBe(sources.length);
      // Dates, NaN and -0 survive the trip (structured clones); the rest goes as JSON.
      expect(pooled).toEqual(single);
      const dates = pooled[sources.findIndex((s) => s.display.endsWith('dates.yaml'))];
      expect(dates.ok && (dates.loaded.objects[0].object.metadata as Record<string, unknown>).creationTimestamp).toBeInstanceOf(Date);
    } finally {
      if (saved === undefined) delete process.env.MLLINT_WORKERS;
      else process.env.MLLINT_WORKERS = saved;
    }
  });
});
