import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveChannels, type ChannelLike, type LiveEvent, type PresenceMeta, type RealtimeLike } from './live-channels';
import type { ChannelState } from './live-status';
import { summarize } from './live-status';

type Status = 'SUBSCRIBED' | 'CHANNEL_ERROR' | 'TIMED_OUT' | 'CLOSED';

/** A channel the test drives: it plays the server's part (statuses, broadcasts, presence). */
class FakeChannel implements ChannelLike {
  broadcast = new Map<string, (payload: unknown) => void>();
  presenceSync: (() => void) | undefined;
  status: ((status: Status) => void) | undefined;
  presence: Record<string, unknown[]> = {};
  tracked: PresenceMeta[] = [];
  removed = false;
  constructor(
    readonly topic: string,
    readonly presenceKey: string | undefined,
  ) {}
  onBroadcast(event: string, callback: (payload: unknown) => void) {
    this.broadcast.set(event, callback);
  }
  onPresenceSync(callback: () => void) {
    this.presenceSync = callback;
  }
  subscribe(callback: (status: Status) => void) {
    this.status = callback;
  }
  presenceState() {
    return this.presence;
  }
  track(meta: PresenceMeta) {
    this.tracked.push(meta);
  }
  send(event: string, payload: unknown) {
    this.broadcast.get(event)?.(payload);
  }
}

function fakeClient() {
  const channels: FakeChannel[] = [];
  let connected = true;
  const client: RealtimeLike = {
    channel: (topic, presenceKey) => {
      const channel = new FakeChannel(topic, presenceKey);
      channels.push(channel);
      return channel;
    },
    remove: (channel) => {
      (channel as FakeChannel).removed = true;
    },
    isConnected: () => connected,
  };
  return {
    client,
    channels,
    live: (topic: string) => channels.filter((channel) => channel.topic === topic && !channel.removed),
    setConnected: (value: boolean) => (connected = value),
  };
}

function recorder() {
  const changes: LiveEvent[] = [];
  let resyncs = 0;
  return {
    listener: { change: (event: LiveEvent) => changes.push(event), resync: () => (resyncs += 1) },
    changes,
    resyncs: () => resyncs,
  };
}

const settle = () => Promise.resolve();

describe('one channel per topic, counted', () => {
  it('joins once for many listeners, hands each the events, and leaves with the last one', async () => {
    const { client, channels } = fakeClient();
    const live = new LiveChannels(client, undefined, undefined, 0);
    const a = recorder();
    const b = recorder();
    const stopA = live.listen('queue', a.listener);
    const stopB = live.listen('queue', b.listener);
    await settle();
    expect(channels).toHaveLength(1);
    const channel = channels[0]!;
    channel.status?.('SUBSCRIBED');
    channel.send('changed', { ticket_id: 't1', reason: 'message', extra: 1 });
    channel.send('something-else', { ticket_id: 't2' });
    expect(a.changes).toEqual([{ ticket_id: 't1', reason: 'message', notification_id: undefined }]);
    expect(b.changes).toEqual(a.changes);

    stopA();
    expect(channel.removed).toBe(false);
    stopB();
    expect(channel.removed).toBe(true);
    expect(live.topics()).toEqual([]);
  });

  it('keeps a channel a moment after its last listener, for the next page on the same topic', async () => {
    vi.useFakeTimers();
    try {
      const { client, channels } = fakeClient();
      const live = new LiveChannels(client, undefined, undefined, 2_000);
      live.listen('queue', recorder().listener)();
      await settle();
      // Never joined: nothing to keep.
      expect(channels).toHaveLength(0);
      const stop = live.listen('queue', recorder().listener);
      await settle();
      stop();
      vi.advanceTimersByTime(1_000);
      const next = recorder();
      const stopNext = live.listen('queue', next.listener);
      vi.advanceTimersByTime(5_000);
      expect(channels).toHaveLength(1);
      expect(channels[0]!.removed).toBe(false);
      channels[0]!.send('changed', { ticket_id: 't' });
      expect(next.changes).toHaveLength(1);
      stopNext();
      vi.advanceTimersByTime(2_000);
      expect(channels[0]!.removed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps separate channels for separate topics and ignores a payload that is not an object', async () => {
    const { client, channels } = fakeClient();
    const live = new LiveChannels(client, undefined, undefined, 0);
    const a = recorder();
    live.listen('ticket:1', a.listener);
    live.listen('user:1', recorder().listener);
    await settle();
    expect(channels.map((channel) => channel.topic)).toEqual(['ticket:1', 'user:1']);
    channels[0]!.send('changed', 'not an object');
    expect(a.changes).toEqual([{ ticket_id: undefined, reason: undefined, notification_id: undefined }]);
  });

  it('a listener that comes back after the channel was left gets a fresh channel', async () => {
    const { client, channels } = fakeClient();
    const live = new LiveChannels(client, undefined, undefined, 0);
    live.listen('queue', recorder().listener)();
    await settle();
    // Released before the join was due: no channel at all.
    expect(channels).toHaveLength(0);
    live.listen('queue', recorder().listener);
    await settle();
    expect(channels).toHaveLength(1);
  });
});

describe('resync after the connection comes back', () => {
  it('tells every listener to resync on each join after the first, not on the first', async () => {
    const { client, channels, setConnected } = fakeClient();
    const live = new LiveChannels(client, undefined, undefined, 0);
    const a = recorder();
    live.listen('queue', a.listener);
    await settle();
    const channel = channels[0]!;
    channel.status?.('SUBSCRIBED');
    expect(a.resyncs()).toBe(0);
    // The socket drops (Phoenix reports an error on each channel), then rejoins by itself.
    setConnected(false);
    channel.status?.('CHANNEL_ERROR');
    setConnected(true);
    channel.status?.('SUBSCRIBED');
    expect(a.resyncs()).toBe(1);
    // A join that timed out, then succeeded.
    channel.status?.('TIMED_OUT');
    channel.status?.('SUBSCRIBED');
    expect(a.resyncs()).toBe(2);
  });

  it('rebuilds a channel the server closed, with a backoff, and resyncs when it is joined again', async () => {
    vi.useFakeTimers();
    try {
      const { client, channels, live: open } = fakeClient();
      const live = new LiveChannels(client, undefined, undefined, 0);
      const a = recorder();
      live.listen('ticket:9', a.listener);
      await settle();
      channels[0]!.status?.('SUBSCRIBED');
      channels[0]!.status?.('CLOSED');
      expect(channels).toHaveLength(1);
      vi.advanceTimersByTime(1_000);
      expect(channels).toHaveLength(2);
      expect(channels[0]!.removed).toBe(true);
      expect(open('ticket:9')).toEqual([channels[1]]);
      // Events of the old channel no longer count.
      channels[0]!.send('changed', { ticket_id: 'old' });
      expect(a.changes).toEqual([]);
      channels[1]!.status?.('SUBSCRIBED');
      expect(a.resyncs()).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not rebuild a channel that was left on purpose', async () => {
    vi.useFakeTimers();
    try {
      const { client, channels } = fakeClient();
      const live = new LiveChannels(client, undefined, undefined, 0);
      const stop = live.listen('queue', recorder().listener);
      await settle();
      channels[0]!.status?.('SUBSCRIBED');
      stop();
      channels[0]!.status?.('CLOSED');
      vi.advanceTimersByTime(60_000);
      expect(channels).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resyncAll reaches every listener of every topic', async () => {
    const { client } = fakeClient();
    const live = new LiveChannels(client, undefined, undefined, 0);
    const a = recorder();
    const b = recorder();
    live.listen('queue', a.listener);
    live.listen('user:1', b.listener);
    live.resyncAll();
    expect([a.resyncs(), b.resyncs()]).toEqual([1, 1]);
  });
});

describe('data read before listening (a route loader) misses nothing', () => {
  afterEach(() => vi.useRealTimers());

  it('resyncs, on the first join, a listener whose data predates it; not one that brought no date', async () => {
    vi.useFakeTimers({ now: 10_000 });
    const { client, channels } = fakeClient();
    const live = new LiveChannels(client, undefined, undefined, 0);
    const loaded = recorder();
    const presenceOnly = recorder();
    live.listen('ticket:1', loaded.listener, { since: 9_000 });
    live.listen('ticket:1', presenceOnly.listener);
    await settle();
    vi.setSystemTime(12_000);
    channels[0]!.status?.('SUBSCRIBED');
    expect(loaded.resyncs()).toBe(1);
    expect(presenceOnly.resyncs()).toBe(0);
  });

  it('on a channel already live, hands over what was heard since the data was read, or resyncs if it is older than the join', async () => {
    vi.useFakeTimers({ now: 10_000 });
    const { client, channels } = fakeClient();
    const live = new LiveChannels(client, undefined, undefined, 0);
    live.listen('queue', recorder().listener);
    await settle();
    channels[0]!.status?.('SUBSCRIBED'); // joined at 10 000
    vi.setSystemTime(11_000);
    channels[0]!.send('changed', { ticket_id: 'before-read' });
    vi.setSystemTime(13_000);
    channels[0]!.send('changed', { ticket_id: 'after-read' });

    const late = recorder();
    live.listen('queue', late.listener, { since: 12_000 });
    expect(late.changes.map((event) => event.ticket_id)).toEqual(['after-read']);
    expect(late.resyncs()).toBe(0);

    const older = recorder();
    live.listen('queue', older.listener, { since: 9_000 });
    expect(older.resyncs()).toBe(1);
  });
});

describe('connection status', () => {
  let reported: ChannelState[][];
  beforeEach(() => (reported = []));
  afterEach(() => vi.useRealTimers());

  it('reports joining, joined, down on a dropped socket, and refused when the server said no', async () => {
    const { client, channels, setConnected } = fakeClient();
    const live = new LiveChannels(client, (states) => reported.push(states), undefined, 0);
    live.listen('queue', recorder().listener);
    await settle();
    const channel = channels[0]!;
    expect(summarize(reported.at(-1)!, true)).toBe('connecting');
    channel.status?.('SUBSCRIBED');
    expect(summarize(reported.at(-1)!, true)).toBe('connected');
    setConnected(false);
    channel.status?.('CHANNEL_ERROR');
    expect(summarize(reported.at(-1)!, true)).toBe('offline');
    setConnected(true);
    channel.status?.('CHANNEL_ERROR');
    expect(reported.at(-1)).toEqual(['refused']);
    expect(summarize(reported.at(-1)!, true)).toBe('connected');
    // The browser's own word counts too.
    expect(summarize(['joined'], false)).toBe('offline');
  });
});

describe('presence', () => {
  const me = { user_id: 'u1', name: 'Ada', state: 'viewing' } as const;

  it('joins presence under the given key, even when a listener without presence came first', async () => {
    const { client, channels, live: open } = fakeClient();
    const live = new LiveChannels(client, undefined, undefined, 0);
    live.listen('ticket:1', recorder().listener);
    live.listen('ticket:1', recorder().listener, { presenceKey: 'u1' });
    await settle();
    expect(channels.map((channel) => channel.presenceKey)).toEqual(['u1']);
    // Presence asked for after the join: the channel is joined again, with it.
    live.listen('ticket:2', recorder().listener);
    await settle();
    live.listen('ticket:2', recorder().listener, { presenceKey: 'u1' });
    expect(open('ticket:2').map((channel) => channel.presenceKey)).toEqual(['u1']);
  });

  it('tracks only once joined, again after each rejoin, and lists the others (one entry per person)', async () => {
    vi.useFakeTimers();
    try {
      const { client, channels } = fakeClient();
      const live = new LiveChannels(client, undefined, undefined, 0);
      live.listen('ticket:1', recorder().listener, { presenceKey: 'u1' });
      await settle();
      const channel = channels[0]!;
      let others: PresenceMeta[] = [];
      live.watchPresence('ticket:1', (list) => (others = list));
      live.track('ticket:1', me);
      expect(channel.tracked).toEqual([]);
      channel.status?.('SUBSCRIBED');
      expect(channel.tracked).toEqual([me]);

      channel.presence = {
        u1: [me],
        u2: [
          { user_id: 'u2', name: 'Grace', state: 'viewing' },
          { user_id: 'u2', name: 'Grace', state: 'replying' },
        ],
        u3: [{ something: 'not ours' }],
      };
      channel.presenceSync?.();
      expect(others).toEqual([{ user_id: 'u2', name: 'Grace', state: 'replying' }]);

      channel.status?.('CHANNEL_ERROR');
      expect(others).toEqual([]);
      vi.advanceTimersByTime(6_000);
      channel.status?.('SUBSCRIBED');
      expect(channel.tracked).toEqual([me, me]);
    } finally {
      vi.useRealTimers();
    }
  });
});
