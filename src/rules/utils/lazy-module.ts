/**
 * Synchronous lazy loading for heavy modules that only some rules need (cron parser, API schemas):
 * rule `check`s are synchronous, so a module is `require`d on first use instead of imported at start-up.
 * Node ≥ 20.19 can `require` ES modules (without top-level await) synchronously.
 */
import { createRequire } from 'node:module';

export const lazyRequire = createRequire(import.meta.url);

/** A getter that loads a module on its first call and caches it (including a failure, rethrown each time). */
export function lazyModule<T>(load: () => T): () => T {
  let state: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  return () => {
    if (!state) {
      try {
        state = { ok: true, value: load() };
      } catch (error) {
        state = { ok: false, error };
      }
    }
    if (!state.ok) throw state.error;
    return state.value;
  };
}
