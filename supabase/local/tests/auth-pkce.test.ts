/**
 * GoTrue's PKCE flow for the e-mail links, through supabase-js with `flowType: 'pkce'` (its code
 * verifier kept in an in-memory storage adapter between the request and the exchange) and raw HTTP where
 * the client hides the wire: sign-up confirmation, magic link, password recovery and e-mail change links
 * redirect with `?code=`, which `exchangeCodeForSession` trades for a session once, and only with the
 * verifier; the flow states in `auth.flow_state`; GoTrue's errors for bad parameters and codes.
 */
import { createHash } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../stack.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { stack as project, uniqueEmail } from './helpers.ts';
import { firstLink, latestMail } from './mailpit.ts';

const PASSWORD = 'correct-horse-battery';
const SITE = 'http://localhost:5173';
const STORAGE_KEY = 'pkce-test';
const noPersistence = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };
const sha224 = (text: string) => createHash('sha224').update(text).digest('hex');
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

let running: RunningStack;
let db: pg.Pool;
let mailUrl: string;

beforeAll(async () => {
  running = await startThrowawayStack({
    label: 'auth-pkce',
    supabaseDir: project.supabaseDir,
    configOverlay: {
      auth: {
        rate_limit: { sign_in_sign_ups: 200, token_verifications: 200, token_refresh: 200 },
        email: { enable_confirmations: true, double_confirm_changes: true, max_frequency: '1s' },
      },
    },
  });
  db = new pg.Pool({ connectionString: running.dbUrl, max: 2 });
  mailUrl = running.mailUrl!;
});
afterAll(async () => {
  await db?.end();
  await running?.stop();
});

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db.query<T>(text, values)).rows;
}

/** A browser-like client: PKCE, its verifier kept in `store` as a browser keeps it in localStorage. */
function pkceClient(): { client: SupabaseClient; store: Map<string, string> } {
  const store = new Map<string, string>();
  const client = createClient(running.apiUrl, running.keys.anonKey, {
    auth: {
      flowType: 'pkce',
      storageKey: STORAGE_KEY,
      storage: {
        getItem: (key) => store.get(key) ?? null,
        setItem: (key, value) => void store.set(key, value),
        removeItem: (key) => void store.delete(key),
      },
      persistSession: true,
      autoRefreshToken: false,
      detectSessionInUrl: false,
    },
  });
  return { client, store };
}

/** The verifier supabase-js stored for its latest flow (without the `/recovery` marker it adds). */
function storedVerifier(store: Map<string, string>): string {
  const value = store.get(`${STORAGE_KEY}-code-verifier`);
  if (!value) throw new Error('no code verifier stored');
  return JSON.parse(value).split('/')[0];
}

/** Follows a mailed link as a browser does, without following the redirect. */
async function openLink(link: string): Promise<URL> {
  const response = await fetch(link, { redirect: 'manual' });
  expect(response.status, link).toBe(303);
  return new URL(response.headers.get('location') ?? '');
}

async function confirmedUser(email = uniqueEmail('pkce')): Promise<{ email: string; id: string }> {
  const admin = createClient(running.apiUrl, running.keys.serviceRoleKey, noPersistence);
  const { data, error } = await admin.auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
  if (error || !data.user) throw new Error(`createUser failed: ${error?.message}`);
  return { email, id: data.user.id };
}

async function auth(path: string, body: unknown, token = running.keys.anonKey) {
  const response = await fetch(`${running.apiUrl}/auth/v1${path}`, {
    method: path === '/user' ? 'PUT' : 'POST',
    headers: {
      apikey: running.keys.anonKey,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-supabase-api-version': '2024-01-01',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const exchange = (authCode: unknown, codeVerifier: unknown) =>
  auth('/token?grant_type=pkce', { auth_code: authCode, code_verifier: codeVerifier });

function amrMethods(accessToken: string): string[] {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString());
  return (claims.amr as Array<{ method: string }>).map((entry) => entry.method);
}

interface FlowStateRow {
  user_id: string;
  auth_code: string;
  code_challenge: string;
  code_challenge_method: string;
  provider_type: string;
  authentication_method: string;
  auth_code_issued_at: Date | null;
}

const flowStates = (userId: string) =>
  sql<FlowStateRow>(
    `select user_id, auth_code, code_challenge, code_challenge_method::text, provider_type, authentication_method,
            auth_code_issued_at
       from auth.flow_state where user_id = $1 order by created_at`,
    [userId],
  );

describe('PKCE e-mail flows through supabase-js', () => {
  it('sign-up: the confirmation link redirects with ?code=, which exchangeCodeForSession trades once', async () => {
    const { client, store } = pkceClient();
    const email = uniqueEmail('signup');
    const { data, error } = await client.auth.signUp({ email, password: PASSWORD, options: { emailRedirectTo: `${SITE}/welcome` } });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    const userId = data.user!.id;

    const [flow] = await flowStates(userId);
    expect(flow).toMatchObject({
      code_challenge: s256(storedVerifier(store)),
      code_challenge_method: 's256',
      provider_type: 'email',
      authentication_method: 'email/signup',
      auth_code_issued_at: null,
    });
    const [user] = await sql<{ confirmation_token: string }>(`select confirmation_token from auth.users where id = $1`, [userId]);
    expect(user!.confirmation_token).toMatch(/^pkce_[0-9a-f]{56}$/);
    const link = firstLink(await latestMail(mailUrl, email));
    expect(link).toContain(`token=${user!.confirmation_token}&type=signup&`);

    const location = await openLink(link);
    expect(`${location.origin}${location.pathname}`).toBe(`${SITE}/welcome`);
    expect(location.hash).toBe('');
    const code = location.searchParams.get('code');
    expect(code).toBe(flow!.auth_code);
    // Following the link confirmed the address but signed nobody in: the code is all it gave out.
    const [confirmed] = await sql<{ email_confirmed_at: Date | null; sessions: number }>(
      `select email_confirmed_at, (select count(*)::int from auth.sessions where user_id = $1) as sessions from auth.users where id = $1`,
      [userId],
    );
    expect(confirmed!.email_confirmed_at).not.toBeNull();
    expect(confirmed!.sessions).toBe(0);

    const verifier = storedVerifier(store);
    const exchanged = await client.auth.exchangeCodeForSession(code!);
    expect(exchanged.error).toBeNull();
    expect(exchanged.data.user?.email).toBe(email);
    expect(amrMethods(exchanged.data.session!.access_token)).toEqual(['email/signup']);
    expect((await client.auth.getUser()).data.user?.id).toBe(userId);
    expect(await flowStates(userId)).toHaveLength(0);

    // The code is used up, even with the right verifier.
    expect(await exchange(code, verifier)).toEqual({
      status: 404,
      body: { code: 'flow_state_not_found', message: 'invalid flow state, no valid flow state found' },
    });
  });

  it('magic link: signInWithOtp mails a pkce_ link whose code signs the user in', async () => {
    const { email, id } = await confirmedUser();
    const { client } = pkceClient();
    expect((await client.auth.signInWithOtp({ email, options: { emailRedirectTo: `${SITE}/portal?next=%2Forders` } })).error).toBeNull();
    const [flow] = await flowStates(id);
    expect(flow).toMatchObject({ provider_type: 'magiclink', authentication_method: 'magiclink' });

    const link = firstLink(await latestMail(mailUrl, email));
    expect(link).toMatch(/token=pkce_[0-9a-f]{56}&type=magiclink&/);
    const location = await openLink(link);
    // redirect_to keeps its own query; the code joins it (keys sorted, as Go writes a query).
    expect(location.href).toBe(`${SITE}/portal?code=${flow!.auth_code}&next=%2Forders`);
    const [issued] = await flowStates(id);
    expect(issued!.auth_code_issued_at).not.toBeNull();

    const { data, error } = await client.auth.exchangeCodeForSession(location.searchParams.get('code')!);
    expect(error).toBeNull();
    expect(data.user?.id).toBe(id);
    expect(amrMethods(data.session!.access_token)).toEqual(['magiclink']);

    // The link is used up too; a PKCE client finds the error in the query, as GoTrue puts it there.
    const again = await openLink(link);
    expect(again.searchParams.get('error')).toBe('access_denied');
    expect(again.searchParams.get('error_code')).toBe('otp_expired');
    expect(again.searchParams.get('error_description')).toBe('Email link is invalid or has expired');
    expect(again.hash).toBe('#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb=');
  });

  it('magic link for a new address: the sign-up confirmation runs as PKCE', async () => {
    const email = uniqueEmail('otp-new');
    const { client } = pkceClient();
    expect((await client.auth.signInWithOtp({ email })).error).toBeNull();
    const link = firstLink(await latestMail(mailUrl, email));
    expect(link).toMatch(/token=pkce_[0-9a-f]{56}&type=signup&/);
    const { data, error } = await client.auth.exchangeCodeForSession((await openLink(link)).searchParams.get('code')!);
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
    expect(data.user?.email_confirmed_at).toBeTruthy();
  });

  it('resend of a sign-up confirmation starts a new PKCE flow, recorded as GoTrue records it', async () => {
    const email = uniqueEmail('resend');
    const first = pkceClient();
    const { data } = await first.client.auth.signUp({ email, password: PASSWORD });
    const userId = data.user!.id;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // max_frequency
    const second = pkceClient();
    expect((await second.client.auth.resend({ type: 'signup', email })).error).toBeNull();
    expect((await flowStates(userId)).map((flow) => flow.provider_type)).toEqual(['email', 'email/signup']);

    const code = (await openLink(firstLink(await latestMail(mailUrl, email, { count: 2 })))).searchParams.get('code')!;
    // The newest flow state is the one the link hands out, so only the resending client can use it.
    expect((await first.client.auth.exchangeCodeForSession(code)).error).toMatchObject({ code: 'bad_code_verifier' });
    const { data: exchanged, error } = await second.client.auth.exchangeCodeForSession(code);
    expect(error).toBeNull();
    expect(exchanged.user?.id).toBe(userId);
  });

  it('recovery: the code signs in as PASSWORD_RECOVERY, after which the password can be changed', async () => {
    const { email, id } = await confirmedUser();
    const { client } = pkceClient();
    const events: string[] = [];
    client.auth.onAuthStateChange((event) => void events.push(event));
    expect((await client.auth.resetPasswordForEmail(email, { redirectTo: `${SITE}/reset-password` })).error).toBeNull();
    expect(await flowStates(id)).toMatchObject([{ provider_type: 'recovery', authentication_method: 'recovery' }]);

    const location = await openLink(firstLink(await latestMail(mailUrl, email)));
    expect(location.pathname).toBe('/reset-password');
    const { data, error } = await client.auth.exchangeCodeForSession(location.searchParams.get('code')!);
    expect(error).toBeNull();
    // auth-js returns the marker it stored with the verifier, though its types leave it out.
    expect((data as { redirectType?: string | null }).redirectType).toBe('recovery');
    expect(events).toContain('PASSWORD_RECOVERY');
    expect(amrMethods(data.session!.access_token)).toEqual(['recovery']);

    expect((await client.auth.updateUser({ password: 'a-brand-new-password' })).error).toBeNull();
    const fresh = createClient(running.apiUrl, running.keys.anonKey, noPersistence);
    expect((await fresh.auth.signInWithPassword({ email, password: 'a-brand-new-password' })).error).toBeNull();
  });

  it('e-mail change: the first of two links answers with its message, the second with the code', async () => {
    const { email, id } = await confirmedUser();
    const target = uniqueEmail('moved');
    const { client } = pkceClient();
    expect((await client.auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
    expect((await client.auth.updateUser({ email: target }, { emailRedirectTo: `${SITE}/settings` })).error).toBeNull();
    expect(await flowStates(id)).toMatchObject([{ provider_type: 'email_change', authentication_method: 'email_change' }]);
    const [tokens] = await sql<{ email_change_token_new: string; email_change_token_current: string }>(
      `select email_change_token_new, email_change_token_current from auth.users where id = $1`,
      [id],
    );
    expect(tokens!.email_change_token_new).toMatch(/^pkce_/);
    expect(tokens!.email_change_token_current).toMatch(/^pkce_/);

    const first = await openLink(firstLink(await latestMail(mailUrl, target)));
    const message = 'Confirmation link accepted. Please proceed to confirm link sent to the other email';
    expect(first.searchParams.get('message')).toBe(message);
    expect(first.searchParams.get('code')).toBeNull();
    expect(first.hash).toBe(`#${new URLSearchParams({ message, sb: '' })}`);

    const second = await openLink(firstLink(await latestMail(mailUrl, email, { count: 1 })));
    const { data, error } = await client.auth.exchangeCodeForSession(second.searchParams.get('code')!);
    expect(error).toBeNull();
    expect(data.user?.email).toBe(target);
    expect(amrMethods(data.session!.access_token)).toEqual(['email_change']);
  });

  it('the implicit flow is unchanged beside it: no flow state, the session in the fragment', async () => {
    const { email, id } = await confirmedUser();
    const implicit = createClient(running.apiUrl, running.keys.anonKey, noPersistence);
    expect((await implicit.auth.signInWithOtp({ email })).error).toBeNull();
    expect(await flowStates(id)).toHaveLength(0);
    const link = firstLink(await latestMail(mailUrl, email));
    expect(link).not.toContain('pkce_');
    const location = await openLink(link);
    expect(location.search).toBe('');
    expect(new URLSearchParams(location.hash.slice(1)).get('access_token')).toBeTruthy();
    // A used link's error stays in the fragment only, marked as Supabase Auth's (`sb`) as GoTrue marks it.
    const again = await openLink(link);
    expect(again.search).toBe('');
    expect(again.hash).toBe('#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb=');
  });
});

describe('PKCE on the wire', () => {
  it('plain code challenges work, and a wrong verifier leaves the flow state for the right one', async () => {
    const { email, id } = await confirmedUser();
    const verifier = 'plain-verifier-'.padEnd(50, 'x');
    expect(await auth('/recover', { email, code_challenge: verifier, code_challenge_method: 'PLAIN' })).toEqual({ status: 200, body: {} });
    const [flow] = await flowStates(id);
    expect(flow!.code_challenge_method).toBe('plain');
    const code = (await openLink(firstLink(await latestMail(mailUrl, email)))).searchParams.get('code');

    expect(await exchange(code, `${verifier}y`)).toEqual({
      status: 400,
      body: { code: 'bad_code_verifier', message: 'code challenge does not match previously saved code verifier' },
    });
    const ok = await exchange(code, verifier);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'bearer', user: { id } });
    expect(ok.body.access_token).toBeTruthy();
    expect(ok.body.refresh_token).toBeTruthy();
    expect(ok.body).not.toHaveProperty('provider_token');
  });

  it('a flow state older than five minutes is expired; a magic link counts from when it was followed', async () => {
    const { email, id } = await confirmedUser();
    const verifier = 'v'.repeat(43);
    await auth('/recover', { email, code_challenge: s256(verifier), code_challenge_method: 's256' });
    const code = (await openLink(firstLink(await latestMail(mailUrl, email)))).searchParams.get('code');
    await sql(`update auth.flow_state set created_at = now() - interval '301 seconds' where user_id = $1`, [id]);
    expect(await exchange(code, verifier)).toEqual({
      status: 422,
      body: { code: 'flow_state_expired', message: 'invalid flow state, flow state has expired' },
    });

    const other = await confirmedUser();
    await auth('/otp', { email: other.email, code_challenge: s256(verifier), code_challenge_method: 's256' });
    const magic = (await openLink(firstLink(await latestMail(mailUrl, other.email)))).searchParams.get('code');
    // Requested long ago, followed just now: still good.
    await sql(`update auth.flow_state set created_at = now() - interval '1 hour' where user_id = $1`, [other.id]);
    expect((await exchange(magic, verifier)).status).toBe(200);
  });

  it('a followed link whose flow state is gone is undone and says so in the redirect', async () => {
    const { email, id } = await confirmedUser();
    await auth('/otp', { email, code_challenge: s256('w'.repeat(43)), code_challenge_method: 's256' });
    await sql(`delete from auth.flow_state where user_id = $1`, [id]);
    const link = firstLink(await latestMail(mailUrl, email));
    const location = await openLink(link);
    const description = 'No associated flow state found. 422: No valid flow state found for user.';
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_code')).toBe('flow_state_not_found');
    expect(location.searchParams.get('error_description')).toBe(description);
    // Rolled back: the token is still there to be used.
    const [user] = await sql<{ recovery_token: string }>(`select recovery_token from auth.users where id = $1`, [id]);
    expect(user!.recovery_token).toMatch(/^pkce_/);
  });

  it('an e-mail code still verifies when its flow was PKCE (GoTrue matches the pkce_ hash too)', async () => {
    const { email, id } = await confirmedUser();
    await auth('/otp', { email, code_challenge: s256('z'.repeat(43)), code_challenge_method: 's256' });
    const code = '246802';
    await sql(`update auth.users set recovery_token = $2 where id = $1`, [id, `pkce_${sha224(email + code)}`]);
    const { data, error } = await createClient(running.apiUrl, running.keys.anonKey, noPersistence).auth.verifyOtp({
      type: 'email',
      email,
      token: code,
    });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(id);
  });

  it('refuses bad exchanges and code challenges in GoTrue\'s words, changing nothing', async () => {
    const refused = (status: number, code: string, message: string) => ({ status, body: { code, message } });
    const bothNeeded = refused(400, 'validation_failed', 'invalid request: both auth code and code verifier should be non-empty');
    expect(await exchange(undefined, 'v'.repeat(43))).toEqual(bothNeeded);
    expect(await exchange('00000000-0000-0000-0000-000000000000', '')).toEqual(bothNeeded);
    expect(await exchange('00000000-0000-0000-0000-000000000000', 'v'.repeat(43))).toEqual(
      refused(404, 'flow_state_not_found', 'invalid flow state, no valid flow state found'),
    );
    expect(await exchange('not a uuid', 'v'.repeat(43))).toEqual(
      refused(404, 'flow_state_not_found', 'invalid flow state, no valid flow state found'),
    );

    const email = uniqueEmail('bad-challenge');
    const good = 'c'.repeat(43);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ code_challenge: good }, 'PKCE flow requires code_challenge_method and code_challenge'],
      [{ code_challenge_method: 's256' }, 'PKCE flow requires code_challenge_method and code_challenge'],
      [{ code_challenge: 'c'.repeat(42), code_challenge_method: 's256' }, 'code challenge has to be between 43 and 128 characters'],
      [{ code_challenge: 'c'.repeat(129), code_challenge_method: 's256' }, 'code challenge has to be between 43 and 128 characters'],
      [
        { code_challenge: `${'c'.repeat(42)}!`, code_challenge_method: 's256' },
        'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes',
      ],
      [{ code_challenge: good, code_challenge_method: 'md5' }, 'unsupported code_challenge method "md5"'],
    ];
    for (const [params, message] of cases) {
      for (const path of ['/signup', '/otp', '/recover']) {
        expect(await auth(path, { email, password: PASSWORD, ...params }), `${path} ${JSON.stringify(params)}`).toEqual(
          refused(400, 'validation_failed', message),
        );
      }
    }
    expect(await sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);
    expect(await searchFlowStates()).toBe(0);

    const { client } = pkceClient();
    const { email: signedInEmail } = await confirmedUser();
    const session = (await client.auth.signInWithPassword({ email: signedInEmail, password: PASSWORD })).data.session!;
    expect(await auth('/user', { email: uniqueEmail('never'), code_challenge: good, code_challenge_method: 'md5' }, session.access_token)).toEqual(
      refused(400, 'validation_failed', 'unsupported code_challenge method "md5"'),
    );
  });
});

/** Flow states whose challenge is one the refusals above sent: none may have been stored. */
async function searchFlowStates(): Promise<number> {
  const [row] = await sql<{ count: number }>(`select count(*)::int as count from auth.flow_state where code_challenge like 'ccc%'`);
  return row!.count;
}
