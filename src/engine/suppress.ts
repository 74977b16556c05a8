/** `mllint.io/ignore: "rule-a, rule-b"` (or `all`) on an object or its pod template silences those rules there. */
import type { LoadedObject } from '../types.js';
import type { ResourceIndex } from './context.js';

export const IGNORE_ANNOTATION = 'mllint.io/ignore';

export function parseIgnoreList(value: unknown): Set<string> {
  if (typeof value !== 'string') return new Set();
  return new Set(value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean));
}

export function ignoredRulesOf(object: LoadedObject, index: ResourceIndex): Set<string> {
  const own = parseIgnoreList(object.object.metadata?.annotations?.[IGNORE_ANNOTATION]);
  for (const template of index.podTemplatesOf(object)) for (const id of parseIgnoreList(template.annotations[IGNORE_ANNOTATION])) own.add(id);
  return own;
}

export function isSuppressed(ruleId: string, ignored: ReadonlySet<string>): boolean {
  return ignored.has('all') || ignored.has(ruleId);
}
