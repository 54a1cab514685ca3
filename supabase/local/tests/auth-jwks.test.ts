/**
 * Asymmetric JWT signing keys (`[auth] signing_keys_path`), as new hosted projects use them: Auth signs
 * access tokens with the ES256 key and publishes its public half at /.well-known/jwks.json, so
 * `auth.getClaims()` verifies without a round trip; REST, Storage, Realtime, Functions' verify_jwt and Auth itself
 * accept those tokens and, still, the CLI's HS256 demo keys; a token from another key is refused everywhere.
 */
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../core/jwt.ts';
import { DEMO_ANON_KEY, DEMO_SERVICE_ROLE_KEY } from '../core/keys.ts';
import type { RunningStack } from '../stack.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { stack as shared, uniqueEmail } from './helpers.ts';

const PASSWORD = 'correct-horse-battery';

let own: RunningStack;
let keyDir: string;
const signingJwk = generateSigningKey('ES256');
/** A verify-only key being rotated out: published, accepted, never used to sign. */
const retiringJwk: Record<string, unknown> = { ...generateSigningKey('RS256'), key_ops: ['verify'] };

beforeAll(async () => {
  keyDir = mkdtempSync(join(tmpdir(), 'pro-portal-jwks-'));
  const keysFile = join(keyDir, 'signing_keys.json');
  writeFileSync(keysFile, JSON.stringify([signingJwk, retiringJwk]));
  own = await startThrowawayStack({
    label: 'jwks',
    supabaseDir: shared.supabaseDir,
    functionsDir: join(import.meta.dirname, 'fixtures', 'functions'),
    configOverlay: { auth: { signing_keys_path: keysFile, email: { enable_confirmations: false } } },
  });
  const db = new pg.Client({ connectionString: own.dbUrl });
  await db.connect();
  await db.query(`
    create table public.jwks_probe (id int primary key, owner uuid not null);
    alter table public.jwks_probe enable row level security;
    grant select on public.jwks_probe to authenticated, service_role;
    create policy own_rows on public.jwks_probe for select to authenticated using (owner = (select auth.uid()));`);
  await db.end();
  await own.waitForSchemaReload();
});

afterAll(async () => {
  await own?.stop();
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

/** A client whose requests to /auth/v1 are counted, to tell a local verification from a round trip. */
function countingClient(): { client: SupabaseClient; authCalls: string[] } {
  const authCalls: string[] = [];
  const counting: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname.startsWith('/auth/v1/')) authCalls.push(url.pathname);
    return fetch(input, init);
  };
  const client = createClient(own.apiUrl, own.keys.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { fetch: counting },
  });
  return { client, authCalls };
}

/** The first status a channel's subscribe() reports. */
function joinStatus(channel: RealtimeChannel): Promise<string> {
  return new Promise((resolve) => {
    let done = false;
    channel.subscribe((status) => {
      if (!done) resolve(status);
      done = true;
    });
  });
}

async function signUp(client: SupabaseClient) {
  const { data, error } = await client.auth.signUp({ email: uniqueEmail('jwks'), password: PASSWORD });
  if (error || !data.session) throw new Error(`sign-up failed: ${error?.message}`);
  return data.session;
}

describe('signing keys', () => {
  it('publish the public halves of every key at /.well-known/jwks.json, never a private part', async () => {
    const response = await fetch(`${own.apiUrl}/auth/v1/.well-known/jwks.json`, { headers: { apikey: own.keys.anonKey } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=600');
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toEqual([
      { alg: 'ES256', crv: 'P-256', ext: true, key_ops: ['verify'], kid: signingJwk.kid, kty: 'EC', use: 'sig', x: signingJwk.x, y: signingJwk.y },
      { alg: 'RS256', e: 'AQAB', ext: true, key_ops: ['verify'], kid: retiringJwk.kid, kty: 'RSA', n: retiringJwk.n, use: 'sig' },
    ]);
    // Without signing keys (the shared stack) the set is empty: the HS256 secret is never published.
    const plain = await fetch(`${shared.apiUrl}/auth/v1/.well-known/jwks.json`, { headers: { apikey: shared.anonKey } });
    expect(await plain.json()).toEqual({ keys: [] });
  });

  it('sign access tokens with the ES256 key, which the published set verifies', async () => {
    const { client } = countingClient();
    const session = await signUp(client);
    expect(decodeProtectedHeader(session.access_token)).toEqual({ alg: 'ES256', kid: signingJwk.kid, typ: 'JWT' });
    // Open without an apikey, as Kong leaves it.
    const { keys } = (await (await fetch(`${own.apiUrl}/auth/v1/.well-known/jwks.json`)).json()) as { keys: never[] };
    const { payload } = await jwtVerify(session.access_token, createLocalJWKSet({ keys }), { algorithms: ['ES256'] });
    expect(payload).toMatchObject({ sub: session.user.id, role: 'authenticated', aal: 'aal1' });
    // Refreshed tokens too.
    const refreshed = await client.auth.refreshSession({ refresh_token: session.refresh_token });
    expect(decodeProtectedHeader(refreshed.data.session!.access_token).alg).toBe('ES256');
  });

  it('let getClaims() verify the token locally, fetching the key set once and never /user', async () => {
    const { client, authCalls } = countingClient();
    const session = await signUp(client);
    await client.auth.setSession({ access_token: session.access_token, refresh_token: session.refresh_token });
    authCalls.length = 0;
    const first = await client.auth.getClaims();
    expect(first.error).toBeNull();
    expect(first.data!.claims).toMatchObject({ sub: session.user.id, session_id: decodeJwt(session.access_token).session_id });
    const second = await client.auth.getClaims();
    expect(second.data!.claims.sub).toBe(session.user.id);
    expect(authCalls.filter((path) => path.endsWith('/user'))).toEqual([]);
    expect(authCalls.filter((path) => path.endsWith('/.well-known/jwks.json')).length).toBeLessThanOrEqual(1);
  });
});

describe('every service accepts both kinds of token', () => {
  it('REST, Storage, Realtime, Functions and Auth take the ES256 access token and the HS256 demo keys', async () => {
    const { client } = countingClient();
    const session = await signUp(client);
    const userId = session.user.id;
    const db = new pg.Client({ connectionString: own.dbUrl });
    await db.connect();
    await db.query(`insert into public.jwks_probe values (1, $1), (2, gen_random_uuid())`, [userId]);
    await db.end();
    const asUser = createClient(own.apiUrl, own.keys.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { headers: { authorization: `Bearer ${session.access_token}` } },
    });

    // REST runs the request as the token's user: RLS sees auth.uid().
    const rows = await asUser.from('jwks_probe').select('id');
    expect(rows.error).toBeNull();
    expect(rows.data).toEqual([{ id: 1 }]);
    // The anon demo key (HS256) still works, and sees nothing through the policy.
    const anon = await createClient(own.apiUrl, DEMO_ANON_KEY).from('jwks_probe').select('id');
    expect(anon.error?.code).toBe('42501');
    const service = await createClient(own.apiUrl, DEMO_SERVICE_ROLE_KEY).from('jwks_probe').select('id').order('id');
    expect(service.error).toBeNull();
    expect(service.data).toEqual([{ id: 1 }, { id: 2 }]);

    const buckets = await asUser.storage.listBuckets();
    expect(buckets.error).toBeNull();

    const invoked = await asUser.functions.invoke('echo', { body: { hello: 'world' } });
    expect(invoked.error).toBeNull();

    // Realtime: joining with the token (and Realtime's RLS check of a private channel as that user).
    const live = createClient(own.apiUrl, own.keys.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
    await live.realtime.setAuth(session.access_token);
    expect(await joinStatus(live.channel(`jwks-${userId}`))).toBe('SUBSCRIBED');
    await live.removeAllChannels();

    const user = await client.auth.getUser(session.access_token);
    expect(user.error).toBeNull();
    expect(user.data.user?.id).toBe(userId);
  });

  it('refuse a token signed by another key under a published kid, and one under an unknown kid', async () => {
    const { client } = countingClient();
    const session = await signUp(client);
    const claims = decodeJwt(session.access_token);
    const impostor = createPrivateKey({ key: generateSigningKey('ES256'), format: 'jwk' });
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: signingJwk.kid as string, typ: 'JWT' }).sign(impostor);
    const unknownKid = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'not-a-key', typ: 'JWT' }).sign(impostor);
    // A signature by the right key but the header claiming another algorithm.
    const wrongAlg = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: signingJwk.kid, typ: 'JWT' })).toString('base64url')}.${session.access_token.split('.').slice(1).join('.')}`;

    for (const token of [forged, unknownKid, wrongAlg]) {
      const headers = { apikey: own.keys.anonKey, authorization: `Bearer ${token}` };
      const rest = await fetch(`${own.apiUrl}/rest/v1/jwks_probe?select=id`, { headers });
      expect(rest.status).toBe(401);
      expect((await rest.json()).code).toBe('PGRST301');
      const auth = await fetch(`${own.apiUrl}/auth/v1/user`, { headers });
      expect(auth.status).toBe(403);
      const fn = await fetch(`${own.apiUrl}/functions/v1/echo`, { method: 'POST', headers, body: '{}' });
      expect(fn.status).toBe(401);
      const storage = await fetch(`${own.apiUrl}/storage/v1/bucket`, { headers });
      expect(storage.status).toBe(400);
    }
    const live = createClient(own.apiUrl, own.keys.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
    await live.realtime.setAuth(forged);
    expect(await joinStatus(live.channel('jwks-forged'))).toBe('CHANNEL_ERROR');
    await live.removeAllChannels();
    // The key belongs to this stack only: the shared stack (same HS256 secret) does not accept its tokens.
    const elsewhere = await fetch(`${shared.apiUrl}/rest/v1/`, {
      headers: { apikey: shared.anonKey, authorization: `Bearer ${session.access_token}` },
    });
    expect(elsewhere.status).toBe(401);
  });
});
