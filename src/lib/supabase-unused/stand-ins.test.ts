import { describe, expect, it } from 'vitest';
import { REALTIME_UNUSED, RealtimeClient } from './realtime-js';
import { installStorageClient, StorageClient } from './storage-js';

describe('the Realtime stand-in', () => {
  const realtime = new RealtimeClient('ws://127.0.0.1/realtime/v1', {});

  it('accepts what supabase-js calls on auth changes and lists no channels', async () => {
    await expect(realtime.setAuth('token')).resolves.toBeUndefined();
    await expect(realtime.setAuth(null)).resolves.toBeUndefined();
    expect(realtime.getChannels()).toEqual([]);
  });

  it('refuses any other use with an error that names it', () => {
    expect(() => realtime.channel()).toThrow(`${REALTIME_UNUSED}: supabase.realtime.channel()`);
    expect(() => (realtime as unknown as { connect(): void }).connect()).toThrow(/supabase\.realtime\.connect/);
  });

  it('is not mistaken for a promise', () => {
    expect((realtime as unknown as { then?: unknown }).then).toBeUndefined();
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
