/**
 * Multi-factor authentication as Supabase Auth (GoTrue) answers it, through supabase-js's `auth.mfa`
 * and `auth.admin.mfa`: TOTP enrolment, challenge and verification, the `aal`/`amr` claims and
 * getAuthenticatorAssuranceLevel(), unenrolment, the admin factor endpoints, and `[auth.mfa]`.
 */
import { request as httpRequest } from 'node:http';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode, TOTP_PERIOD_SECONDS } from '../auth/totp.ts';
import type { TomlTable } from '../core/project-config.ts';
import type { RunningStack } from '../stack.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { anonClient, serviceClient, sql, stack, uniqueEmail } from './helpers.ts';

const PASSWORD = 'correct-horse-battery';

/** A client that keeps its session in memory, as a browser tab would, so `mfa.verify` can replace it. */
function sessionClient(apiUrl = stack.apiUrl, anonKey = stack.anonKey): SupabaseClient {
  const store = new Map<string, string>();
  return createClient(apiUrl, anonKey, {
    auth: {
      persistSession: true,
      autoRefreshToken: false,
      detectSessionInUrl: false,
      storage: {
        getItem: (key) => store.get(key) ?? null,
        setItem: (key, value) => void store.set(key, value),
        removeItem: (key) => void store.delete(key),
      },
    },
  });
}

async function signedUp(client = sessionClient()) {
  const email = uniqueEmail('mfa');
  const { data, error } = await client.auth.signUp({ email, password: PASSWORD });
  if (error || !data.session) throw new Error(`sign-up failed: ${error?.message}`);
  return { client, email, userId: data.user!.id };
}

async function signIn(email: string, client = sessionClient()) {
  const { error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (error) throw error;
  return client;
}

/** What the user's authenticator app shows now. */
const freshCode = (secret: string) => totpCode(secret);

async function enrolTotp(client: SupabaseClient, friendlyName?: string) {
  const { data, error } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName });
  if (error || !data) throw new Error(`enrol failed: ${error?.message}`);
  return data;
}

/** Enrols a TOTP factor and verifies it, which lifts the client's session to aal2. */
async function enrolAndVerify(client: SupabaseClient) {
  const factor = await enrolTotp(client);
  const { data, error } = await client.auth.mfa.challengeAndVerify({ factorId: factor.id, code: freshCode(factor.totp.secret) });
  if (error || !data) throw new Error(`verify failed: ${error?.message}`);
  return { factor, session: data };
}

async function accessToken(client: SupabaseClient): Promise<string> {
  const { data } = await client.auth.getSession();
  return data.session!.access_token;
}

/** A raw call to /auth/v1 for what the client hides (status, exact body). */
async function authCall(path: string, init: { method?: string; body?: unknown; token?: string; key?: string } = {}) {
  const key = init.key ?? stack.anonKey;
  const response = await fetch(`${stack.apiUrl}/auth/v1${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      apikey: key,
      authorization: `Bearer ${init.token ?? key}`,
      'content-type': 'application/json',
      'x-supabase-api-version': '2024-01-01',
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('TOTP enrolment', () => {
  it('answers with the secret, its otpauth URI and a QR code, and lists the factor as unverified', async () => {
    const { client, email, userId } = await signedUp();
    const factor = await enrolTotp(client, 'Phone app');

    expect(Object.keys(factor)).toEqual(['id', 'type', 'friendly_name', 'totp']);
    expect(factor.type).toBe('totp');
    expect(factor.friendly_name).toBe('Phone app');
    expect(factor.totp.secret).toMatch(/^[A-Z2-7]{32}$/);
    // The issuer defaults to site_url's host, and the parameters come sorted, as GoTrue writes them.
    expect(factor.totp.uri).toBe(
      `otpauth://totp/localhost:5173:${email}?algorithm=SHA1&digits=6&issuer=localhost%3A5173&period=30&secret=${factor.totp.secret}`,
    );
    // auth-js turns the SVG into a data URL an <img> can show.
    expect(factor.totp.qr_code).toMatch(/^data:image\/svg\+xml;utf-8,<svg [^#]*<\/svg>$/);

    const { data: user } = await client.auth.getUser();
    expect(user.user!.factors).toEqual([
      {
        id: factor.id,
        created_at: expect.stringMatching(/Z$/),
        updated_at: expect.stringMatching(/Z$/),
        status: 'unverified',
        friendly_name: 'Phone app',
        factor_type: 'totp',
        phone: '',
        last_challenged_at: null,
      },
    ]);
    // Unverified factors count in `all` only.
    const listed = await client.auth.mfa.listFactors();
    expect(listed.data!.all.map((f) => f.id)).toEqual([factor.id]);
    expect(listed.data!.totp).toEqual([]);
    const rows = await sql(`select factor_type::text, status::text, secret from auth.mfa_factors where user_id = $1`, [userId]);
    expect(rows).toEqual([{ factor_type: 'totp', status: 'unverified', secret: factor.totp.secret }]);
  });

  it('takes a custom issuer, and refuses a name the user already gave another factor', async () => {
    const { client } = await signedUp();
    const first = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Laptop', issuer: 'Pro Portal' });
    expect(first.data!.totp.uri).toContain('otpauth://totp/Pro%20Portal:');
    expect(first.data!.totp.uri).toContain('&issuer=Pro+Portal&');
    const again = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Laptop' });
    expect(again.error).toMatchObject({ status: 422, code: 'mfa_factor_name_conflict' });
    expect(again.error!.message).toBe('A factor with the friendly name "Laptop" for this user already exists');
  });

  it('refuses unknown factor types, and phone and WebAuthn factors while [auth.mfa] leaves them off', async () => {
    const { client } = await signedUp();
    const token = await accessToken(client);
    const unknown = await authCall('/factors', { token, body: { factor_type: 'sms' } });
    expect(unknown).toEqual({ status: 400, body: { code: 'validation_failed', message: 'factor_type needs to be totp, phone, or webauthn' } });
    const phone = await client.auth.mfa.enroll({ factorType: 'phone', phone: '+15555550100' });
    expect(phone.error).toMatchObject({ status: 422, code: 'mfa_phone_enroll_not_enabled', message: 'MFA enroll is disabled for Phone' });
    const webauthn = await authCall('/factors', { token, body: { factor_type: 'webauthn' } });
    expect(webauthn).toEqual({
      status: 422,
      body: { code: 'mfa_webauthn_enroll_not_enabled', message: 'MFA enroll is disabled for WebAuthn' },
    });
    expect(await sql(`select 1 from auth.mfa_factors f join auth.users u on u.id = f.user_id where u.email = $1`, [
      (await client.auth.getUser()).data.user!.email,
    ])).toEqual([]);
  });

  it('needs a signed-in user', async () => {
    const response = await authCall('/factors', { body: { factor_type: 'totp' } });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('bad_jwt');
  });
});

describe('challenge and verify', () => {
  it('lifts the session to aal2 with totp in amr, verifies the factor and keeps the level across refreshes', async () => {
    const { client, userId } = await signedUp();
    const before = await client.auth.mfa.getAuthenticatorAssuranceLevel();
    expect(before.data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal1' });
    expect(before.data!.currentAuthenticationMethods).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
    const oldRefresh = (await client.auth.getSession()).data.session!.refresh_token;

    const factor = await enrolTotp(client);
    const challenge = await client.auth.mfa.challenge({ factorId: factor.id });
    expect(challenge.error).toBeNull();
    expect(challenge.data).toEqual({ id: expect.any(String), type: 'totp', expires_at: expect.any(Number) });
    expect(challenge.data!.expires_at - Date.now() / 1000).toBeGreaterThan(290);
    expect(challenge.data!.expires_at - Date.now() / 1000).toBeLessThanOrEqual(300);

    const verified = await client.auth.mfa.verify({ factorId: factor.id, challengeId: challenge.data!.id, code: freshCode(factor.totp.secret) });
    expect(verified.error).toBeNull();
    const claims = decodeJwt(verified.data!.access_token);
    expect(claims.aal).toBe('aal2');
    expect((claims.amr as { method: string }[]).map((m) => m.method)).toEqual(['totp', 'password']);
    // A new refresh token replaces the aal1 one.
    expect(verified.data!.refresh_token).not.toBe(oldRefresh);
    expect(verified.data!.user.factors).toEqual([expect.objectContaining({ id: factor.id, status: 'verified' })]);

    const after = await client.auth.mfa.getAuthenticatorAssuranceLevel();
    expect(after.data).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' });
    const listed = await client.auth.mfa.listFactors();
    expect(listed.data!.totp.map((f) => f.id)).toEqual([factor.id]);

    const refreshed = await client.auth.refreshSession();
    expect(decodeJwt(refreshed.data.session!.access_token).aal).toBe('aal2');
    const rows = await sql<{ aal: string; factor_id: string }>(`select aal::text, factor_id from auth.sessions where user_id = $1`, [userId]);
    expect(rows).toEqual([{ aal: 'aal2', factor_id: factor.id }]);
    const methods = await sql(
      `select authentication_method from auth.mfa_amr_claims c join auth.sessions s on s.id = c.session_id
        where s.user_id = $1 order by authentication_method`,
      [userId],
    );
    expect(methods).toEqual([{ authentication_method: 'password' }, { authentication_method: 'totp' }]);
  });

  it('signs out the sessions still at aal1 once a factor is verified, and a new sign-in starts at aal1 until verified', async () => {
    const { client, email } = await signedUp();
    const other = await signIn(email);
    const otherRefresh = (await other.auth.getSession()).data.session!.refresh_token;
    const { factor } = await enrolAndVerify(client);

    // The session went, and its refresh tokens with it.
    const stale = await anonClient().auth.refreshSession({ refresh_token: otherRefresh });
    expect(stale.error).toMatchObject({ code: 'refresh_token_not_found' });

    const next = await signIn(email);
    const level = await next.auth.mfa.getAuthenticatorAssuranceLevel();
    expect(level.data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' });
    const { error } = await next.auth.mfa.challengeAndVerify({ factorId: factor.id, code: freshCode(factor.totp.secret) });
    expect(error).toBeNull();
    expect((await next.auth.mfa.getAuthenticatorAssuranceLevel()).data!.currentLevel).toBe('aal2');
  });

  it('refuses a wrong code, a used challenge, an expired one, and an empty code, changing nothing', async () => {
    const { client, userId } = await signedUp();
    const factor = await enrolTotp(client);
    const token = await accessToken(client);
    const { data: challenge } = await client.auth.mfa.challenge({ factorId: factor.id });

    const wrongCode = String((Number(freshCode(factor.totp.secret)) + 500000) % 1000000).padStart(6, '0');
    const wrong = await client.auth.mfa.verify({ factorId: factor.id, challengeId: challenge!.id, code: wrongCode });
    expect(wrong.error).toMatchObject({ status: 422, code: 'mfa_verification_failed', message: 'Invalid TOTP code entered' });
    expect(await sql(`select status::text from auth.mfa_factors where id = $1`, [factor.id])).toEqual([{ status: 'unverified' }]);

    const empty = await authCall(`/factors/${factor.id}/verify`, { token, body: { challenge_id: challenge!.id, code: '' } });
    expect(empty).toEqual({ status: 400, body: { code: 'validation_failed', message: 'Code needs to be non-empty' } });
    const notUuid = await authCall(`/factors/${factor.id}/verify`, { token, body: { challenge_id: 'nope', code: '123456' } });
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.code).toBe('bad_json');
    const unknown = await authCall(`/factors/${factor.id}/verify`, {
      token,
      body: { challenge_id: '00000000-0000-4000-8000-000000000000', code: '123456' },
    });
    expect(unknown).toEqual({
      status: 422,
      body: { code: 'mfa_factor_not_found', message: 'MFA factor with the provided challenge ID not found' },
    });

    const ok = await client.auth.mfa.verify({ factorId: factor.id, challengeId: challenge!.id, code: freshCode(factor.totp.secret) });
    expect(ok.error).toBeNull();
    const reused = await client.auth.mfa.verify({ factorId: factor.id, challengeId: challenge!.id, code: freshCode(factor.totp.secret) });
    expect(reused.error).toMatchObject({ status: 422, code: 'mfa_ip_address_mismatch', message: 'Challenge and verify IP addresses mismatch.' });

    const { data: late } = await client.auth.mfa.challenge({ factorId: factor.id });
    await sql(`update auth.mfa_challenges set created_at = now() - interval '301 seconds' where id = $1`, [late!.id]);
    const expired = await client.auth.mfa.verify({ factorId: factor.id, challengeId: late!.id, code: freshCode(factor.totp.secret) });
    expect(expired.error).toMatchObject({
      status: 422,
      code: 'mfa_challenge_expired',
      message: `MFA challenge ${late!.id} has expired, verify against another challenge or create a new challenge.`,
    });
    expect(await sql(`select 1 from auth.mfa_challenges where id = $1`, [late!.id])).toEqual([]);
    expect(await sql(`select count(*)::int as n from auth.sessions where user_id = $1 and aal = 'aal2'`, [userId])).toEqual([{ n: 1 }]);
  });

  it('accepts the previous and next 30-second step, and nothing further off', async () => {
    const { client } = await signedUp();
    const factor = await enrolTotp(client);
    const step = TOTP_PERIOD_SECONDS * 1000;
    const tryCode = async (offsetSteps: number) => {
      const { data } = await client.auth.mfa.challenge({ factorId: factor.id });
      return client.auth.mfa.verify({ factorId: factor.id, challengeId: data!.id, code: totpCode(factor.totp.secret, Date.now() + offsetSteps * step) });
    };
    expect((await tryCode(3)).error).toMatchObject({ code: 'mfa_verification_failed' });
    expect((await tryCode(-3)).error).toMatchObject({ code: 'mfa_verification_failed' });
    expect((await tryCode(-1)).error).toBeNull();
  });

  it('finds only the caller\'s own factors', async () => {
    const owner = await signedUp();
    const factor = await enrolTotp(owner.client);
    const stranger = await signedUp();
    const token = await accessToken(stranger.client);
    const foreign = await authCall(`/factors/${factor.id}/challenge`, { token, body: {} });
    expect(foreign).toEqual({ status: 404, body: { code: 'mfa_factor_not_found', message: 'Factor not found' } });
    const malformed = await authCall('/factors/not-a-uuid/challenge', { token, body: {} });
    expect(malformed).toEqual({ status: 404, body: { code: 'validation_failed', message: 'factor_id must be an UUID' } });
    const removed = await authCall(`/factors/${factor.id}`, { token, method: 'DELETE' });
    expect(removed.status).toBe(404);
    expect(await sql(`select 1 from auth.mfa_factors where id = $1`, [factor.id])).toHaveLength(1);
  });
});

/** A POST from the loopback address `from`, so the gateway sees that client. */
function postFrom(
  from: string,
  path: string,
  token: string,
  body: unknown,
  target: { apiUrl: string; anonKey: string } = stack,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${target.apiUrl}/auth/v1${path}`);
    const payload = JSON.stringify(body);
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
        headers: {
          apikey: target.anonKey,
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-supabase-api-version': '2024-01-01',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

describe('MFA rate limits', () => {
  // A stack of its own with GoTrue's default limit: the shared one raises it (global-setup.ts), since every
  // engineer and admin the app's suites make enrols a factor from 127.0.0.1.
  let own: RunningStack;
  beforeAll(async () => {
    own = await startThrowawayStack({
      label: 'mfa-limits',
      supabaseDir: stack.supabaseDir,
      configOverlay: { auth: { email: { enable_confirmations: false } } },
    });
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('allow 30 challenges at once per client, then refuse with 429 until the bucket refills', async () => {
    const target = { apiUrl: own.apiUrl, anonKey: own.keys.anonKey };
    const { client } = await signedUp(sessionClient(target.apiUrl, target.anonKey));
    const factor = await enrolTotp(client);
    const token = await accessToken(client);
    const from = `127.0.0.${20 + (process.pid % 200)}`;
    for (let i = 0; i < 30; i += 1) {
      expect((await postFrom(from, `/factors/${factor.id}/challenge`, token, {}, target)).status, `challenge ${i + 1}`).toBe(200);
    }
    const limited = await postFrom(from, `/factors/${factor.id}/challenge`, token, {}, target);
    expect(limited).toEqual({ status: 429, body: { code: 'over_request_rate_limit', message: 'Request rate limit reached' } });
    // The limit is that client's; verifications have their own allowance.
    expect((await postFrom('127.0.0.1', `/factors/${factor.id}/challenge`, token, {}, target)).status).toBe(200);
    const wrong = await postFrom(
      from,
      `/factors/${factor.id}/verify`,
      token,
      { challenge_id: '00000000-0000-4000-8000-000000000000', code: '123456' },
      target,
    );
    expect(wrong.status).toBe(422);
  });
});

describe('more factors and unenrolment', () => {
  it('needs aal2 to enrol another factor or unenrol a verified one once a factor is verified', async () => {
    const { client, email } = await signedUp();
    const { factor } = await enrolAndVerify(client);
    const aal1 = await signIn(email);

    const another = await aal1.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Second' });
    expect(another.error).toMatchObject({ status: 403, code: 'insufficient_aal', message: 'AAL2 required to enroll a new factor' });
    const drop = await aal1.auth.mfa.unenroll({ factorId: factor.id });
    expect(drop.error).toMatchObject({ status: 422, code: 'insufficient_aal', message: 'AAL2 required to unenroll verified factor' });
    expect(await sql(`select status::text from auth.mfa_factors where id = $1`, [factor.id])).toEqual([{ status: 'verified' }]);
    // A stolen password alone cannot change the password or the address either.
    const newPassword = await aal1.auth.updateUser({ password: 'another-horse-battery' });
    expect(newPassword.error).toMatchObject({
      status: 401,
      code: 'insufficient_aal',
      message: 'AAL2 session is required to update email or password when MFA is enabled.',
    });
    const newEmail = await aal1.auth.updateUser({ email: uniqueEmail('mfa-takeover') });
    expect(newEmail.error).toMatchObject({ status: 401, code: 'insufficient_aal' });
    expect((await aal1.auth.updateUser({ data: { harmless: true } })).error).toBeNull();

    // At aal2 both work; unenrolling returns the session to aal1 and drops totp from its amr.
    const second = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Second' });
    expect(second.error).toBeNull();
    const removed = await client.auth.mfa.unenroll({ factorId: factor.id });
    expect(removed.error).toBeNull();
    expect(removed.data).toEqual({ id: factor.id });
    const refreshed = await client.auth.refreshSession();
    const claims = decodeJwt(refreshed.data.session!.access_token);
    expect(claims.aal).toBe('aal1');
    expect((claims.amr as { method: string }[]).map((m) => m.method)).toEqual(['password']);
    // An unverified factor needs no aal2 to go.
    const dropSecond = await aal1.auth.mfa.unenroll({ factorId: second.data!.id });
    expect(dropSecond.error).toBeNull();
  });

  it('refuses anonymous users', async () => {
    const anonymous = await sql<{ id: string }>(
      `insert into auth.users (instance_id, id, aud, role, is_anonymous, raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
         confirmation_token, recovery_token, email_change_token_new, email_change)
       values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', true, '{}', '{}', now(), now(), '', '', '', '')
       returning id`,
    );
    const token = await signToken({ sub: anonymous[0]!.id, role: 'authenticated', is_anonymous: true });
    const response = await authCall('/factors', { token, body: { factor_type: 'totp' } });
    expect(response).toEqual({ status: 403, body: { code: 'no_authorization', message: 'Anonymous user not allowed to perform these actions' } });
  });
});

async function signToken(claims: Record<string, unknown>): Promise<string> {
  const { SignJWT } = await import('jose');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ aud: 'authenticated', exp: now + 600, iat: now, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(stack.jwtSecret));
}

describe('admin factor API', () => {
  it('lists and deletes a user\'s factors, downgrading the sessions the factor lifted', async () => {
    const { client, userId } = await signedUp();
    const { factor } = await enrolAndVerify(client);
    const admin = serviceClient().auth.admin.mfa;

    const listed = await admin.listFactors({ userId });
    expect(listed.error).toBeNull();
    expect(listed.data!.factors).toEqual([expect.objectContaining({ id: factor.id, factor_type: 'totp', status: 'verified' })]);

    const deleted = await admin.deleteFactor({ userId, id: factor.id });
    expect(deleted.error).toBeNull();
    // auth-js hands back GoTrue's body (the deleted factor) wrapped once more.
    expect(deleted.data).toEqual({ data: expect.objectContaining({ id: factor.id, status: 'verified' }), error: null });
    expect(await sql(`select 1 from auth.mfa_factors where id = $1`, [factor.id])).toEqual([]);
    expect(await sql(`select aal::text, factor_id from auth.sessions where user_id = $1`, [userId])).toEqual([{ aal: 'aal1', factor_id: null }]);
    expect((await admin.listFactors({ userId })).data!.factors).toEqual([]);

    const missing = await admin.deleteFactor({ userId, id: factor.id });
    expect(missing.error).toMatchObject({ status: 404, code: 'mfa_factor_not_found' });
    const noUser = await admin.listFactors({ userId: '00000000-0000-4000-8000-000000000000' });
    expect(noUser.error).toMatchObject({ status: 404, code: 'user_not_found' });
  });

  it('renames a factor, and is for the service role only', async () => {
    const { client, userId } = await signedUp();
    const factor = await enrolTotp(client, 'Old');
    const renamed = await authCall(`/admin/users/${userId}/factors/${factor.id}`, {
      key: stack.serviceRoleKey,
      method: 'PUT',
      body: { friendly_name: 'New' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: factor.id, friendly_name: 'New', factor_type: 'totp' });
    const token = await accessToken(client);
    const asUser = await authCall(`/admin/users/${userId}/factors`, { token });
    expect(asUser).toEqual({ status: 403, body: { code: 'not_admin', message: 'User not allowed' } });
  });
});

describe('[auth.mfa] settings', () => {
  let own: RunningStack;
  let db: pg.Pool;

  beforeAll(async () => {
    const overlay: TomlTable = {
      auth: {
        email: { enable_confirmations: false },
        mfa: { max_enrolled_factors: 2, totp: { enroll_enabled: false, verify_enabled: true }, phone: { enroll_enabled: true, verify_enabled: true } },
      },
    };
    own = await startThrowawayStack({ label: 'mfa', supabaseDir: stack.supabaseDir, configOverlay: overlay });
    db = new pg.Pool({ connectionString: own.dbUrl, max: 2 });
  });
  afterAll(async () => {
    await db?.end();
    await own?.stop();
  });

  it('turns TOTP enrolment off, limits factors per user, and answers phone factors as GoTrue does without an SMS provider', async () => {
    const client = sessionClient(own.apiUrl, own.keys.anonKey);
    const { data } = await client.auth.signUp({ email: uniqueEmail('mfa-config'), password: PASSWORD });
    expect(data.session).not.toBeNull();

    const totp = await client.auth.mfa.enroll({ factorType: 'totp' });
    expect(totp.error).toMatchObject({ status: 422, code: 'mfa_totp_enroll_not_enabled', message: 'MFA enroll is disabled for TOTP' });

    const badPhone = await client.auth.mfa.enroll({ factorType: 'phone', phone: 'call me' });
    expect(badPhone.error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Invalid phone number format (E.164 required)' });
    const phone = await client.auth.mfa.enroll({ factorType: 'phone', phone: '+1 555 555 0100', friendlyName: 'Mobile' });
    expect(phone.error).toBeNull();
    expect(phone.data).toEqual({ id: expect.any(String), type: 'phone', friendly_name: 'Mobile', phone: '+1 555 555 0100' });
    const rows = await db.query(`select phone, status::text from auth.mfa_factors where id = $1`, [phone.data!.id]);
    expect(rows.rows).toEqual([{ phone: '15555550100', status: 'unverified' }]);

    // The code would go out by SMS, and there is no SMS provider: GoTrue's answer, nothing recorded.
    const challenge = await client.auth.mfa.challenge({ factorId: phone.data!.id });
    expect(challenge.error).toMatchObject({ status: 500, message: 'Failed to get SMS provider' });
    expect((await db.query(`select 1 from auth.mfa_challenges where factor_id = $1`, [phone.data!.id])).rows).toEqual([]);
    const whatsapp = await client.auth.mfa.challenge({ factorId: phone.data!.id, channel: 'whatsapp' });
    expect(whatsapp.error).toMatchObject({ status: 400, code: 'validation_failed' });

    await client.auth.mfa.enroll({ factorType: 'phone', phone: '+15555550101', friendlyName: 'Second' });
    const third = await client.auth.mfa.enroll({ factorType: 'phone', phone: '+15555550102', friendlyName: 'Third' });
    expect(third.error).toMatchObject({ status: 422, code: 'too_many_enrolled_mfa_factors' });
  });
});
