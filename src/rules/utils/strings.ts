/** String helpers shared by config loading and rules ("did you mean" hints). */

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length];
}

/** Whether `candidate` is close enough to `wanted` to be offered as a "did you mean" (a typo, not another word). */
export function isLikelyTypo(wanted: string, candidate: string): boolean {
  return editDistance(wanted, candidate) <= Math.max(2, Math.floor(wanted.length / 4));
}

/** The candidate closest to `wanted` when it is a likely typo of it; ties go to the first candidate. */
export function closestString(wanted: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === wanted) continue;
    const d = editDistance(wanted, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(wanted.length / 4)) ? best : undefined;
}
