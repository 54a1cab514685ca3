/**
 * The product page's public reads, cached without TanStack Query. Query (~10 KB gzip) serves the
 * signed-in pages; `/` must paint with the framework alone, so its catalogue and reviews are promises
 * kept per key and read with React's `use()` under Suspense — the same shape as the rest of the app: a
 * key from the feature's key factory, the route loader warms the cache, components read it.
 *
 * - An entry is reused while fresh (`staleTime`); a stale one is fetched again in the background by the
 *   next loader run and swapped in when it arrives, so the page never falls back to skeletons for it.
 * - A failure is shown by every reader of the key; "Try again" (`forgetFailedPublicReads`) or the next
 *   loader run fetches again.
 * - `refreshPublicRead(key)` fetches again now (after the visitor changed the data, e.g. a review).
 */
import { startTransition, use, useEffect, useState } from 'react';

export type PublicRead<T> = {
  key: readonly unknown[];
  read: () => Promise<T>;
  /** How long a result is served without asking again (ms). */
  staleTime: number;
};

// React's own convention for a promise whose outcome is known: `use()` then returns (or throws) at once.
type Tracked<T> = Promise<T> & { status?: 'fulfilled' | 'rejected'; value?: T; reason?: unknown };
type Entry = { promise: Tracked<unknown>; fetchedAt: number; read: () => Promise<unknown>; refreshing?: Promise<void> };

const entries = new Map<string, Entry>();
const listeners = new Set<() => void>();
const idOf = (key: readonly unknown[]) => JSON.stringify(key);

function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked = promise as Tracked<T>;
  tracked.then(
    (value) => Object.assign(tracked, { status: 'fulfilled', value }),
    (reason: unknown) => Object.assign(tracked, { status: 'rejected', reason }),
  );
  return tracked;
}

function start(id: string, read: () => Promise<unknown>): Entry {
  const entry: Entry = { promise: track(read()), fetchedAt: Date.now(), read };
  entries.set(id, entry);
  return entry;
}

/** Fetches again and swaps the result in once it is there; readers re-render without a fallback. */
function refresh(id: string, entry: Entry): Promise<void> {
  entry.refreshing ??= track(entry.read()).then(
    (value) => {
      const promise: Tracked<unknown> = Object.assign(Promise.resolve(value), { status: 'fulfilled' as const, value });
      entries.set(id, { promise, fetchedAt: Date.now(), read: entry.read });
      startTransition(() => listeners.forEach((listener) => listener()));
    },
    () => {
      // Keep showing what was there; the next loader run (or "Try again") asks again.
      entry.refreshing = undefined;
    },
  );
  return entry.refreshing;
}

/** For route loaders: starts the read unless a fresh (or in-flight) one exists; does not wait for it. */
export function warmPublicRead<T>({ key, read, staleTime }: PublicRead<T>): void {
  const id = idOf(key);
  const entry = entries.get(id);
  if (!entry || entry.promise.status === 'rejected') start(id, read);
  else if (entry.promise.status === 'fulfilled' && Date.now() - entry.fetchedAt > staleTime) void refresh(id, entry);
}

/** Fetches the key again now; resolves when the new data is on screen (or the fetch failed). */
export function refreshPublicRead(key: readonly unknown[]): Promise<void> {
  const id = idOf(key);
  const entry = entries.get(id);
  return entry ? refresh(id, entry) : Promise.resolve();
}

/**
 * Forgets the reads that failed, so that rendering again fetches again: an error boundary's "Try
 * again". (A failure stays cached until then, or until the next loader run: the components that read
 * it must see the same failure, not start a new request each time they render.)
 */
export function forgetFailedPublicReads(): void {
  for (const [id, entry] of entries) if (entry.promise.status === 'rejected') entries.delete(id);
}

/** Reads the key (suspending until it is there; a failure goes to the nearest error boundary). */
export function usePublicRead<T>({ key, read }: PublicRead<T>): T {
  const [, rerender] = useState(0);
  useEffect(() => {
    const listener = () => rerender((count) => count + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  const id = idOf(key);
  const entry = entries.get(id) ?? start(id, read);
  return use(entry.promise as Promise<T>);
}
