/**
 * The page's one channel registry, bound to supabase-js's Realtime client. Loaded on demand (its chunk
 * brings realtime-js and Phoenix, ~15 KB gzip), never by the first load of a page: see ./use-live.ts.
 */
import type { RealtimeChannel, RealtimeClient } from '@supabase/supabase-js';
import { loadSupabase } from '../supabase-loader';
import { installRealtimeClient } from '../supabase-on-demand/realtime-js';
import { LiveChannels, type ChannelLike, type RealtimeLike } from './live-channels';
import { reportChannels } from './live-status';

function adapt(realtime: RealtimeClient): RealtimeLike {
  const wrap = (channel: RealtimeChannel): ChannelLike => ({
    onBroadcast: (event, callback) => void channel.on('broadcast', { event }, (message: { payload: unknown }) => callback(message.payload)),
    onPresenceSync: (callback) => void channel.on('presence', { event: 'sync' }, callback),
    subscribe: (callback) => void channel.subscribe((status) => callback(status)),
    presenceState: () => channel.presenceState(),
    track: (meta) => void channel.track(meta),
  });
  const channels = new WeakMap<ChannelLike, RealtimeChannel>();
  return {
    channel(topic, presenceKey) {
      const channel = realtime.channel(topic, {
        config: { private: true, ...(presenceKey ? { presence: { key: presenceKey, enabled: true } } : {}) },
      });
      const wrapped = wrap(channel);
      channels.set(wrapped, channel);
      return wrapped;
    },
    remove(wrapped) {
      const channel = channels.get(wrapped);
      // Leaving is best effort: a socket that is down has nothing to leave, and the channel is gone here either way.
      if (channel) realtime.removeChannel(channel).catch(() => undefined);
    },
    isConnected: () => realtime.isConnected(),
  };
}

async function start(): Promise<LiveChannels> {
  const [real, client] = await Promise.all([import('@supabase/realtime-js/dist/module/index.js'), loadSupabase()]);
  installRealtimeClient(real.RealtimeClient);
  const realtime = client.realtime;
  // Private joins are decided by the caller's JWT: without this the first join could go out before the
  // token callback answered, as the anonymous key, and be refused (then retried seconds later).
  await realtime.setAuth();
  const live = new LiveChannels(adapt(realtime), reportChannels);

  window.addEventListener('online', () => {
    // What changed while offline was announced to nobody here: refetch it now. And make sure the socket
    // is alive: after a laptop sleeps it may look open though the server is long gone; a heartbeat
    // written to it fails at once, and Phoenix reconnects and rejoins (a rejoin resyncs again).
    live.resyncAll();
    if (realtime.isConnected()) void realtime.sendHeartbeat();
    else realtime.connect();
  });
  return live;
}

let starting: Promise<LiveChannels> | undefined;

export function liveChannels(): Promise<LiveChannels> {
  starting ??= start();
  // A failed download (offline) may be tried again by the next caller.
  starting.catch(() => (starting = undefined));
  return starting;
}
