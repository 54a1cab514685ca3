/**
 * The fuzzy match behind PostgREST's "Perhaps you meant …" hints (the `fuzzyset` package): candidates
 * sharing character trigrams (bigrams when none do) with the value, ranked by cosine similarity, the
 * best 50 re-scored by normalized Levenshtein distance, kept from a minimum score up.
 */

const normalize = (value: string) => value.toLowerCase().replace(/[^a-z0-9\u00c0-\u00ff, ]+/g, '');

function grams(value: string, size: number): Map<string, number> {
  const padded = `-${normalize(value)}-`;
  const counts = new Map<string, number>();
  if (padded.length < size) {
    counts.set(padded, 1);
    return counts;
  }
  for (let i = 0; i + size <= padded.length; i += 1) {
    const gram = padded.slice(i, i + size);
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

const norm = (counts: Map<string, number>) => Math.sqrt([...counts.values()].reduce((sum, n) => sum + n * n, 0));

export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** `[score, candidate]` pairs at or above `minScore`, best first. */
export function ranked(value: string, candidates: string[], minScore = 0.33): Array<[number, string]> {
  const unique = [...new Set(candidates)];
  for (const size of [3, 2]) {
    const own = grams(value, size);
    const ownNorm = norm(own);
    const cosine: Array<[number, string]> = [];
    for (const candidate of unique) {
      const theirs = grams(candidate, size);
      let dot = 0;
      for (const [gram, n] of own) dot += n * (theirs.get(gram) ?? 0);
      if (dot > 0) cosine.push([dot / (ownNorm * norm(theirs)), candidate]);
    }
    if (cosine.length === 0) continue;
    cosine.sort((x, y) => y[0] - x[0]);
    const a = normalize(value);
    const scored = cosine.slice(0, 50).map(([, candidate]): [number, string] => {
      const b = normalize(candidate);
      const longest = Math.max(a.length, b.length);
      return [longest === 0 ? 1 : 1 - levenshtein(a, b) / longest, candidate];
    });
    return scored.filter(([score]) => score >= minScore).sort((x, y) => y[0] - x[0]);
  }
  return [];
}

/** The best candidate at or above `minScore`, or null. */
export function closest(value: string, candidates: string[], minScore = 0.33): string | null {
  return ranked(value, candidates, minScore)[0]?.[1] ?? null;
}
