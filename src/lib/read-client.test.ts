import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// What the build compiles in (vite.config.ts), and the browser storage supabase-js keeps the session in.
vi.hoisted(() => {
  (globalThis as Record<string, unknown>).__APP_ENV__ = {
    ok: true,
    env: { supabaseUrl: 'https://project.supabase.co', supabaseAnonKey: 'anon-key' },
  };
});

// supabase-js itself (lib/supabase.ts): a stand-in whose session differs from the stored one, so each
// result shows which path produced it.
const supabaseModule = vi.hoisted((): { session: unknown; client: unknown } => ({
  session: null,
  client: {
    from: () => 'supabase-js query builder',
    auth: { getSession: async () => ({ data: { session: supabaseModule.session } }) },
  },
}));
vi.mock('./supabase', () => ({ supabase: supabaseModule.client }));

const KEY = 'sb-project-auth-token';
const storage = new Map<string, string>();
const now = Date.now();
const session = (expiresInSeconds: number) => ({
  access_token: 'stored-token',
  refresh_token: 'refresh',
  expires_at: Math.floor(now / 1000) + expiresInSeconds,
  user: { id: 'user-1' },
});

beforeEach(() => {
  vi.resetModules();
  supabaseModule.session = null;
  storage.clear();
  vi.stubGlobal('window', {
    localStorage: { getItem: (key: string) => storage.get(key) ?? null },
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('freshStoredSession', () => {
  it('returns the stored session while its token is valid beyond the refresh margin', async () => {
    const { freshStoredSession } = await import('./read-client');
    storage.set(KEY, JSON.stringify(session(3600)));
    expect(freshStoredSession(now)?.access_token).toBe('stored-token');
  });

  it('leaves a token that supabase-js would refresh (within 90 s, or expired) to supabase-js', async () => {
    const { freshStoredSession } = await import('./read-client');
    storage.set(KEY, JSON.stringify(session(60)));
    expect(freshStoredSession(now)).toBeNull();
    storage.set(KEY, JSON.stringify(session(-10)));
    expect(freshStoredSession(now)).toBeNull();
  });

  it('returns null for nothing stored, a value that is not a session, or blocked storage', async () => {
    const { freshStoredSession } = await import('./read-client');
    expect(freshStoredSession(now)).toBeNull();
    storage.set(KEY, 'not json');
    expect(freshStoredSession(now)).toBeNull();
    storage.set(KEY, JSON.stringify({ access_token: 'x' }));
    expect(freshStoredSession(now)).toBeNull();
    vi.stubGlobal('window', {
      localStorage: {
        getItem: () => {
          throw new Error('SecurityError');
        },
      },
    });
    expect(freshStoredSession(now)).toBeNull();
  });
});

describe('readClient', () => {
  it('with a fresh stored session, reads with its token, not through supabase-js', async () => {
    storage.set(KEY, JSON.stringify(session(3600)));
    const requests: Request[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(new Request(input, init));
      return new Response('[]', { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    const { readClient } = await import('./read-client');

    const { data, error } = await (await readClient()).from('tickets').select('id');

    expect(error).toBeNull();
    expect(data).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe('https://project.supabase.co/rest/v1/tickets?select=id');
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer stored-token');
    expect(requests[0]?.headers.get('apikey')).toBe('anon-key');
  });

  it('with a stale or no stored session, loads supabase-js and reads through it (it refreshes)', async () => {
    storage.set(KEY, JSON.stringify(session(30)));
    const { readClient } = await import('./read-client');
    expect(await readClient()).toBe(supabaseModule.client);
  });

  it('once supabase-js is loaded, always reads through it', async () => {
    storage.set(KEY, JSON.stringify(session(3600)));
    const { announceClient } = await import('./supabase-loader');
    const { readClient } = await import('./read-client');
    announceClient(supabaseModule.client as never);
    expect(await readClient()).toBe(supabaseModule.client);
  });
});

describe('currentSession', () => {
  it('is the fresh stored session, not what supabase-js would say', async () => {
    supabaseModule.session = { ...session(3600), access_token: 'supabase-js-token' };
    storage.set(KEY, JSON.stringify(session(3600)));
    const { currentSession } = await import('./read-client');
    expect((await currentSession())?.access_token).toBe('stored-token');
  });

  it("is supabase-js's session when the stored one is stale, or none is stored", async () => {
    supabaseModule.session = { ...session(3600), access_token: 'refreshed-token' };
    storage.set(KEY, JSON.stringify(session(30)));
    const { currentSession } = await import('./read-client');
    expect((await currentSession())?.access_token).toBe('refreshed-token');
    storage.clear();
    expect((await currentSession())?.access_token).toBe('refreshed-token');
  });
});
