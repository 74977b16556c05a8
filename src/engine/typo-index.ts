/**
 * "Did you mean" candidates among many strings by lookup, not by comparing against each of them: every
 * string is stored under itself and each of its one-character deletions (after SymSpell), so a query finds
 * the strings one edit away (an extra, missing or wrong character, or two swapped neighbours) through
 * its own deletions. Callers rank what comes back with an edit distance.
 */

/** Strings longer than this are found only when equal (deletion sets grow with the square of the length). */
const MAX_VARIANT_LENGTH = 128;

function variantsOf(text: string): Set<string> {
  const out = new Set([text]);
  if (text.length <= MAX_VARIANT_LENGTH) {
    for (let i = 0; i < text.length; i++) out.add(text.slice(0, i) + text.slice(i + 1));
  }
  return out;
}

export class TypoIndex<T> {
  private readonly byVariant = new Map<string, T[]>();

  add(text: string, item: T): void {
    for (const variant of variantsOf(text)) {
      const list = this.byVariant.get(variant);
      if (list) list.push(item);
      else this.byVariant.set(variant, [item]);
    }
  }

  /**
   * Items whose text is within one edit of `query` (and a few two edits away), at most `limit` of them
   * (so a crowd of near-identical names costs a bounded time), in insertion order per variant.
   */
  near(query: string, limit = 64): T[] {
    const out = new Set<T>();
    for (const variant of variantsOf(query)) {
      for (const item of this.byVariant.get(variant) ?? []) {
        out.add(item);
        if (out.size >= limit) return [...out];
      }
    }
    return [...out];
  }
}
