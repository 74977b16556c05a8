/**
 * One string per distinct value across a run's documents. Manifests repeat their values (`http`, `TCP`,
 * namespaces, label values, images): a generated tree of 10k documents holds 254k string values but only
 * 13k distinct ones. And a string the parser cut out of a file's text (`slice`) keeps that whole text
 * alive in V8 as long as it lives, so every file's text stayed in memory for the whole run. Replacing
 * each value by its pooled copy (a fresh string, not a slice) leaves the texts and the duplicates to the
 * garbage collector: 40 → 22 MB of parsed data for the 10k tree, about 5× that at 50k documents.
 *
 * Values stay equal (a string is replaced by an equal string), so nothing a rule sees changes.
 */

/** Distinct strings of one run (see `internStrings`). */
export type StringPool = Map<string, string>;

/** At most this many distinct strings are pooled; later new strings are kept as they are (hostile input). */
const MAX_POOLED = 500_000;

/** V8 cuts strings of this length or more as slices of their source text (SlicedString::kMinLength). */
const MIN_SLICE_LENGTH = 13;

function pooled(pool: StringPool, value: string): string {
  const known = pool.get(value);
  if (known !== undefined) return known;
  if (pool.size >= MAX_POOLED) return value;
  // A copy that owns its characters, so the pool does not keep the file's text alive through a slice.
  const own = value.length >= MIN_SLICE_LENGTH ? (JSON.parse(JSON.stringify(value)) as string) : value;
  pool.set(own, own);
  return own;
}

/**
 * Replaces, in place, every string inside `root` (array items and object property values; keys are
 * V8's own internalized strings already) by the pool's equal string. Iterative, so nesting depth cannot
 * overflow the stack; an object reached twice (YAML aliases share nodes) is visited once, unless the
 * caller knows `root` is a tree (`tree: true`: the js-yaml fast path, which takes no anchors).
 */
export function internStrings(root: unknown, pool: StringPool, options: { tree?: boolean } = {}): void {
  if (root === null || typeof root !== 'object') return;
  const stack: object[] = [root];
  const seen = options.tree ? undefined : new Set<object>();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen) {
      if (seen.has(node)) continue;
      seen.add(node);
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'string') node[i] = pooled(pool, item);
        else if (item !== null && typeof item === 'object') stack.push(item);
      }
    } else if (Object.getPrototypeOf(node) === Object.prototype || Object.getPrototypeOf(node) === null) {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const value = record[key];
        if (typeof value === 'string') record[key] = pooled(pool, value);
        else if (value !== null && typeof value === 'object') stack.push(value);
      }
    }
  }
}
