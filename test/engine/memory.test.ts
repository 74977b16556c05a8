/**
 * The full collection between a large run's phases (src/engine/memory.ts): it runs without exposing `gc`
 * to the process's own global scope, and calling it again is harmless.
 */
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/engine/memory.js';

describe('collectGarbage', () => {
  it('collects without exposing gc globally, any number of times', () => {
    const hadGc = typeof (globalThis as { gc?: unknown }).gc;
    expect(() => collectGarbage()).not.toThrow();
    expect(() => collectGarbage()).not.toThrow();
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe(hadGc);
  });

  it('frees what is no longer reachable', () => {
    const before = process.memoryUsage().heapUsed;
    let garbage: unknown[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `value-${i}` }));
    expect(garbage.length).toBe(200_000);
    garbage = undefined;
    collectGarbage();
    // 200k small objects are ~20 MB; after the collection the heap is back near where it started.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 1024 * 1024);
  });
});
