/**
 * Regular expressions written in a linted repository (CRD `pattern`s) run on RE2 (config/safe-match.ts):
 * linear time whatever the pattern or value (DESIGN.md §8), and the same answers as the API server, which
 * compiles `pattern` with Go's regexp. A pattern RE2 cannot compile (lookaround, backreferences; the API
 * server rejects those too) is not checked: never a finding, precision over recall.
 */
import { compileRe2 } from '../../config/safe-match.js';

const cache = new Map<string, { test(value: string): boolean } | null>();

/** A tester for `pattern` (unanchored search, like JSON Schema), or undefined when RE2 cannot compile it. */
export function safeRegExp(pattern: string): { test(value: string): boolean } | undefined {
  if (!cache.has(pattern)) cache.set(pattern, compile(pattern));
  return cache.get(pattern) ?? undefined;
}

function compile(pattern: string): { test(value: string): boolean } | null {
  try {
    const re = compileRe2(pattern);
    return { test: (value: string) => re.matcher(value).find() };
  } catch {
    return null;
  }
}
