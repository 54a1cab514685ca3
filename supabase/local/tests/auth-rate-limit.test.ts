/**
 * Auth's rate limits, as GoTrue enforces them from `[auth.rate_limit]` and `[auth.email] max_frequency`,
 * and input that used to reach a 500. The limits need stacks of their own: tight limits, so a test
 * reaches them in a few requests, and a trusted proxy. Each test calls from its own loopback address
 * (127.0.0.0/8 is all local), so each starts with full buckets and the socket's peer really differs.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack as project } from './helpers.ts';
import type { TomlTable } from '../core/project-config.ts';
import type { RunningStack } from '../stack.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';

const PASSWORD = 'correct-horse-battery';
const PROXY = '127.0.0.250';

interface TestStack {
  running: RunningStack;
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

async function ownStack(configOverlay: TomlTable, trustedProxies: string[] = []): Promise<TestStack> {
  const running = await startThrowawayStack({
    label: 'rate-limit',
    supabaseDir: project.supabaseDir,
    configOverlay,
    trustedProxies,
  });
  const db = new pg.Pool({ connectionString: running.dbUrl, max: 2 });
  return {
    running,
    sql: async (text, values = []) => (await db.query(text, values)).rows,
    async stop() {
      await db.end();
      await running.stop();
    },
  };
}

/** `fetch` over a socket bound to `localAddress`, so the gateway sees that address as the peer. */
function fetchFrom(localAddress: string): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers: Object.fromEntries(request.headers),
          localAddress,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
            }
            const status = res.statusCode ?? 500;
            const content = [204, 304].includes(status) ? null : new Uint8Array(Buffer.concat(chunks));
            resolve(new Response(content, { status, headers }));
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  };
}

interface CallOptions {
  from: string;
  method?: string;
  body?: unknown;
  token?: string;
  /** Sends `X-Supabase-Api-Version` as auth-js does (the default); false for the older error body. */
  versioned?: boolean;
  headers?: Record<string, string>;
}

/** A raw call to /auth/v1 from the loopback address `from`. */
async function call(stack: TestStack, path: string, options: CallOptions) {
  const headers: Record<string, string> = { apikey: stack.running.keys.anonKey, 'content-type': 'application/json', ...options.headers };
  if (options.versioned !== false) headers['x-supabase-api-version'] = '2024-01-01';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetchFrom(options.from)(`${stack.running.apiUrl}/auth/v1${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const noPersistence = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false };

function clientFrom(stack: TestStack, from: string, key = stack.running.keys.anonKey): SupabaseClient {
  return createClient(stack.running.apiUrl, key, { auth: noPersistence, global: { fetch: fetchFrom(from) } });
}

let counter = 0;
const uniqueEmail = (label: string) => `${label}-${process.pid}-${Date.now()}-${(counter += 1)}@example.test`;

/** A confirmed user made with the admin API, which no rate limit applies to (as upstream test suites do). */
async function adminUser(stack: TestStack, metadata: Record<string, unknown> = {}) {
  const email = uniqueEmail('user');
  const { data, error } = await clientFrom(stack, '127.0.0.1', stack.running.keys.serviceRoleKey).auth.admin.createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
    user_metadata: metadata,
  });
  if (error || !data.user) throw new Error(`createUser failed: ${error?.message}`);
  return { email, id: data.user.id };
}

/** GoTrue's stored form of an e-mailed code: hex(sha224(email + code)). */
const tokenHash = (email: string, code: string) => createHash('sha224').update(email + code).digest('hex');

const RATE_LIMITED = { code: 'over_request_rate_limit', message: 'Request rate limit reached' };

describe('per-IP request limits', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await ownStack(
      {
        auth: {
          rate_limit: { sign_in_sign_ups: 4, token_verifications: 5, token_refresh: 8 },
          email: { max_frequency: '60s' },
        },
      },
      [PROXY],
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers wrong one-time codes with 429 once token_verifications is used up, even the right one', async () => {
    const { email, id } = await adminUser(stack);
    await stack.sql(`update auth.users set recovery_token = $2, recovery_sent_at = now() where id = $1`, [id, tokenHash(email, '271828')]);
    const attacker = '127.0.0.11';
    for (let guess = 0; guess < 5; guess += 1) {
      const wrong = await call(stack, '/verify', { from: attacker, body: { type: 'recovery', email, token: String(100000 + guess) } });
      expect(wrong.status, `guess ${guess}`).toBe(403);
      expect(wrong.body.code).toBe('otp_expired');
    }
    const limited = await call(stack, '/verify', { from: attacker, body: { type: 'recovery', email, token: '271828' } });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual(RATE_LIMITED);
    expect(limited.headers.get('x-sb-error-code')).toBe('over_request_rate_limit');
    const unversioned = await call(stack, '/verify', { from: attacker, versioned: false, body: { type: 'recovery', email, token: '271828' } });
    expect(unversioned.body).toEqual({ code: 429, error_code: 'over_request_rate_limit', msg: 'Request rate limit reached' });
    // The e-mail link (GET) shares the allowance, and answers JSON rather than redirecting.
    const link = await call(stack, `/verify?type=recovery&token=${tokenHash(email, '271828')}`, { from: attacker });
    expect(link.status).toBe(429);

    // The limit is the attacker's: the owner, elsewhere, still verifies the code, which was not used up.
    const owner = await clientFrom(stack, '127.0.0.12').auth.verifyOtp({ type: 'recovery', email, token: '271828' });
    expect(owner.error).toBeNull();
    expect(owner.data.user?.id).toBe(id);
  });

  it('never verifies a code again once it was used, nor after it expired', async () => {
    const { email, id } = await adminUser(stack);
    const client = clientFrom(stack, '127.0.0.13');
    await stack.sql(`update auth.users set recovery_token = $2, recovery_sent_at = now() where id = $1`, [id, tokenHash(email, '314159')]);
    expect((await client.auth.verifyOtp({ type: 'recovery', email, token: '314159' })).error).toBeNull();
    const reused = await client.auth.verifyOtp({ type: 'recovery', email, token: '314159' });
    expect(reused.error?.status).toBe(403);
    expect(reused.error?.code).toBe('otp_expired');

    // Sent more than an hour ago (`otp_expiry`): refused by code and by link alike.
    const stale = tokenHash(email, '161803');
    await stack.sql(`update auth.users set recovery_token = $2, recovery_sent_at = now() - interval '61 minutes' where id = $1`, [id, stale]);
    const expired = await client.auth.verifyOtp({ type: 'recovery', email, token: '161803' });
    expect(expired.error?.code).toBe('otp_expired');
    const expiredLink = await client.auth.verifyOtp({ type: 'recovery', token_hash: stale });
    expect(expiredLink.error?.code).toBe('otp_expired');
    const [row] = await stack.sql(`select recovery_token from auth.users where id = $1`, [id]);
    expect(row!.recovery_token).toBe(stale);
  });

  it('slows password spraying across many addresses from one client', async () => {
    const sprayer = '127.0.0.14';
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const wrong = await call(stack, '/token?grant_type=password', { from: sprayer, body: { email: uniqueEmail('spray'), password: 'guess-123' } });
      expect(wrong.status, `attempt ${attempt}`).toBe(400);
      expect(wrong.body.code).toBe('invalid_credentials');
    }
    const limited = await call(stack, '/token?grant_type=password', { from: sprayer, body: { email: uniqueEmail('spray'), password: 'guess-123' } });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual(RATE_LIMITED);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Refreshing a session is a /token request too, and so is limited alike.
    const refresh = await call(stack, '/token?grant_type=refresh_token', { from: sprayer, body: { refresh_token: 'abcdefghijkl' } });
    expect(refresh.status).toBe(429);

    const { email } = await adminUser(stack);
    const elsewhere = await clientFrom(stack, '127.0.0.15').auth.signInWithPassword({ email, password: PASSWORD });
    expect(elsewhere.error).toBeNull();
  });

  it("stops guessing one address's password from one client without locking its owner out", async () => {
    const { email } = await adminUser(stack);
    const attacker = clientFrom(stack, '127.0.0.16');
    // Failures allowed per client and address: sign_in_sign_ups (4 here), at most 30.
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const { error } = await attacker.auth.signInWithPassword({ email, password: `wrong-${attempt}` });
      expect(error?.status, `attempt ${attempt}`).toBe(400);
    }
    const blocked = await attacker.auth.signInWithPassword({ email, password: PASSWORD });
    expect(blocked.error?.status).toBe(429);
    expect(blocked.error?.code).toBe('over_request_rate_limit');

    const owner = await clientFrom(stack, '127.0.0.17').auth.signInWithPassword({ email, password: PASSWORD });
    expect(owner.error).toBeNull();
    expect(owner.data.session?.access_token).toBeTruthy();
  });

  it('limits sign-ups, recovery e-mails and user updates per client (sign_in_sign_ups)', async () => {
    const client = '127.0.0.18';
    const { email: existing } = await adminUser(stack);
    const session = await call(stack, '/token?grant_type=password', { from: client, body: { email: existing, password: PASSWORD } });
    expect(session.status).toBe(200);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const signedUp = await call(stack, '/signup', { from: client, body: { email: uniqueEmail('signup'), password: PASSWORD } });
      expect(signedUp.status, `sign-up ${attempt}`).toBe(200);
    }
    const email = uniqueEmail('signup');
    const limited = await call(stack, '/signup', { from: client, body: { email, password: PASSWORD } });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual(RATE_LIMITED);
    expect(await stack.sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);
    // /recover counts against the same allowance.
    const recover = await call(stack, '/recover', { from: client, body: { email: uniqueEmail('nobody') } });
    expect(recover.status).toBe(429);
    expect(recover.body).toEqual(RATE_LIMITED);
    // So does PUT /user, once the caller is known to be signed in.
    const update = await call(stack, '/user', { from: client, method: 'PUT', token: session.body.access_token, body: { data: { a: 1 } } });
    expect(update.status).toBe(429);
    // A caller that is not signed in is refused for that, before any limit.
    const anonymous = await call(stack, '/user', { from: client, method: 'PUT', body: { data: { a: 1 } } });
    expect(anonymous.status).toBe(403);
    expect(anonymous.body.code).toBe('bad_jwt');
  });

  it('ignores a forged X-Forwarded-For from a client that is not a trusted proxy', async () => {
    const client = '127.0.0.19';
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const sent = await call(stack, '/recover', { from: client, body: { email: uniqueEmail('nobody') }, headers: { 'x-forwarded-for': `198.51.100.${attempt}` } });
      expect(sent.status, `attempt ${attempt}`).toBe(200);
    }
    const forged = await call(stack, '/recover', { from: client, body: { email: uniqueEmail('nobody') }, headers: { 'x-forwarded-for': '198.51.100.99' } });
    expect(forged.status).toBe(429);

    // The address Auth records is the socket's, not the header's.
    const { email, id } = await adminUser(stack);
    const signedIn = await call(stack, '/token?grant_type=password', { from: '127.0.0.20', body: { email, password: PASSWORD }, headers: { 'x-forwarded-for': '198.51.100.7' } });
    expect(signedIn.status).toBe(200);
    const [session] = await stack.sql(`select host(ip) as ip from auth.sessions where user_id = $1`, [id]);
    expect(session!.ip).toBe('127.0.0.20');
  });

  it("limits a trusted proxy's clients by the address it forwards, each on its own", async () => {
    const viaProxy = (forwardedFor: string) =>
      call(stack, '/recover', { from: PROXY, body: { email: uniqueEmail('nobody') }, headers: { 'x-forwarded-for': forwardedFor } });
    for (let attempt = 0; attempt < 4; attempt += 1) expect((await viaProxy('203.0.113.7')).status).toBe(200);
    expect((await viaProxy('203.0.113.7')).status).toBe(429);
    // The client cannot get out by writing its own entry first: the proxy appends the address it saw.
    expect((await viaProxy('192.0.2.1, 203.0.113.7')).status).toBe(429);
    // Another client behind the same proxy has its own allowance.
    expect((await viaProxy('203.0.113.8')).status).toBe(200);

    const { email, id } = await adminUser(stack);
    const signedIn = await call(stack, '/token?grant_type=password', { from: PROXY, body: { email, password: PASSWORD }, headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(signedIn.status).toBe(200);
    const [session] = await stack.sql(`select host(ip) as ip from auth.sessions where user_id = $1`, [id]);
    expect(session!.ip).toBe('203.0.113.9');
  });

  it('sends one recovery e-mail per address per max_frequency, with GoTrue wording', async () => {
    const { email, id } = await adminUser(stack);
    expect((await call(stack, '/recover', { from: '127.0.0.21', body: { email } })).status).toBe(200);
    const [first] = await stack.sql(`select recovery_token from auth.users where id = $1`, [id]);

    // Another client, so only the per-address frequency can refuse it.
    const again = await call(stack, '/recover', { from: '127.0.0.22', body: { email } });
    expect(again.status).toBe(429);
    expect(again.body.code).toBe('over_email_send_rate_limit');
    expect(again.body.message).toMatch(/^For security purposes, you can only request this after 5\d seconds\.$/);
    const unversioned = await call(stack, '/recover', { from: '127.0.0.22', versioned: false, body: { email } });
    expect(unversioned.body).toMatchObject({ code: 429, error_code: 'over_email_send_rate_limit' });
    expect(unversioned.body.msg).toMatch(/^For security purposes, you can only request this after 5\d seconds\.$/);
    // The refused request changed nothing: the code already e-mailed still stands.
    const [after] = await stack.sql(`select recovery_token from auth.users where id = $1`, [id]);
    expect(after!.recovery_token).toBe(first!.recovery_token);

    // The frequency is per address: another one gets its e-mail.
    const other = await adminUser(stack);
    expect((await call(stack, '/recover', { from: '127.0.0.22', body: { email: other.email } })).status).toBe(200);
  });

  it('sends one e-mail-change link per max_frequency', async () => {
    const { email } = await adminUser(stack);
    const client = clientFrom(stack, '127.0.0.23');
    expect((await client.auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
    expect((await client.auth.updateUser({ email: uniqueEmail('new') })).error).toBeNull();
    const again = await client.auth.updateUser({ email: uniqueEmail('newer') });
    expect(again.error?.status).toBe(429);
    expect(again.error?.code).toBe('over_email_send_rate_limit');
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'refuses verification type %s with 400 validation_failed',
    async (type) => {
      const from = `127.0.1.${type.length}`;
      const posted = await call(stack, '/verify', { from, body: { type, token_hash: 'a'.repeat(56) } });
      expect(posted.status).toBe(400);
      expect(posted.body).toEqual({ code: 'validation_failed', message: 'Invalid email verification type' });
      const link = await call(stack, `/verify?type=${type}&token=${'a'.repeat(56)}`, { from });
      expect(link.status).toBe(400);
      expect(link.body.code).toBe('validation_failed');
    },
  );
});

describe('metadata Postgres cannot store', () => {
  let stack: TestStack;
  const from = '127.0.0.30';

  beforeAll(async () => {
    stack = await ownStack({});
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const admin = () => clientFrom(stack, from, stack.running.keys.serviceRoleKey);

  it.each([
    ['a NUL in a value', { note: 'a\u0000b' }, 'data.note cannot contain the NUL character (\\u0000)'],
    ['a NUL in a key', { 'a\u0000b': 1 }, 'data cannot have a key containing the NUL character (\\u0000)'],
    ['a NUL deep inside', { list: [{ deep: '\u0000' }] }, 'data.list[0].deep cannot contain the NUL character (\\u0000)'],
    ['half a surrogate pair', { note: 'x\ud800' }, 'data.note cannot contain an unpaired UTF-16 surrogate'],
  ])('refuses sign-up data with %s: 400 and no user', async (_case, data, message) => {
    const email = uniqueEmail('nul');
    const { error } = await clientFrom(stack, from).auth.signUp({ email, password: PASSWORD, options: { data } });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('validation_failed');
    expect(error?.message).toBe(message);
    expect(await stack.sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);
  });

  it('refuses metadata nested deeper than the stack parses (Postgres could not store it)', async () => {
    const levels = 25000;
    const email = uniqueEmail('deep');
    const body = `{"email": "${email}", "password": "${PASSWORD}", "data": ${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`;
    const response = await call(stack, '/signup', { from, body });
    expect(response.status).toBe(400);
    // GoTrue answers a body it cannot parse with bad_json; Go's parser stops at 10,000 levels, this stack at
    // 1,000 (supabase/local/core/json.ts), where Postgres and JSON.stringify still cope.
    expect(response.body).toEqual({ code: 'bad_json', message: 'Could not parse request body as JSON: nested more than 1000 levels deep' });
    expect(await stack.sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);
  });

  it('answers a malformed escape in an admin user path with 400, not a 500', async () => {
    const response = await call(stack, '/admin/users/%E0%A4%A', {
      from,
      token: stack.running.keys.serviceRoleKey,
      headers: { apikey: stack.running.keys.serviceRoleKey },
    });
    expect(response.status).toBe(400);
    // The gateway refuses the undecodable URL once it knows the caller, before Auth parses anything.
    expect(response.body).toMatchObject({ message: 'Bad Request: malformed percent-encoding in the URL' });
  });

  it("refuses a NUL in the user's own update and leaves the metadata as it was", async () => {
    const { email } = await adminUser(stack, { plan: 'gold' });
    const client = clientFrom(stack, from);
    expect((await client.auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
    const { error } = await client.auth.updateUser({ data: { plan: 'free\u0000' } });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('validation_failed');
    expect((await client.auth.getUser()).data.user?.user_metadata.plan).toBe('gold');
  });

  it('refuses a NUL in the admin API: metadata, app metadata and role', async () => {
    const email = uniqueEmail('admin-nul');
    for (const attributes of [
      { user_metadata: { name: '\u0000' } },
      { app_metadata: { tier: '\u0000' } },
      { role: 'authenticated\u0000' },
    ]) {
      const { error } = await admin().auth.admin.createUser({ email, password: PASSWORD, ...attributes });
      expect(error?.status, JSON.stringify(attributes)).toBe(400);
      expect(error?.code).toBe('validation_failed');
    }
    expect(await stack.sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);

    const { id } = await adminUser(stack, { plan: 'gold' });
    const { error } = await admin().auth.admin.updateUserById(id, { user_metadata: { plan: '\u0000' } });
    expect(error?.status).toBe(400);
    const [row] = await stack.sql(`select raw_user_meta_data->>'plan' as plan from auth.users where id = $1`, [id]);
    expect(row!.plan).toBe('gold');
  });

  it('stores metadata keys named like Object.prototype members as plain keys', async () => {
    const { email } = await adminUser(stack);
    const client = clientFrom(stack, from);
    expect((await client.auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
    const response = await call(stack, '/user', {
      from,
      method: 'PUT',
      token: (await client.auth.getSession()).data.session!.access_token,
      body: '{"data": {"__proto__": {"polluted": true}, "constructor": "kept"}}',
    });
    expect(response.status).toBe(200);
    expect(Object.hasOwn(response.body.user_metadata, '__proto__')).toBe(true);
    expect(response.body.user_metadata.constructor).toBe('kept');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('e-mails per hour (email_sent, with custom SMTP and confirmations on)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await ownStack({
      auth: {
        rate_limit: { email_sent: 2 },
        email: {
          enable_confirmations: true,
          max_frequency: '60s',
          smtp: { enabled: true, host: 'smtp.example.test', port: 587, user: 'mailer', pass: 'secret', admin_email: 'admin@example.test', sender_name: 'Pro Portal' },
        },
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('sends email_sent e-mails an hour for the whole project, then answers 429 over_email_send_rate_limit', async () => {
    const first = uniqueEmail('confirm');
    for (const [index, email] of [first, uniqueEmail('confirm')].entries()) {
      const sent = await call(stack, '/signup', { from: `127.0.0.4${index}`, body: { email, password: PASSWORD } });
      expect(sent.status, email).toBe(200);
    }
    // A third address, from a third client: only the project's hourly allowance is left to refuse it.
    const email = uniqueEmail('confirm');
    const refused = await call(stack, '/signup', { from: '127.0.0.43', body: { email, password: PASSWORD } });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ code: 'over_email_send_rate_limit', message: 'Email rate limit exceeded' });
    expect(await stack.sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);
    const recovery = await call(stack, '/recover', { from: '127.0.0.44', versioned: false, body: { email: first } });
    // max_frequency is checked first: the recovery_sent_at of `first` is empty, so this is the hourly limit.
    expect(recovery.body).toEqual({ code: 429, error_code: 'over_email_send_rate_limit', msg: 'Email rate limit exceeded' });

    // Signing up again before confirming asks for another confirmation e-mail: too soon for that address.
    const resent = await call(stack, '/signup', { from: '127.0.0.45', body: { email: first, password: PASSWORD } });
    expect(resent.status).toBe(429);
    expect(resent.body.code).toBe('over_email_send_rate_limit');
    expect(resent.body.message).toMatch(/^For security purposes, you can only request this after 5\d seconds\.$/);
  });
});
