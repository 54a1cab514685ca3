import { describe, expect, it } from 'vitest';
import { LOCAL_ANON_KEY, LOCAL_SUPABASE_URL, parseEnv } from './env-schema';

const SERVICE_ROLE_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';

describe('parseEnv', () => {
  it('defaults to the local stack when nothing is set', () => {
    expect(parseEnv({})).toEqual({ ok: true, env: { supabaseUrl: LOCAL_SUPABASE_URL, supabaseAnonKey: LOCAL_ANON_KEY } });
  });

  it('treats empty values (`VITE_X=` in a .env file) as unset', () => {
    expect(parseEnv({ VITE_SUPABASE_URL: '', VITE_SUPABASE_ANON_KEY: '  ' })).toEqual({
      ok: true,
      env: { supabaseUrl: LOCAL_SUPABASE_URL, supabaseAnonKey: LOCAL_ANON_KEY },
    });
  });

  it('takes a hosted project URL (without its trailing slash) and a publishable key', () => {
    expect(
      parseEnv({ VITE_SUPABASE_URL: 'https://abcd.supabase.co/', VITE_SUPABASE_ANON_KEY: 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH' }),
    ).toEqual({
      ok: true,
      env: { supabaseUrl: 'https://abcd.supabase.co', supabaseAnonKey: 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH' },
    });
  });

  it('rejects a URL that is not http(s), naming the setting', () => {
    const result = parseEnv({ VITE_SUPABASE_URL: 'ftp://example.com' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([expect.stringMatching(/^VITE_SUPABASE_URL must be an http\(s\) URL/)]);
  });

  it('rejects something that is not a URL at all', () => {
    expect(parseEnv({ VITE_SUPABASE_URL: 'localhost:54321/not a url' }).ok).toBe(false);
  });

  it.each([
    ['the secret key', 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz', /is a secret key/],
    ['the service_role JWT', SERVICE_ROLE_KEY, /is not an anon key/],
    ['a random string', 'hello', /neither a JWT anon key nor an sb_publishable_ key/],
  ])('refuses %s as the browser key', (_name, key, message) => {
    const result = parseEnv({ VITE_SUPABASE_ANON_KEY: key });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([expect.stringMatching(/^VITE_SUPABASE_ANON_KEY /)]);
    expect(!result.ok && result.problems[0]).toMatch(message);
  });
});
