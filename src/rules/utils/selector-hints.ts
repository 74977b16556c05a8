/**
 * "Did you mean" for label selectors that match nothing: the object that misses the selector by exactly
 * one `matchLabels` pair (a value with a typo, or the label missing), found by index lookups with that
 * pair left out, never by comparing against every object.
 */
import { selectorMatches, type LabelSelector, type Labels } from '../../engine/selector.js';
import type { ResourceIndex } from '../../engine/context.js';
import type { LoadedObject, Path } from '../../types.js';
import type { Report } from '../define-rule.js';
import { describeObject } from './objects.js';
import { editDistance } from './strings.js';

/** At most this many candidates of a relaxed selector are ranked, so a crowded namespace costs bounded time per hint. */
export const HINT_CANDIDATES = 64;

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
 * The closest item to a selector that matched nothing.
 * - `query(selector)` returns the items a selector matches (an index lookup);
 * - `near(key, value)`, when given, returns the items whose label `key` has a value about one typo away
 *   from `value` (a typo-index lookup such as `ResourceIndex.workloadsWithLabelNear`).
 * An item that matches every other part of the selector is always a good hint (a value with a typo, another
 * value, or the label missing); when the selector has a single label, only a value within a typo's distance
 * is. Each lookup ranks at most HINT_CANDIDATES items, so the cost per hint is bounded.
 */
export function nearestSelectorMiss<T>(
  selector: LabelSelector,
  query: (selector: LabelSelector) => readonly T[],
  labelsOf: (item: T) => Labels,
  near?: (key: string, value: string) => readonly T[],
): SelectorNearMiss<T> | undefined {
  const matchLabels = selector.matchLabels ?? {};
  const expressions = selector.matchExpressions ?? [];
  let best: (SelectorNearMiss<T> & { score: number }) | undefined;
  const consider = (item: T, key: string, expected: string, typoOnly: boolean) => {
    const actual = labelsOf(item)[key];
    if (actual === expected) return;
    if (typoOnly && actual === undefined) return;
    const score = actual === undefined ? expected.length : editDistance(expected, actual);
    if (typoOnly && score > Math.max(2, Math.floor(expected.length / 4))) return;
    if (!best || score < best.score) best = { item, key, expected, actual, score };
  };
  for (const [key, expected] of Object.entries(matchLabels)) {
    const rest: Record<string, string> = { ...matchLabels };
    delete rest[key];
    const restSelector: LabelSelector = { matchLabels: rest, matchExpressions: expressions };
    const restEmpty = Object.keys(rest).length === 0 && expressions.length === 0;
    if (near) {
      for (const item of near(key, expected).slice(0, HINT_CANDIDATES)) {
        if (restEmpty || selectorMatches(restSelector, labelsOf(item))) consider(item, key, expected, true);
      }
    }
    if (!restEmpty) {
      for (const item of query(restSelector).slice(0, HINT_CANDIDATES)) consider(item, key, expected, false);
    } else {
      // With nothing else to match on, (the first HINT_CANDIDATES of) the items carrying the key are
      // ranked too: a small namespace gets hints two or three edits away, a large one stays bounded.
      const withKey = query({ matchExpressions: [{ key, operator: 'Exists' }] }).slice(0, HINT_CANDIDATES);
      for (const item of withKey) consider(item, key, expected, true);
    }
  }
  if (!best) return undefined;
  const { item, key, expected, actual } = best;
  return { item, key, expected, actual };
}

/** `{app: a, tier: b}` → `app=a, tier=b` (matchExpressions as `key In (x, y)`). */
export function describeSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    parts.push(e.values && e.values.length > 0 ? `${e.key} ${e.operator} (${e.values.join(', ')})` : `${e.operator === 'DoesNotExist' ? '!' : ''}${e.key}`);
  }
  return parts.join(', ');
}

/**
 * The finding for a selector that matches no pod template in its namespace, when one workload misses it by
 * one label: `valueDiffers` (a typo or another value) or `labelMissing`. Both rules that select pods
 * (Services and PDBs) report it the same way; `keyPath` is where the selector's labels are written. A
 * workload tied to `from` only by the rest of the tree (no namespace, another folder) is no hint.
 */
export function workloadSelectorMiss(index: ResourceIndex, from: LoadedObject, namespace: string, selector: LabelSelector, keyPath: Path, selectorText: string): Report | undefined {
  const near = <T extends { object: LoadedObject }>(items: readonly T[]) => items.filter((w) => !index.isRemote(from, w.object));
  const miss = nearestSelectorMiss(
    selector,
    (relaxed) => near(index.workloadsMatching(namespace, relaxed, HINT_CANDIDATES)),
    (w) => w.template.labels,
    (key, value) => near(index.workloadsWithLabelNear(namespace, key, value)),
  );
  if (!miss) return undefined;
  const workload = describeObject(miss.item.object);
  const path = [...keyPath, miss.key];
  if (miss.actual !== undefined) {
    return {
      messageId: 'valueDiffers',
      data: { key: miss.key, expected: miss.expected, actual: miss.actual, namespace, workload },
      path,
      fix: `Select ${miss.key}: ${miss.actual}, or label the pod template of ${workload} ${miss.key}: ${miss.expected}.`,
    };
  }
  return {
    messageId: 'labelMissing',
    data: { selector: selectorText, key: miss.key, expected: miss.expected, namespace, workload },
    path,
    fix: `Remove ${miss.key} from the selector, or add ${miss.key}: ${miss.expected} to the pod template labels of ${workload}.`,
  };
}
