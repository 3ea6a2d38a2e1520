/**
 * The candidate closest to `word` by edit distance, ignoring case, if it is at
 * most `maxDistance` edits away: the "did you mean" of config errors and of
 * the API validator. Among equally close candidates the first one wins.
 *
 * Each caller chooses `maxDistance` for its own names, so a suggestion never
 * depends on who else uses this.
 */
export function closestMatch(word: string, candidates: readonly string[], maxDistance: number): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  // Only candidates closer than this are of interest, so each comparison can give up there.
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The Levenshtein distance between `a` and `b` (insertions, deletions and
 * substitutions of one UTF-16 unit each), or `limit` once it is certain to be
 * at least `limit`.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, current[j]);
    }
    // No later row can be smaller than this one's minimum.
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return previous[b.length];
}
