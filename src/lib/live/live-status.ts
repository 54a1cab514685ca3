/**
 * Whether the live parts of the page are live: a small store (for `useSyncExternalStore`) that the
 * channel registry (./live-channels.ts, loaded on demand) reports to, combined with the browser's own
 * `navigator.onLine`. Kept apart from the registry so the offline banner can read it without loading
 * Realtime.
 */
export type ChannelState = 'joining' | 'joined' | 'down' | 'refused';
export type LiveStatus = 'connected' | 'connecting' | 'offline';

/**
 * Offline while the browser says so or any channel lost its connection (a socket that closed, a join
 * that timed out, a channel the server closed); connecting while a channel joins for the first time. A
 * join the database refused is not a connection problem: the page is simply not live there.
 */
export function summarize(channels: Iterable<ChannelState>, online: boolean): LiveStatus {
  if (!online) return 'offline';
  let joining = false;
  for (const state of channels) {
    if (state === 'down') return 'offline';
    if (state === 'joining') joining = true;
  }
  return joining ? 'connecting' : 'connected';
}

let channels: ChannelState[] = [];
let status: LiveStatus = 'connected';
const listeners = new Set<() => void>();

const browserOnline = () => typeof navigator === 'undefined' || navigator.onLine !== false;

function update(): void {
  const next = summarize(channels, browserOnline());
  if (next === status) return;
  status = next;
  for (const listener of listeners) listener();
}

/** Called by the registry whenever a channel's state changes. */
export function reportChannels(states: ChannelState[]): void {
  channels = states;
  update();
}

export function subscribeLiveStatus(listener: () => void): () => void {
  if (listeners.size === 0 && typeof window !== 'undefined') {
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
  }
  listeners.add(listener);
  update();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && typeof window !== 'undefined') {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    }
  };
}

/** Computed on each read (a string, so stable for React while nothing changed). */
export function liveStatus(): LiveStatus {
  return summarize(channels, browserOnline());
}
