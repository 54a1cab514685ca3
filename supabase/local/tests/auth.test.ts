/**
 * Conformance of the local Auth with Supabase Auth (GoTrue): what supabase-js sees (sessions, user JSON,
 * error codes), GoTrue's JWT claims and refresh-token rotation, and the rows it leaves in `auth.*`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAuthApiError, isAuthWeakPasswordError, type Session } from '@supabase/supabase-js';
import bcrypt from 'bcryptjs';
import { decodeJwt, jwtVerify } from 'jose';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { SIGN_IN_FAILURES_PER_ADDRESS } from '../auth/rate-limit.ts';
import { readProjectConfig } from '../core/project-config.ts';
import { anonClient, serviceClient, signedInClient, sql, stack, uniqueEmail } from './helpers.ts';

// As the shared stack runs it: config.toml with the suite's overlay.
const config = readProjectConfig(
  join(stack.supabaseDir, 'config.toml'),
  parse(readFileSync(join(import.meta.dirname, 'fixtures', 'stack-config.toml'), 'utf8')),
).auth;
const PASSWORD = 'correct-horse-battery';

/** A raw call to /auth/v1, as auth-js makes it unless `versioned` is false. */
function authFetch(path: string, init: { method?: string; body?: unknown; token?: string; versioned?: boolean; raw?: string } = {}) {
  const headers: Record<string, string> = { apikey: stack.anonKey, 'content-type': 'application/json' };
  if (init.versioned !== false) headers['x-supabase-api-version'] = '2024-01-01';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  return fetch(`${stack.apiUrl}/auth/v1${path}`, {
    method: init.method ?? (init.body === undefined && init.raw === undefined ? 'GET' : 'POST'),
    headers,
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
}

async function signUp(email = uniqueEmail(), data: Record<string, unknown> = {}) {
  const { data: result, error } = await anonClient().auth.signUp({ email, password: PASSWORD, options: { data } });
  if (error || !result.session || !result.user) throw new Error(`sign-up failed: ${error?.message}`);
  return { email, session: result.session, user: result.user };
}

const refresh = (refreshToken: string) =>
  authFetch('/token?grant_type=refresh_token', { body: { refresh_token: refreshToken } });

describe('service endpoints', () => {
  it('serve health, settings and an empty JWKS for HS256 tokens', async () => {
    expect(await (await authFetch('/health')).json()).toMatchObject({ name: 'GoTrue' });
    const settings = await (await authFetch('/settings')).json();
    expect(settings).toMatchObject({ disable_signup: !config.enableSignup, mailer_autoconfirm: !config.enableConfirmations });
    expect(settings.external.email).toBe(true);
    expect(await (await authFetch('/.well-known/jwks.json')).json()).toEqual({ keys: [] });
  });
});

describe('sign-up', () => {
  it('creates a confirmed user with a session, GoTrue user JSON and real auth rows', async () => {
    const email = uniqueEmail('signup');
    const { session, user } = await signUp(email, { full_name: 'Ada Lovelace' });

    expect(session.token_type).toBe('bearer');
    expect(session.expires_in).toBe(config.jwtExpiry);
    expect(session.refresh_token).toMatch(/^[a-z0-9]{12}$/);
    // Field order and presence exactly as GoTrue's models.User: null timestamps are left out.
    expect(Object.keys(user)).toEqual([
      'id', 'aud', 'role', 'email', 'email_confirmed_at', 'phone', 'confirmed_at', 'last_sign_in_at',
      'app_metadata', 'user_metadata', 'identities', 'created_at', 'updated_at', 'is_anonymous',
    ]);
    expect(user).toMatchObject({ aud: 'authenticated', role: 'authenticated', email, phone: '', is_anonymous: false });
    expect(user.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(user.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
    expect(user.user_metadata).toEqual({
      full_name: 'Ada Lovelace', sub: user.id, email, email_verified: true, phone_verified: false,
    });
    const identity = user.identities![0]!;
    expect(user.identities).toHaveLength(1);
    // GoTrue swaps the names: `id` is the provider's id (the user id for e-mail), `identity_id` the row.
    expect(identity.id).toBe(user.id);
    expect(identity.identity_id).not.toBe(user.id);
    expect(identity).toMatchObject({ user_id: user.id, provider: 'email', email });
    expect(identity.identity_data).toMatchObject({ sub: user.id, email, full_name: 'Ada Lovelace' });

    const [row] = await sql(
      `select email, aud, role, encrypted_password, email_confirmed_at, confirmed_at, raw_user_meta_data,
              confirmation_token, recovery_token, instance_id::text
         from auth.users where id = $1`,
      [user.id],
    );
    expect(row).toMatchObject({ email, aud: 'authenticated', role: 'authenticated', confirmation_token: '', recovery_token: '' });
    expect(row!.instance_id).toBe('00000000-0000-0000-0000-000000000000');
    expect(row!.encrypted_password).toMatch(/^\$2a\$10\$/);
    expect(row!.confirmed_at).toEqual(row!.email_confirmed_at);
    expect(row!.raw_user_meta_data.full_name).toBe('Ada Lovelace');
    const identities = await sql(`select provider, provider_id, email from auth.identities where user_id = $1`, [user.id]);
    expect(identities).toEqual([{ provider: 'email', provider_id: user.id, email }]);
    const sessions = await sql(`select aal::text from auth.sessions where user_id = $1`, [user.id]);
    expect(sessions).toEqual([{ aal: 'aal1' }]);
  });

  it('refuses a second sign-up for the address with 422 user_already_exists', async () => {
    const { email } = await signUp();
    const { data, error } = await anonClient().auth.signUp({ email: email.toUpperCase(), password: PASSWORD });
    expect(data.session).toBeNull();
    expect(isAuthApiError(error)).toBe(true);
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('user_already_exists');
    expect(error?.message).toBe('User already registered');
    // The refused attempt is on record, as GoTrue records it (user_repeated_signup).
    const actions = await sql<{ action: string }>(
      `select payload->>'action' as action from auth.audit_log_entries where payload->>'actor_username' = $1 order by created_at`,
      [email],
    );
    expect(actions.map((row) => row.action)).toContain('user_repeated_signup');
  });

  it('refuses a sign-up for an address whose account was never confirmed, without confirming it', async () => {
    const email = uniqueEmail('unconfirmed');
    const { data } = await serviceClient().auth.admin.createUser({ email, password: 'the-owners-password' });
    const { data: result, error } = await anonClient().auth.signUp({ email, password: PASSWORD });
    expect(error?.code).toBe('user_already_exists');
    expect(result.session).toBeNull();
    const [row] = await sql<{ confirmed: boolean }>(`select email_confirmed_at is not null as confirmed from auth.users where id = $1`, [
      data.user!.id,
    ]);
    expect(row!.confirmed).toBe(false);
  });

  it('refuses a weak password with AuthWeakPasswordError and its reasons', async () => {
    const short = 'x'.repeat(config.minimumPasswordLength - 1);
    const { error } = await anonClient().auth.signUp({ email: uniqueEmail(), password: short });
    expect(isAuthWeakPasswordError(error)).toBe(true);
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('weak_password');
    expect(isAuthWeakPasswordError(error) && error.reasons).toEqual(['length']);
    expect(error?.message).toBe(`Password should be at least ${config.minimumPasswordLength} characters.`);
  });

  it('refuses passwords over 72 bytes and malformed addresses with 400 validation_failed', async () => {
    const long = await anonClient().auth.signUp({ email: uniqueEmail(), password: 'p'.repeat(73) });
    expect(long.error?.status).toBe(400);
    expect(long.error?.code).toBe('validation_failed');
    const malformed = await anonClient().auth.signUp({ email: 'not-an-address', password: PASSWORD });
    expect(malformed.error?.status).toBe(400);
    expect(malformed.error?.code).toBe('validation_failed');
    expect(malformed.error?.message).toBe('Unable to validate email address: invalid format');
  });
});

describe('errors', () => {
  it("reports an app trigger refusing the new user as GoTrue does: 500 'Database error saving new user'", async () => {
    const marker = `refused${randomUUID().slice(0, 8)}`;
    await sql(`create function public.${marker}() returns trigger language plpgsql as $$
      begin raise exception 'profiles trigger broke'; end $$`);
    await sql(`create trigger ${marker} after insert on auth.users for each row
      when (new.email like '${marker}%') execute function public.${marker}()`);
    try {
      const email = `${marker}@example.test`;
      const { data, error } = await anonClient().auth.signUp({ email, password: PASSWORD });
      expect(data.user).toBeNull();
      expect(error?.status).toBe(500);
      expect(error?.message).toBe('Database error saving new user');
      expect(await sql(`select 1 from auth.users where email = $1`, [email])).toEqual([]);
    } finally {
      // `postgres` may add triggers to auth.users but not drop them (supabase_auth_admin owns the table, as
      // on Supabase), so the trigger stays, matching only its marker, with a body that lets rows through.
      await sql(`create or replace function public.${marker}() returns trigger language plpgsql as $$
        begin return null; end $$`);
    }
  });

  it('answers in the 2024-01-01 format when the client sends X-Supabase-Api-Version', async () => {
    const response = await authFetch('/token?grant_type=password', { body: { email: uniqueEmail(), password: 'nope-nope' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(response.headers.get('x-sb-error-code')).toBe('invalid_credentials');
    expect(await response.json()).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' });
  });

  it('answers in the legacy format without it', async () => {
    const response = await authFetch('/token?grant_type=password', {
      body: { email: uniqueEmail(), password: 'nope-nope' },
      versioned: false,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-supabase-api-version')).toBeNull();
    expect(await response.json()).toEqual({ code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
  });

  it('answers malformed JSON with 400 bad_json', async () => {
    const response = await authFetch('/signup', { raw: '{"email": ' });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('bad_json');
  });

  it('refuses a missing, forged or expired Bearer token', async () => {
    const basic = await fetch(`${stack.apiUrl}/auth/v1/user`, { headers: { apikey: stack.anonKey, authorization: 'Basic abc' } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('x-sb-error-code')).toBe('no_authorization');
    const forged = await authFetch('/user', { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' });
    expect(forged.status).toBe(403);
    expect((await forged.json()).code).toBe('bad_jwt');
  });
});

describe('password sign-in', () => {
  it('signs in, opening a new session and stamping last_sign_in_at', async () => {
    const { email, user } = await signUp();
    await sql(`update auth.users set last_sign_in_at = now() - interval '1 day' where id = $1`, [user.id]);
    const { data, error } = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(user.id);
    expect(Date.now() - new Date(data.user!.last_sign_in_at!).getTime()).toBeLessThan(60_000);
    const sessions = await sql(`select id from auth.sessions where user_id = $1`, [user.id]);
    expect(sessions).toHaveLength(2);
  });

  it('refuses a wrong password or an unknown address alike with 400 invalid_credentials', async () => {
    const { email } = await signUp();
    for (const attempt of [{ email, password: 'wrong-password' }, { email: uniqueEmail(), password: PASSWORD }]) {
      const { data, error } = await anonClient().auth.signInWithPassword(attempt);
      expect(data.session).toBeNull();
      expect(error?.status).toBe(400);
      expect(error?.code).toBe('invalid_credentials');
      expect(error?.message).toBe('Invalid login credentials');
    }
  });

  it('rate limits failed sign-ins per client and address with 429 over_request_rate_limit', async () => {
    const { email, user } = await signUp(uniqueEmail('rate-limited'));
    // A cheap bcrypt cost for this user only, so thirty wrong guesses do not cost thirty slow hashes.
    await sql(`update auth.users set encrypted_password = $2 where id = $1`, [user.id, bcrypt.hashSync(PASSWORD, 4)]);
    const client = anonClient();
    for (let attempt = 1; attempt <= SIGN_IN_FAILURES_PER_ADDRESS; attempt += 1) {
      const { error } = await client.auth.signInWithPassword({ email, password: `wrong-${attempt}` });
      expect(error?.status, `attempt ${attempt}`).toBe(400);
    }
    const blocked = await client.auth.signInWithPassword({ email, password: PASSWORD });
    expect(blocked.error?.status).toBe(429);
    expect(blocked.error?.code).toBe('over_request_rate_limit');
    // Another address from the same client is not affected.
    const other = await signUp();
    const allowed = await client.auth.signInWithPassword({ email: other.email, password: PASSWORD });
    expect(allowed.error).toBeNull();
  });
});

describe('access token', () => {
  it("carries GoTrue's claims, in GoTrue's order, signed with the project's JWT secret", async () => {
    const { session, user, email } = await signUp(uniqueEmail('claims'), { plan: 'gold' });
    const { payload } = await jwtVerify(session.access_token, new TextEncoder().encode(stack.jwtSecret));
    expect(Object.keys(payload)).toEqual([
      'iss', 'sub', 'aud', 'exp', 'iat', 'email', 'phone', 'app_metadata', 'user_metadata', 'role', 'aal', 'amr',
      'session_id', 'is_anonymous',
    ]);
    expect(payload).toMatchObject({
      iss: `${stack.apiUrl}/auth/v1`, sub: user.id, aud: 'authenticated', email, phone: '', role: 'authenticated',
      aal: 'aal1', is_anonymous: false, app_metadata: { provider: 'email', providers: ['email'] },
    });
    expect((payload.user_metadata as Record<string, unknown>).plan).toBe('gold');
    expect(payload.exp! - payload.iat!).toBe(config.jwtExpiry);
    const amr = payload.amr as Array<{ method: string; timestamp: number }>;
    expect(amr).toHaveLength(1);
    expect(amr[0]!.method).toBe('password');
    expect(Math.abs(amr[0]!.timestamp - payload.iat!)).toBeLessThan(5);
    const sessions = await sql(`select id from auth.sessions where user_id = $1`, [user.id]);
    expect(sessions.map((s) => s.id)).toEqual([payload.session_id]);
  });
});

describe('refresh tokens', () => {
  it('rotate: the old token is revoked and becomes the parent of the new one', async () => {
    const { session, user } = await signUp();
    const { data, error } = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(error).toBeNull();
    const next = data.session!;
    expect(next.refresh_token).not.toBe(session.refresh_token);
    expect(next.user.id).toBe(user.id);
    expect(decodeJwt(next.access_token).session_id).toBe(decodeJwt(session.access_token).session_id);
    const rows = await sql(`select token, revoked, parent from auth.refresh_tokens where user_id = $1 order by id`, [user.id]);
    expect(rows).toEqual([
      { token: session.refresh_token, revoked: true, parent: null },
      { token: next.refresh_token, revoked: false, parent: session.refresh_token },
    ]);
  });

  it('hand back the active child when the parent is refreshed again (a lost response)', async () => {
    const { session } = await signUp();
    const first = await (await refresh(session.refresh_token)).json();
    const again = await refresh(session.refresh_token);
    expect(again.status).toBe(200);
    expect((await again.json()).refresh_token).toBe(first.refresh_token);
  });

  it('serialise concurrent refreshes of one token: all succeed with the same child', async () => {
    const { session, user } = await signUp();
    const responses = await Promise.all(Array.from({ length: 5 }, () => refresh(session.refresh_token)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const tokens = new Set(await Promise.all(responses.map(async (r) => (await r.json()).refresh_token)));
    expect(tokens.size).toBe(1);
    const active = await sql(`select token from auth.refresh_tokens where user_id = $1 and not revoked`, [user.id]);
    expect(active.map((row) => row.token)).toEqual([...tokens]);
  });

  /** Signs up and rotates twice: A → B → C, so A is a revoked ancestor that is not C's parent. */
  async function rotatedTwice() {
    const { session, user } = await signUp();
    const second: Session = await (await refresh(session.refresh_token)).json();
    const third: Session = await (await refresh(second.refresh_token)).json();
    expect(third.refresh_token).toMatch(/^[a-z0-9]{12}$/);
    return { userId: user.id, first: session.refresh_token, third: third.refresh_token };
  }

  it('honour a revoked ancestor within the reuse interval (racing tabs)', async () => {
    const { first, third } = await rotatedTwice();
    const response = await refresh(first);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.refresh_token).not.toBe(first);
    expect(body.refresh_token).not.toBe(third);
  });

  it('refuse a revoked ancestor after the reuse interval and revoke the whole session', async () => {
    const { userId, first } = await rotatedTwice();
    await sql(`update auth.refresh_tokens set updated_at = now() - make_interval(secs => $2) where token = $1`, [
      first,
      config.refreshTokenReuseInterval + 1,
    ]);
    const reused = await anonClient().auth.refreshSession({ refresh_token: first });
    expect(reused.data.session).toBeNull();
    expect(reused.error?.status).toBe(400);
    expect(reused.error?.code).toBe('refresh_token_already_used');
    const live = await sql(`select token from auth.refresh_tokens where user_id = $1 and not revoked`, [userId]);
    expect(live).toEqual([]);
  });

  it('refuse an unknown token with 400 refresh_token_not_found', async () => {
    const { error } = await anonClient().auth.refreshSession({ refresh_token: 'abcdefghijkl' });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('refresh_token_not_found');
  });
});

describe('the signed-in user', () => {
  it('reads itself with getUser', async () => {
    const { client, userId, email } = await signedInClient();
    const { data, error } = await client.auth.getUser();
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ id: userId, email });
  });

  it('merges data into user_metadata and changes the password', async () => {
    const { client, userId, email } = await signedInClient(PASSWORD);
    const merged = await client.auth.updateUser({ data: { full_name: 'Grace Hopper', theme: 'dark' } });
    expect(merged.error).toBeNull();
    expect(merged.data.user?.user_metadata).toMatchObject({ full_name: 'Grace Hopper', theme: 'dark', email });
    const [row] = await sql(`select raw_user_meta_data from auth.users where id = $1`, [userId]);
    expect(row!.raw_user_meta_data.theme).toBe('dark');

    const same = await client.auth.updateUser({ password: PASSWORD });
    expect(same.error?.code).toBe('same_password');
    const changed = await client.auth.updateUser({ password: 'a-brand-new-password' });
    expect(changed.error).toBeNull();
    const withOld = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(withOld.error?.code).toBe('invalid_credentials');
    const withNew = await anonClient().auth.signInWithPassword({ email, password: 'a-brand-new-password' });
    expect(withNew.error).toBeNull();
    expect(withNew.data.user?.id).toBe(userId);
  });
});

describe('sign-out', () => {
  it('ends every session: the refresh token is gone and the old JWT is refused', async () => {
    const client = anonClient();
    const { session } = await signUp();
    await client.auth.setSession({ access_token: session.access_token, refresh_token: session.refresh_token });
    const { error } = await client.auth.signOut();
    expect(error).toBeNull();

    const refreshed = await refresh(session.refresh_token);
    expect(refreshed.status).toBe(400);
    expect((await refreshed.json()).code).toBe('refresh_token_not_found');
    const raw = await authFetch('/user', { token: session.access_token });
    expect(raw.status).toBe(403);
    expect((await raw.json()).code).toBe('session_not_found');
    const viaClient = await anonClient().auth.getUser(session.access_token);
    expect(viaClient.error?.name).toBe('AuthSessionMissingError');
  });

  it('with scope "others" keeps the current session only', async () => {
    const { email, session: current } = await signUp();
    const other = (await anonClient().auth.signInWithPassword({ email, password: PASSWORD })).data.session!;
    const response = await authFetch('/logout?scope=others', { method: 'POST', token: current.access_token });
    expect(response.status).toBe(204);
    expect((await refresh(other.refresh_token)).status).toBe(400);
    expect((await refresh(current.refresh_token)).status).toBe(200);
  });
});

describe('password recovery', () => {
  it('answers {} for any address and records a recovery token for a real one', async () => {
    const { email, user } = await signUp();
    const known = await anonClient().auth.resetPasswordForEmail(email, { redirectTo: 'http://localhost:5173/reset-password' });
    expect(known).toEqual({ data: {}, error: null });
    const unknown = await anonClient().auth.resetPasswordForEmail(uniqueEmail('nobody'));
    expect(unknown).toEqual({ data: {}, error: null });
    const [row] = await sql(`select recovery_token, recovery_sent_at from auth.users where id = $1`, [user.id]);
    expect(row!.recovery_token).toMatch(/^[0-9a-f]{56}$/);
    expect(row!.recovery_sent_at).not.toBeNull();
  });

  it('the e-mailed link signs the user in on the reset page, once', async () => {
    const { email, user } = await signUp();
    await anonClient().auth.resetPasswordForEmail(email);
    const [row] = await sql(`select recovery_token from auth.users where id = $1`, [user.id]);
    const link = `${stack.apiUrl}/auth/v1/verify?token=${row!.recovery_token}&type=recovery&redirect_to=${encodeURIComponent('http://localhost:5173/reset-password')}`;

    const response = await fetch(link, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('http://localhost:5173/reset-password');
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get('type')).toBe('recovery');
    const { data } = await anonClient().auth.getUser(fragment.get('access_token')!);
    expect(data.user?.id).toBe(user.id);

    const second = await fetch(link, { redirect: 'manual' });
    expect(new URLSearchParams(new URL(second.headers.get('location')!).hash.slice(1)).get('error_code')).toBe('otp_expired');
  });
});

describe('users written by SQL, as seeds write them', () => {
  /** Inserts a confirmed user the way seed files do, with pgcrypto's bcrypt. */
  async function seedUser(tokenColumns: string) {
    const email = uniqueEmail('seeded');
    const [row] = await sql(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
         raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
         confirmation_token, recovery_token, email_change_token_new, email_change)
       values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', $1,
         extensions.crypt($2, extensions.gen_salt('bf')), now(), '{"provider":"email","providers":["email"]}', '{}',
         now(), now(), ${tokenColumns})
       returning id`,
      [email, PASSWORD],
    );
    return { email, id: row!.id as string };
  }

  it("sign in with pgcrypto's bcrypt hashes", async () => {
    const { email, id } = await seedUser(`'', '', '', ''`);
    const { data, error } = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(id);
    expect(data.user?.identities).toEqual([]);
  });

  it('fail like GoTrue when a seed leaves NULL in the token columns', async () => {
    const { email } = await seedUser('null, null, null, null');
    const { error } = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(error?.status).toBe(500);
    expect(error?.message).toBe('Database error querying schema');
  });
});

describe('admin users API', () => {
  it('creates, reads, updates and deletes users with the service role', async () => {
    const admin = serviceClient().auth.admin;
    const email = uniqueEmail('admin-made');
    const created = await admin.createUser({
      email, password: PASSWORD, email_confirm: true, user_metadata: { full_name: 'Made By Admin' }, app_metadata: { tier: 'staff' },
    });
    expect(created.error).toBeNull();
    const id = created.data.user!.id;
    expect(created.data.user).toMatchObject({ email, user_metadata: { full_name: 'Made By Admin' } });
    expect(created.data.user?.app_metadata).toEqual({ provider: 'email', providers: ['email'], tier: 'staff' });
    expect(created.data.user?.email_confirmed_at).toBeTruthy();
    expect((await anonClient().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();

    const duplicate = await admin.createUser({ email, password: PASSWORD });
    expect(duplicate.error?.status).toBe(422);
    expect(duplicate.error?.code).toBe('email_exists');

    const fetched = await admin.getUserById(id);
    expect(fetched.data.user?.id).toBe(id);
    const updated = await admin.updateUserById(id, { user_metadata: { full_name: 'Renamed' } });
    expect(updated.data.user?.user_metadata.full_name).toBe('Renamed');
    const newEmail = uniqueEmail('admin-renamed');
    const moved = await admin.updateUserById(id, { email: newEmail });
    expect(moved.error).toBeNull();
    expect(moved.data.user?.email).toBe(newEmail);
    expect(await sql(`select email from auth.identities where user_id = $1`, [id])).toEqual([{ email: newEmail }]);

    expect((await admin.deleteUser(id)).error).toBeNull();
    const gone = await admin.getUserById(id);
    expect(gone.error?.status).toBe(404);
    expect(gone.error?.code).toBe('user_not_found');
    expect(await sql(`select 1 from auth.users where id = $1`, [id])).toEqual([]);
  });

  it('creates unconfirmed users that cannot sign in yet', async () => {
    const email = uniqueEmail('unconfirmed');
    const created = await serviceClient().auth.admin.createUser({ email, password: PASSWORD });
    expect(created.data.user?.email_confirmed_at).toBeUndefined();
    const signIn = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(signIn.error?.code).toBe('email_not_confirmed');
  });

  it('lists users page by page, newest first, with X-Total-Count and Link headers', async () => {
    // A marker only these users carry, so users made by tests running alongside do not shift the counts.
    const marker = `paging${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await signUp(`${marker}-${n}@example.test`)).user.id);

    const response = await fetch(`${stack.apiUrl}/auth/v1/admin/users?page=1&per_page=2&filter=${marker}`, {
      headers: { apikey: stack.serviceRoleKey, authorization: `Bearer ${stack.serviceRoleKey}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-total-count')).toBe('3');
    expect(response.headers.get('link')).toBe(
      `</admin/users?filter=${marker}&page=2&per_page=2>; rel="next", </admin/users?filter=${marker}&page=2&per_page=2>; rel="last"`,
    );
    const body = await response.json();
    expect(body.aud).toBe('authenticated');
    expect(body.users.map((user: { id: string }) => user.id)).toEqual([ids[2], ids[1]]);

    const { data, error } = await serviceClient().auth.admin.listUsers({ page: 2, perPage: 1 });
    expect(error).toBeNull();
    if (!('total' in data)) throw new Error('listUsers returned no pagination');
    expect(data.users).toHaveLength(1);
    expect(data.total).toBeGreaterThanOrEqual(3);
    expect(data.nextPage).toBe(3);
  });

  it('refuses a user JWT and the anon key with 403 not_admin', async () => {
    const { session } = await signUp();
    const asUser = await authFetch('/admin/users', { token: session.access_token });
    expect(asUser.status).toBe(403);
    expect(await asUser.json()).toEqual({ code: 'not_admin', message: 'User not allowed' });
    const asAnon = await anonClient().auth.admin.listUsers();
    expect(asAnon.error?.status).toBe(403);
    expect(asAnon.error?.code).toBe('not_admin');
  });
});
