import { describe, expect, it } from 'vitest';
import { installRealtimeClient, REALTIME_NOT_LOADED, RealtimeClient } from './realtime-js';
import { installStorageClient, StorageClient } from './storage-js';

describe('the Realtime stand-in', () => {
  it('accepts what supabase-js calls on auth changes, lists no channels and refuses other use until loaded', async () => {
    const realtime = new RealtimeClient('ws://127.0.0.1/realtime/v1', { params: { apikey: 'key' } });
    await expect(realtime.setAuth('token')).resolves.toBeUndefined();
    await expect(realtime.setAuth(null)).resolves.toBeUndefined();
    expect(realtime.getChannels()).toEqual([]);
    expect(() => (realtime as unknown as { channel(topic: string): unknown }).channel('queue')).toThrow(
      `${REALTIME_NOT_LOADED}: supabase.realtime.channel is available after loadRealtime()`,
    );
    expect((realtime as unknown as { then?: unknown }).then).toBeUndefined();

    class Real {
      channels: string[] = [];
      constructor(
        readonly endPoint: string,
        readonly options: { params: { apikey: string } },
      ) {}
      channel(topic: string) {
        this.channels.push(topic);
        return `${this.endPoint}#${topic}`;
      }
      getChannels() {
        return this.channels;
      }
    }
    installRealtimeClient(Real);
    const forwarded = realtime as unknown as Real;
    expect(forwarded.channel('queue')).toBe('ws://127.0.0.1/realtime/v1#queue');
    // One real client per stand-in, built with supabase-js's arguments.
    expect(forwarded.getChannels()).toEqual(['queue']);
    expect(forwarded.options.params.apikey).toBe('key');
  });
});

describe('the Storage stand-in', () => {
  it('throws a clear error until the real client is installed, then forwards to one built with its arguments', () => {
    const storage = new StorageClient('http://127.0.0.1/storage/v1', { apikey: 'key' });
    expect(() => (storage as unknown as { from(bucket: string): unknown }).from('avatars')).toThrow(/supabase\.storage\.from is available after loadStorage\(\)/);
    expect((storage as unknown as { then?: unknown }).then).toBeUndefined();

    class Real {
      constructor(
        readonly url: string,
        readonly headers: object,
      ) {}
      from(bucket: string) {
        return `${this.url}/${bucket}`;
      }
    }
    installStorageClient(Real);
    const forwarded = storage as unknown as Real;
    expect(forwarded.from('attachments')).toBe('http://127.0.0.1/storage/v1/attachments');
    expect(forwarded.headers).toEqual({ apikey: 'key' });
  });
});
