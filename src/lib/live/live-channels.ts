/**
 * One private Realtime channel per topic, shared by every part of the page that listens to it.
 *
 * The database announces on private channels that something changed (event `changed`, a payload of
 * ids and a reason, never content); listeners answer by refetching through the same RLS-protected
 * queries as always. So a duplicate announcement costs a refetch, never a wrong screen, and catching up
 * after a lost connection is "refetch everything live" (`resync`), with no replay of missed messages.
 *
 * - `listen(topic, listener)` counts references: the channel is joined by the first listener and left
 *   a moment after the last one goes (a page that follows on the same topic keeps it: the staff ticket
 *   page and the queue both listen to `queue`). A channel is created one microtask after the first
 *   listener arrives, so everything a render mounts on a topic shares one join.
 * - Every join after the first of a topic (Phoenix rejoins after a socket drop, a join that timed out,
 *   or a channel we rebuilt after the server closed it) tells each listener to `resync`.
 * - A listener's data was read before it listened (a route loader): `since` says when. Whatever was
 *   announced after that reaches it too: if the channel joined later than `since`, the first join
 *   resyncs it (nothing said before a join is ever heard); if the channel was live already, the
 *   announcements it heard since then are handed over again.
 * - The server closes a channel for good on token expiry, lost permission or a presence flood; while
 *   listeners remain, it is rebuilt with a backoff.
 * - Presence (staff on a ticket): `track` paced by ./track-limiter.ts, re-sent after every rejoin.
 *
 * Written against the few members of realtime-js it uses (`RealtimeLike`), so it is tested without a
 * server; ./realtime-loader.ts binds it to supabase-js's client.
 */
import { TrackLimiter, type TrackLimits } from './track-limiter';
import type { ChannelState } from './live-status';

/** What the database sends: `{ ticket_id, reason }` on `queue` and `ticket:<id>`, `{ notification_id }` on `user:<id>`. */
export type LiveEvent = { ticket_id?: string; reason?: string; notification_id?: string };

export type LiveListener = {
  change: (event: LiveEvent) => void;
  /** The connection was lost and is back (or the browser came back online): refetch everything covered. */
  resync: () => void;
};

export type PresenceMeta = { user_id: string; name: string; state: 'viewing' | 'replying' };

type SubscribeStatus = 'SUBSCRIBED' | 'CHANNEL_ERROR' | 'TIMED_OUT' | 'CLOSED';

export interface ChannelLike {
  onBroadcast(event: string, callback: (payload: unknown) => void): void;
  onPresenceSync(callback: () => void): void;
  subscribe(callback: (status: SubscribeStatus) => void): void;
  presenceState(): Record<string, unknown[]>;
  track(payload: PresenceMeta): void;
}

export interface RealtimeLike {
  channel(topic: string, presenceKey: string | undefined): ChannelLike;
  remove(channel: ChannelLike): void;
  isConnected(): boolean;
}

const CHANGED = 'changed';
/** How long announcements are kept for late listeners: longer than any loader takes. */
const HEARD_MS = 120_000;
const REBUILD_AFTER_MS = [1_000, 2_000, 5_000, 10_000];

type Entry = {
  topic: string;
  listeners: Set<LiveListener>;
  presenceKey: string | undefined;
  presenceWatchers: Set<(others: PresenceMeta[]) => void>;
  channel: ChannelLike | undefined;
  state: ChannelState;
  joinedBefore: boolean;
  joinedAt: number | undefined;
  /** Recent announcements with when they arrived, for listeners that come with older data. */
  heard: { at: number; event: LiveEvent }[];
  /** Listeners whose data predates the channel's first join. */
  behind: Set<LiveListener>;
  rebuilds: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  leaveTimer: ReturnType<typeof setTimeout> | undefined;
  limiter: TrackLimiter<PresenceMeta> | undefined;
};

const samePresence = (a: PresenceMeta, b: PresenceMeta) => a.user_id === b.user_id && a.name === b.name && a.state === b.state;

const isPresenceMeta = (value: unknown): value is PresenceMeta => {
  if (typeof value !== 'object' || value === null) return false;
  const meta = value as Record<string, unknown>;
  return typeof meta.user_id === 'string' && typeof meta.name === 'string' && (meta.state === 'viewing' || meta.state === 'replying');
};

const asLiveEvent = (payload: unknown): LiveEvent => {
  const value = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof value[key] === 'string' ? value[key] : undefined);
  return { ticket_id: text('ticket_id'), reason: text('reason'), notification_id: text('notification_id') };
};

export class LiveChannels {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly client: RealtimeLike,
    private readonly report: (states: ChannelState[]) => void = () => {},
    private readonly trackLimits?: TrackLimits,
    private readonly lingerMs = 2_000,
  ) {}

  /** Listens to `changed` on `topic`; with `presenceKey`, the channel also joins presence under that key. */
  listen(topic: string, listener: LiveListener, options: { presenceKey?: string; since?: number } = {}): () => void {
    const entry = this.entries.get(topic) ?? this.create(topic);
    clearTimeout(entry.leaveTimer);
    entry.leaveTimer = undefined;
    entry.listeners.add(listener);
    const { since } = options;
    if (since !== undefined) {
      if (entry.joinedAt === undefined) entry.behind.add(listener);
      else if (since < entry.joinedAt) listener.resync();
      else for (const { at, event } of entry.heard) if (at >= since) listener.change(event);
    }
    if (options.presenceKey && entry.presenceKey !== options.presenceKey) {
      // Presence is part of the join: a channel joined without it must be joined again with it.
      entry.presenceKey = options.presenceKey;
      if (entry.channel) this.rebuild(entry);
    }
    return () => {
      entry.listeners.delete(listener);
      entry.behind.delete(listener);
      this.releaseIfUnused(entry);
    };
  }

  /** Everyone else present on `topic` (a listener with a presence key must exist). */
  watchPresence(topic: string, watcher: (others: PresenceMeta[]) => void): () => void {
    const entry = this.entries.get(topic);
    if (!entry) throw new Error(`watchPresence(${topic}) needs a listener on the topic first`);
    entry.presenceWatchers.add(watcher);
    watcher(this.others(entry));
    return () => entry.presenceWatchers.delete(watcher);
  }

  /** This client's presence on `topic`, sent within Realtime's limits. */
  track(topic: string, meta: PresenceMeta): void {
    const entry = this.entries.get(topic);
    if (!entry?.presenceKey) return;
    entry.limiter ??= new TrackLimiter<PresenceMeta>(
      (value) => {
        if (entry.state !== 'joined' || !entry.channel) return false;
        entry.channel.track(value);
        return true;
      },
      samePresence,
      this.trackLimits,
    );
    entry.limiter.want(meta);
  }

  /** Every listener refetches (the browser is back online: what happened meanwhile was not announced to us). */
  resyncAll(): void {
    for (const entry of this.entries.values()) for (const listener of entry.listeners) listener.resync();
  }

  topics(): string[] {
    return [...this.entries.keys()];
  }

  private create(topic: string): Entry {
    const entry: Entry = {
      topic,
      listeners: new Set(),
      presenceKey: undefined,
      presenceWatchers: new Set(),
      channel: undefined,
      state: 'joining',
      joinedBefore: false,
      joinedAt: undefined,
      heard: [],
      behind: new Set(),
      rebuilds: 0,
      timer: undefined,
      leaveTimer: undefined,
      limiter: undefined,
    };
    this.entries.set(topic, entry);
    queueMicrotask(() => {
      if (this.entries.get(topic) === entry && !entry.channel) this.join(entry);
    });
    this.reportStates();
    return entry;
  }

  private join(entry: Entry): void {
    const channel = this.client.channel(entry.topic, entry.presenceKey);
    entry.channel = channel;
    entry.state = 'joining';
    channel.onBroadcast(CHANGED, (payload) => {
      if (entry.channel !== channel) return;
      const event = asLiveEvent(payload);
      const now = Date.now();
      entry.heard = entry.heard.filter(({ at }) => now - at < HEARD_MS).slice(-99);
      entry.heard.push({ at: now, event });
      for (const listener of entry.listeners) listener.change(event);
    });
    if (entry.presenceKey) channel.onPresenceSync(() => entry.channel === channel && this.notifyPresence(entry));
    channel.subscribe((status) => {
      if (entry.channel !== channel) return; // a channel we replaced or left
      this.onStatus(entry, status);
    });
    this.reportStates();
  }

  private onStatus(entry: Entry, status: SubscribeStatus): void {
    if (status === 'SUBSCRIBED') {
      entry.state = 'joined';
      entry.rebuilds = 0;
      const lost = entry.joinedBefore ? entry.listeners : entry.behind;
      for (const listener of lost) listener.resync();
      entry.behind.clear();
      entry.joinedBefore = true;
      entry.joinedAt = Date.now();
      // Presence lives with the server's channel: a new join starts without ours.
      entry.limiter?.resend();
    } else if (status === 'CHANNEL_ERROR') {
      // With the socket up, the server answered the join with a refusal (no policy admits us); Phoenix
      // keeps retrying either way.
      entry.state = this.client.isConnected() ? 'refused' : 'down';
    } else if (status === 'TIMED_OUT') {
      entry.state = 'down';
    } else {
      // Closed by the server for good (token expired, permission gone, presence flood): join anew.
      entry.state = 'down';
      this.scheduleRebuild(entry);
    }
    this.reportStates();
    if (entry.presenceKey) this.notifyPresence(entry);
  }

  private scheduleRebuild(entry: Entry): void {
    if (entry.timer !== undefined) return;
    const delay = REBUILD_AFTER_MS[Math.min(entry.rebuilds, REBUILD_AFTER_MS.length - 1)] ?? 10_000;
    entry.rebuilds += 1;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (this.entries.get(entry.topic) === entry) this.rebuild(entry);
    }, delay);
  }

  private rebuild(entry: Entry): void {
    const old = entry.channel;
    entry.channel = undefined;
    if (old) this.client.remove(old);
    this.join(entry);
  }

  private releaseIfUnused(entry: Entry): void {
    if (entry.listeners.size > 0 || this.entries.get(entry.topic) !== entry) return;
    if (this.lingerMs > 0 && entry.channel) {
      clearTimeout(entry.leaveTimer);
      entry.leaveTimer = setTimeout(() => {
        entry.leaveTimer = undefined;
        this.leave(entry);
      }, this.lingerMs);
      return;
    }
    this.leave(entry);
  }

  private leave(entry: Entry): void {
    if (entry.listeners.size > 0 || this.entries.get(entry.topic) !== entry) return;
    this.entries.delete(entry.topic);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.limiter?.dispose();
    const channel = entry.channel;
    entry.channel = undefined;
    if (channel) this.client.remove(channel);
    this.reportStates();
  }

  private others(entry: Entry): PresenceMeta[] {
    if (!entry.channel || entry.state !== 'joined') return [];
    const others: PresenceMeta[] = [];
    for (const [key, metas] of Object.entries(entry.channel.presenceState())) {
      if (key === entry.presenceKey) continue;
      // A person with two tabs has two metas under one key: show them once, replying if either is.
      const mine = metas.filter(isPresenceMeta);
      const first = mine[0];
      if (first) others.push(mine.some((meta) => meta.state === 'replying') ? { ...first, state: 'replying' } : first);
    }
    return others.sort((a, b) => a.name.localeCompare(b.name));
  }

  private notifyPresence(entry: Entry): void {
    const others = this.others(entry);
    for (const watcher of entry.presenceWatchers) watcher(others);
  }

  private reportStates(): void {
    this.report([...this.entries.values()].map((entry) => entry.state));
  }
}
