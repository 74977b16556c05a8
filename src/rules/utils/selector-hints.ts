/**
 * "Did you mean" for label selectors that match nothing: the object that misses the selector by exactly
 * one `matchLabels` pair (a value with a typo, or the label missing), found by index lookups with that
 * pair left out, never by comparing against every object.
 */
import type { LabelSelector, Labels } from '../../engine/selector.js';
import { editDistance } from './strings.js';

export interface SelectorNearMiss<T> {
  item: T;
  /** The selector key whose value does not match. */
  key: string;
  /** The value the selector asks for. */
  expected: string;
  /** The value the item carries, or undefined when it lacks the label. */
  actual: string | undefined;
}

/**
 * The closest item to a selector that matched nothing. `query(selector)` returns the items a selector
 * matches (an index lookup). An item that matches every other part of the selector is always a good
 * hint; when the selector has a single label, only a value within a typo's distance is.
 */
export function nearestSelectorMiss<T>(
  selector: LabelSelector,
  query: (selector: LabelSelector) => readonly T[],
  labelsOf: (item: T) => Labels,
): SelectorNearMiss<T> | undefined {
  const matchLabels = selector.matchLabels ?? {};
  const expressions = selector.matchExpressions ?? [];
  let best: (SelectorNearMiss<T> & { score: number }) | undefined;
  for (const [key, expected] of Object.entries(matchLabels)) {
    const rest: Record<string, string> = { ...matchLabels };
    delete rest[key];
    const restEmpty = Object.keys(rest).length === 0 && expressions.length === 0;
    // With nothing else to match on, only items carrying the key are candidates.
    const relaxed: LabelSelector = restEmpty
      ? { matchExpressions: [{ key, operator: 'Exists' }] }
      : { matchLabels: rest, matchExpressions: expressions };
    for (const item of query(relaxed)) {
      const actual = labelsOf(item)[key];
      if (actual === expected) continue;
      const score = actual === undefined ? expected.length : editDistance(expected, actual);
      if (restEmpty && score > Math.max(2, Math.floor(expected.length / 4))) continue;
      if (!best || score < best.score) best = { item, key, expected, actual, score };
    }
  }
  if (!best) return undefined;
  return { item: best.item, key: best.key, expected: best.expected, actual: best.actual };
}

/** `{app: a, tier: b}` → `app=a, tier=b` (matchExpressions as `key In (x, y)`). */
export function describeSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    parts.push(e.values && e.values.length > 0 ? `${e.key} ${e.operator} (${e.values.join(', ')})` : `${e.operator === 'DoesNotExist' ? '!' : ''}${e.key}`);
  }
  return parts.join(', ');
}
