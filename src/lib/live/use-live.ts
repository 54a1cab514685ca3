/**
 * React's way into the live channels. This module is small and may sit in a page's first load (the
 * header's bell uses it); Realtime itself comes with `import('./realtime-loader')` when a component first
 * listens.
 */
import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { LiveChannels, LiveEvent, PresenceMeta } from './live-channels';
import { liveStatus, subscribeLiveStatus, type LiveStatus } from './live-status';

export type { LiveEvent, PresenceMeta } from './live-channels';

const loadLive = () => import('./realtime-loader').then((module) => module.liveChannels());

/** Announcements arrive in bursts (an assessment writes several rows): one refetch per burst. */
const DEBOUNCE_MS = 200;

/** An answer describes the database as it was a moment before it arrived: look back this much further. */
const READ_MARGIN_MS = 5_000;

/** When the oldest of these queries' data was read (now, for data still on its way). */
function readSince(queryClient: QueryClient, keys: QueryKey[]): number {
  let oldest = Date.now();
  for (const queryKey of keys) {
    for (const query of queryClient.getQueryCache().findAll({ queryKey })) {
      const at = query.state.dataUpdatedAt;
      if (at > 0 && at < oldest) oldest = at;
    }
  }
  return oldest - READ_MARGIN_MS;
}

/**
 * Runs `use` with the registry once it is loaded, and its cleanup on unmount or when `deps` change.
 * A failure to load Realtime leaves the page as it was: a snapshot, refreshed by its own queries.
 */
function useLiveEffect(use: ((live: LiveChannels) => () => void) | null, deps: unknown[]) {
  useEffect(() => {
    if (!use) return;
    let cleanup: (() => void) | undefined;
    let cancelled = false;
    loadLive()
      .then((live) => {
        if (!cancelled) cleanup = use(live);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      cleanup?.();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `use` is rebuilt every render; `deps` say when it matters
  }, deps);
}

/**
 * Keeps the queries named by `keysFor` fresh while `topics` are open: each `changed` event invalidates
 * `keysFor(event)`, and after a lost connection (or when the browser comes back online) `keysFor(null)`,
 * everything the caller covers. Keys are gathered for a moment and invalidated once, so one change
 * announced on two topics, or a burst of them, costs one refetch. The data was usually read before (by
 * the route's loader): what was announced since then is caught up on too.
 */
export function useLiveRefresh(topics: string[], keysFor: (event: LiveEvent | null) => QueryKey[]) {
  const queryClient = useQueryClient();
  const latest = useRef(keysFor);
  useEffect(() => {
    latest.current = keysFor;
  });
  const joined = topics.join(' ');
  useLiveEffect(
    joined
      ? (live) => {
          const pending = new Map<string, QueryKey>();
          let timer: ReturnType<typeof setTimeout> | undefined;
          const collect = (event: LiveEvent | null) => {
            for (const key of latest.current(event)) pending.set(JSON.stringify(key), key);
            if (pending.size === 0 || timer !== undefined) return;
            timer = setTimeout(() => {
              timer = undefined;
              const keys = [...pending.values()];
              pending.clear();
              for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
            }, DEBOUNCE_MS);
          };
          const listener = { change: collect, resync: () => collect(null) };
          const since = readSince(queryClient, latest.current(null));
          const stops = joined.split(' ').map((topic) => live.listen(topic, listener, { since }));
          return () => {
            clearTimeout(timer);
            for (const stop of stops) stop();
          };
        }
      : null,
    [joined, queryClient],
  );
}

/**
 * Presence on `topic`, keyed by the user's id (two tabs count once): shows `me` in `state`, and returns
 * everyone else there. Only staff use it; the database admits no one else to presence.
 */
export function useLivePresence(topic: string | null, me: Omit<PresenceMeta, 'state'> | null, state: PresenceMeta['state']): PresenceMeta[] {
  const [others, setOthers] = useState<PresenceMeta[]>([]);
  const live = useRef<LiveChannels | undefined>(undefined);
  const userId = me?.user_id;
  const name = me?.name;
  useLiveEffect(
    topic && userId
      ? (loaded) => {
          live.current = loaded;
          const leave = loaded.listen(topic, { change: () => undefined, resync: () => undefined }, { presenceKey: userId });
          if (name !== undefined) loaded.track(topic, { user_id: userId, name, state });
          const stop = loaded.watchPresence(topic, setOthers);
          return () => {
            live.current = undefined;
            stop();
            leave();
            setOthers([]);
          };
        }
      : null,
    [topic, userId],
  );
  useEffect(() => {
    if (topic && userId && name !== undefined) live.current?.track(topic, { user_id: userId, name, state });
  }, [topic, userId, name, state]);
  return others;
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(subscribeLiveStatus, liveStatus, () => 'connected');
}
