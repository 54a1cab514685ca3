/**
 * Edge Functions through the gateway, called the way the app calls them (`functions.invoke`), against
 * the suite's fixture functions (fixtures/functions/; `public-echo` has verify_jwt = false).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createClient, FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../core/jwt.ts';
import type { RunningStack } from '../stack.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { anonClient, signedInClient, stack } from './helpers.ts';

interface Echo {
  method: string;
  pathname: string;
  search: string;
  query: Record<string, string>;
  body: string;
  contentType: string | null;
  apikey: boolean;
  custom: string | null;
  forwardedFor: string | null;
  realIp: string | null;
  user: { id: string; email?: string } | null;
  userError: string | null;
  env: Record<string, string | null>;
}

const functionsUrl = (path: string) => `${stack.apiUrl}/functions/v1/${path}`;
const sha256 = (value: string) => `sha256:${createHash('sha256').update(value).digest('hex')}`;

/** The status and body of a failed invoke: supabase-js hands back the Response as `error.context`. */
async function failure(result: { error: unknown }): Promise<{ status: number; body: unknown }> {
  expect(result.error, 'the invoke should have failed').toBeInstanceOf(FunctionsHttpError);
  const response = (result.error as FunctionsHttpError).context as Response;
  return { status: response.status, body: await response.json() };
}

async function invokeEcho(client: SupabaseClient, name = 'echo', options = {}): Promise<Echo> {
  const { data, error } = await client.functions.invoke<Echo>(name, options);
  expect(error).toBeNull();
  return data!;
}

describe('functions: invocation', () => {
  it("runs with the caller's JWT, so the function sees the signed-in user", async () => {
    const { client, userId, email } = await signedInClient();
    const echo = await invokeEcho(client, 'echo', { body: { hello: 'world' }, headers: { 'x-conformance': 'kept' } });
    expect(echo.user).toEqual({ id: userId, email });
    expect(echo.method).toBe('POST');
    expect(echo.pathname, 'Kong strips /functions/v1').toBe('/echo');
    expect(JSON.parse(echo.body)).toEqual({ hello: 'world' });
    expect(echo.contentType).toBe('application/json');
    expect(echo.custom, 'custom headers reach the function').toBe('kept');
    expect(echo.apikey).toBe(true);
  });

  it('runs for the anon key too, where getUser finds no user', async () => {
    const echo = await invokeEcho(anonClient());
    expect(echo.user).toBeNull();
    expect(echo.userError).not.toBeNull();
  });

  it('accepts a publishable key, which supabase-js does not send as a Bearer token', async () => {
    const client = createClient(stack.apiUrl, stack.publishableKey, { auth: { persistSession: false } });
    const echo = await invokeEcho(client, 'echo', { body: 'plain text' });
    expect(echo.body).toBe('plain text');
    expect(echo.contentType).toBe('text/plain');
  });

  it('keeps the sub-path and the query string', async () => {
    const echo = await invokeEcho(anonClient(), 'echo/sub/path?x=1&y=two%20words', { method: 'GET' });
    expect(echo.method).toBe('GET');
    expect(echo.pathname).toBe('/echo/sub/path');
    expect(echo.search).toBe('?x=1&y=two%20words');
    expect(echo.query).toEqual({ x: '1', y: 'two words' });
  });

  it('serves the `export default { fetch }` style as well as Deno.serve', async () => {
    const { data, error } = await anonClient().functions.invoke('default-export/a');
    expect(error).toBeNull();
    expect(data).toEqual({ style: 'default-export', pathname: '/default-export/a' });
  });
});

describe('functions: verify_jwt', () => {
  it('refuses a request without Authorization', async () => {
    const response = await fetch(functionsUrl('echo'), { method: 'POST' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ msg: 'Error: Missing authorization header' });
  });

  it('refuses a token signed with another secret, and an expired one', async () => {
    const forged = await signJwt(
      { role: 'authenticated', sub: crypto.randomUUID(), exp: Math.floor(Date.now() / 1000) + 3600 },
      'not-the-stack-secret-but-long-enough-to-be-hs256',
    );
    const expired = await signJwt({ role: 'anon', exp: Math.floor(Date.now() / 1000) - 3600 }, stack.jwtSecret);
    for (const [label, token] of [['forged', forged], ['expired', expired]] as const) {
      const client = createClient(stack.apiUrl, stack.anonKey, {
        auth: { persistSession: false },
        global: { headers: { Authorization: `Bearer ${token}` } },
      });
      const result = await client.functions.invoke('echo');
      expect(await failure(result), label).toEqual({ status: 401, body: { msg: 'Invalid JWT' } });
    }
  });

  it('lets a verify_jwt = false function be called with no key or token at all (webhooks)', async () => {
    const response = await fetch(functionsUrl('public-echo/hook'), { method: 'POST', body: 'payload' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      method: 'POST', pathname: '/public-echo/hook', authorization: null, body: 'payload',
    });
  });

  it('answers a CORS preflight without a token', async () => {
    const response = await fetch(functionsUrl('echo'), {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, apikey, content-type, x-client-info',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const header of ['authorization', 'apikey', 'content-type', 'x-client-info']) expect(allowed, header).toContain(header);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });
});

describe('functions: environment', () => {
  it('gives functions the Supabase variables, the stack env, and nothing hosted-only', async () => {
    const echo = await invokeEcho(anonClient());
    expect(echo.env.SUPABASE_URL, 'the gateway, as supabase start gives').toBe(stack.apiUrl);
    expect(echo.env.SUPABASE_ANON_KEY).toBe(sha256(stack.anonKey));
    expect(echo.env.SUPABASE_SERVICE_ROLE_KEY).toBe(sha256(stack.serviceRoleKey));
    expect(echo.env.SUPABASE_DB_URL).toBe(sha256(stack.dbUrl));
    expect(echo.env.SUPABASE_PUBLISHABLE_KEYS).toBe(sha256(JSON.stringify({ default: stack.publishableKey })));
    expect(echo.env.SUPABASE_SECRET_KEYS).toBe(sha256(JSON.stringify({ default: stack.secretKey })));
    expect(echo.env.CONFORMANCE_MARKER, 'functionsEnv from global-setup').toBe('present');
    expect(echo.env.SB_REGION).toBeNull();
    expect(echo.env.SB_EXECUTION_ID).toBeNull();
    expect(echo.env.DENO_DEPLOYMENT_ID).toBeNull();
  });

  it('does not put secrets in the response', async () => {
    const response = await fetch(functionsUrl('echo'), { headers: { authorization: `Bearer ${stack.anonKey}` } });
    const text = await response.text();
    expect(response.status).toBe(200);
    for (const secret of [stack.serviceRoleKey, stack.secretKey, stack.dbUrl, stack.jwtSecret]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('functions: the client address', () => {
  /** The echo fixture called with the anon key and the given headers, as any HTTP client can send them. */
  async function echoWith(apiUrl: string, anonKey: string, headers: Record<string, string>): Promise<Echo> {
    const response = await fetch(`${apiUrl}/functions/v1/echo`, {
      method: 'POST',
      headers: { apikey: anonKey, authorization: `Bearer ${anonKey}`, ...headers },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Echo;
  }

  it('tells the function the peer address, not the X-Forwarded-For or X-Real-IP a client wrote', async () => {
    const echo = await echoWith(stack.apiUrl, stack.anonKey, { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.8' });
    expect(echo.forwardedFor).toBe('127.0.0.1');
    expect(echo.realIp).toBe('127.0.0.1');
    const plain = await echoWith(stack.apiUrl, stack.anonKey, {});
    expect(plain.forwardedFor, 'also when the client sent none').toBe('127.0.0.1');
  });

  describe('behind a trusted proxy', () => {
    let proxied: RunningStack;

    beforeAll(async () => {
      proxied = await startThrowawayStack({
        label: 'functions-proxy',
        supabaseDir: stack.supabaseDir,
        functionsDir: join(import.meta.dirname, 'fixtures', 'functions'),
        // This test's own requests come from 127.0.0.1: they play the proxy.
        trustedProxies: ['127.0.0.1'],
      });
    });

    afterAll(async () => {
      await proxied?.stop();
    });

    it('tells the function the client the proxy reported, not what the client prepended', async () => {
      // The client wrote 198.51.100.1 itself; the proxy appended the address it saw, 203.0.113.7.
      const echo = await echoWith(proxied.apiUrl, proxied.keys.anonKey, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' });
      expect(echo.forwardedFor).toBe('203.0.113.7');
      expect(echo.realIp).toBe('203.0.113.7');
    });
  });
});

describe('functions: failures', () => {
  it('answers 404 for a function that does not exist, and for _shared', async () => {
    for (const name of ['no-such-function', '_shared']) {
      const result = await anonClient().functions.invoke(name);
      expect(await failure(result), name).toEqual({
        status: 404, body: { code: 'NOT_FOUND', message: 'Requested function was not found' },
      });
    }
  });

  it('turns a thrown error into a 500 and keeps serving', async () => {
    const result = await anonClient().functions.invoke('throws');
    const { status, body } = await failure(result);
    expect(status).toBe(500);
    expect((body as { code: string }).code).toBe('WORKER_ERROR');
    const echo = await invokeEcho(anonClient());
    expect(echo.pathname, 'another function still answers').toBe('/echo');
    expect((await failure(await anonClient().functions.invoke('throws'))).status, 'and so does this one').toBe(500);
  });

  it('survives a rejection and a timer throw after the response, keeping the worker', async () => {
    const client = anonClient();
    const first = await client.functions.invoke<{ served: number }>('rejects-later');
    expect(first.error).toBeNull();
    // The rejection fires 10–20 ms after the answer; a worker that died of it would count from 1 again.
    await expect
      .poll(async () => (await client.functions.invoke<{ served: number }>('rejects-later')).data?.served, { interval: 50 })
      .toBeGreaterThan(first.data!.served + 1);
  });

  it('answers 503 BOOT_ERROR for a function that cannot be imported, each time', async () => {
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const result = await anonClient().functions.invoke('broken-import');
      expect(await failure(result), `attempt ${attempt}`).toEqual({
        status: 503, body: { code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' },
      });
    }
  });
});
