/**
 * Anonymous sign-ins (`[auth] enable_anonymous_sign_ins`), turning an anonymous user into a permanent
 * one by adding an e-mail address, and identity linking (`[auth] enable_manual_linking`), as Supabase
 * Auth answers them through supabase-js.
 */
import { createHash } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../stack.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { anonClient, signedInClient, sql, stack as shared, uniqueEmail } from './helpers.ts';

const PASSWORD = 'correct-horse-battery';
const noPersistence = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false };

interface OwnStack {
  running: RunningStack;
  db: pg.Pool;
  client(): SupabaseClient;
}

async function ownStack(auth: Record<string, unknown>): Promise<OwnStack> {
  const running = await startThrowawayStack({ label: 'anonymous', supabaseDir: shared.supabaseDir, configOverlay: { auth } });
  return {
    running,
    db: new pg.Pool({ connectionString: running.dbUrl, max: 2 }),
    client: () => createClient(running.apiUrl, running.keys.anonKey, { auth: noPersistence }),
  };
}

async function stopOwn(own: OwnStack | undefined) {
  await own?.db.end();
  await own?.running.stop();
}

describe('anonymous sign-ins turned off (the project\'s setting)', () => {
  it('answer 422 anonymous_provider_disabled and create nothing', async () => {
    const before = await sql<{ n: number }>(`select count(*)::int as n from auth.users where is_anonymous`);
    const { data, error } = await anonClient().auth.signInAnonymously();
    expect(data.session).toBeNull();
    expect(error).toMatchObject({ status: 422, code: 'anonymous_provider_disabled', message: 'Anonymous sign-ins are disabled' });
    expect(await sql(`select count(*)::int as n from auth.users where is_anonymous`)).toEqual(before);
    const settings = await (await fetch(`${shared.apiUrl}/auth/v1/settings`, { headers: { apikey: shared.anonKey } })).json();
    expect(settings.external.anonymous_users).toBe(false);
  });
});

describe('anonymous sign-ins', () => {
  let own: OwnStack;
  beforeAll(async () => {
    own = await ownStack({ enable_anonymous_sign_ins: true, email: { enable_confirmations: true } });
  });
  afterAll(() => stopOwn(own));

  it('make a user with no address or identity, signed in with is_anonymous and amr anonymous', async () => {
    const { data, error } = await own.client().auth.signInAnonymously({ options: { data: { theme: 'dark' } } });
    expect(error).toBeNull();
    const { user, session } = data;
    expect(user).toMatchObject({
      aud: 'authenticated',
      role: 'authenticated',
      email: '',
      phone: '',
      app_metadata: {},
      user_metadata: { theme: 'dark' },
      identities: [],
      is_anonymous: true,
    });
    const claims = decodeJwt(session!.access_token);
    expect(claims).toMatchObject({ role: 'authenticated', is_anonymous: true, aal: 'aal1', email: '', sub: user!.id });
    expect((claims.amr as { method: string }[]).map((m) => m.method)).toEqual(['anonymous']);
    const rows = await own.db.query(`select email, is_anonymous, encrypted_password from auth.users where id = $1`, [user!.id]);
    expect(rows.rows).toEqual([{ email: null, is_anonymous: true, encrypted_password: '' }]);
    const settings = await (await fetch(`${own.running.apiUrl}/auth/v1/settings`, { headers: { apikey: own.running.keys.anonKey } })).json();
    expect(settings.external.anonymous_users).toBe(true);
  });

  it('refuse a password without an address, then link an address through its confirmation link', async () => {
    const client = own.client();
    const { data } = await client.auth.signInAnonymously();
    await client.auth.setSession(data.session!);
    const id = data.user!.id;

    const passwordOnly = await client.auth.updateUser({ password: PASSWORD });
    expect(passwordOnly.error).toMatchObject({
      status: 422,
      code: 'validation_failed',
      message: 'Updating password of an anonymous user without an email or phone is not allowed',
    });

    const email = uniqueEmail('anon-link');
    const pending = await client.auth.updateUser({ email, password: PASSWORD });
    expect(pending.error).toBeNull();
    // With confirmations on, the address waits for its link; the user stays anonymous until then.
    expect(pending.data.user).toMatchObject({ email: '', new_email: email, is_anonymous: true });

    // The mailed code, planted as GoTrue stores it, stands in for reading the mail.
    const code = '246810';
    await own.db.query(`update auth.users set email_change_token_new = $2 where id = $1`, [
      id,
      createHash('sha224').update(email + code).digest('hex'),
    ]);
    const verified = await client.auth.verifyOtp({ type: 'email_change', email, token: code });
    expect(verified.error).toBeNull();
    const { data: linked } = await client.auth.getUser();
    expect(linked.user).toMatchObject({ id, email, is_anonymous: false, app_metadata: { provider: 'email', providers: ['email'] } });
    expect(linked.user!.identities).toEqual([
      expect.objectContaining({ provider: 'email', id, identity_data: expect.objectContaining({ email, email_verified: true }) }),
    ]);
    const refreshed = await client.auth.refreshSession();
    expect(decodeJwt(refreshed.data.session!.access_token).is_anonymous).toBe(false);
    // The user signs in with the address and the password set while anonymous.
    const signIn = await own.client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(signIn.error).toBeNull();
    expect(signIn.data.user!.id).toBe(id);
  });

  it('are limited to [auth.rate_limit] anonymous_users an hour per client', async () => {
    const limited = await ownStack({ enable_anonymous_sign_ins: true, rate_limit: { anonymous_users: 2 } });
    try {
      for (let i = 0; i < 2; i += 1) expect((await limited.client().auth.signInAnonymously()).error).toBeNull();
      const third = await limited.client().auth.signInAnonymously();
      expect(third.error).toMatchObject({ status: 429, code: 'over_request_rate_limit' });
      // E-mail sign-ups have their own allowance.
      const signUp = await limited.client().auth.signUp({ email: uniqueEmail('anon-limit'), password: PASSWORD });
      expect(signUp.error).toBeNull();
    } finally {
      await stopOwn(limited);
    }
  });
});

describe('anonymous users adding an address without confirmations', () => {
  let own: OwnStack;
  beforeAll(async () => {
    own = await ownStack({ enable_anonymous_sign_ins: true, enable_manual_linking: true, email: { enable_confirmations: false } });
  });
  afterAll(() => stopOwn(own));

  it('become permanent at once, as a sign-up would', async () => {
    const client = own.client();
    const { data } = await client.auth.signInAnonymously();
    await client.auth.setSession(data.session!);
    const email = uniqueEmail('anon-auto');
    const updated = await client.auth.updateUser({ email });
    expect(updated.error).toBeNull();
    expect(updated.data.user).toMatchObject({ email, is_anonymous: false });
    expect(updated.data.user!.email_confirmed_at).toBeTruthy();
    expect(updated.data.user!.identities!.map((identity) => identity.provider)).toEqual(['email']);
    // Taken addresses are refused as for anyone.
    const other = own.client();
    const second = await other.auth.signInAnonymously();
    await other.auth.setSession(second.data.session!);
    const taken = await other.auth.updateUser({ email });
    expect(taken.error).toMatchObject({ status: 422, code: 'email_exists' });
  });

  it('link and unlink identities as GoTrue answers with no OAuth provider configured', async () => {
    const email = uniqueEmail('linking');
    const client = own.client();
    const { data } = await client.auth.signUp({ email, password: PASSWORD });
    await client.auth.setSession(data.session!);
    const userId = data.user!.id;

    const link = await client.auth.linkIdentity({ provider: 'github', options: { skipBrowserRedirect: true } });
    expect(link.error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Unsupported provider: provider is not enabled' });

    const [emailIdentity] = (await client.auth.getUserIdentities()).data!.identities;
    const single = await client.auth.unlinkIdentity(emailIdentity!);
    expect(single.error).toMatchObject({ status: 422, code: 'single_identity_not_deletable', message: 'User must have at least 1 identity after unlinking' });

    // A second identity, as an OAuth sign-in would have linked it.
    await own.db.query(
      `insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
       values ('gh-1', $1, '{"sub": "gh-1"}', 'github', now(), now())`,
      [userId],
    );
    await own.db.query(`update auth.users set raw_app_meta_data = '{"provider": "email", "providers": ["email", "github"]}' where id = $1`, [userId]);
    const identities = (await client.auth.getUserIdentities()).data!.identities;
    const github = identities.find((identity) => identity.provider === 'github')!;
    const unknown = await client.auth.unlinkIdentity({ ...github, identity_id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.error).toMatchObject({ status: 422, code: 'identity_not_found', message: "Identity doesn't exist" });
    const unlinked = await client.auth.unlinkIdentity(github);
    expect(unlinked.error).toBeNull();
    const { data: after } = await client.auth.getUser();
    expect(after.user!.identities!.map((identity) => identity.provider)).toEqual(['email']);
    expect(after.user!.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
    expect(after.user!.email).toBe(email);
  });
});

describe('identity linking turned off (the project\'s setting)', () => {
  it('answers 404 manual_linking_disabled, and OAuth sign-in names the provider as not enabled', async () => {
    const { client } = await signedInClient();
    const link = await client.auth.linkIdentity({ provider: 'google', options: { skipBrowserRedirect: true } });
    expect(link.error).toMatchObject({ status: 404, code: 'manual_linking_disabled', message: 'Manual linking is disabled' });
    const [identity] = (await client.auth.getUserIdentities()).data!.identities;
    const unlink = await client.auth.unlinkIdentity(identity!);
    expect(unlink.error).toMatchObject({ status: 404, code: 'manual_linking_disabled' });

    const headers = { apikey: shared.anonKey, 'x-supabase-api-version': '2024-01-01' };
    const oauth = await fetch(`${shared.apiUrl}/auth/v1/authorize?provider=github`, { headers, redirect: 'manual' });
    expect(oauth.status).toBe(400);
    expect(await oauth.json()).toEqual({ code: 'validation_failed', message: 'Unsupported provider: provider is not enabled' });
    const unknown = await fetch(`${shared.apiUrl}/auth/v1/authorize?provider=myspace`, { headers, redirect: 'manual' });
    expect(await unknown.json()).toEqual({ code: 'validation_failed', message: 'Unsupported provider: Provider myspace could not be found' });
  });
});
