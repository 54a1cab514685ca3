/**
 * Caches holding one signed-in person's data register here to be emptied when the signed-in user
 * changes (sign-out, or another account). The session provider is part of every page's first load and
 * calls `clearSignedInCaches()`; the query client registers itself when its module loads, so the
 * provider need not import TanStack Query.
 */
const clearers = new Set<() => void>();

export function registerSignedInCache(clear: () => void): void {
  clearers.add(clear);
}

export function clearSignedInCaches(): void {
  for (const clear of clearers) clear();
}
