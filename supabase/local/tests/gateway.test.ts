/** The gateway's own behaviour: apikey, key mapping, CORS, body limits, services not provided. */
import { describe, expect, it } from 'vitest';
import { anonClient, stack } from './helpers.ts';

const rest = (path: string, init: RequestInit = {}) => fetch(`${stack.apiUrl}/rest/v1${path}`, init);

describe('gateway', () => {
  it('refuses requests without an apikey like Kong', async () => {
    const response = await rest('/');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      message: 'No API key found in request',
      hint: 'No `apikey` request header or url param was found.',
    });
  });

  it('refuses an unknown apikey', async () => {
    const response = await rest('/', { headers: { apikey: 'not-a-key' } });
    expect(response.status).toBe(401);
    expect((await response.json()).message).toBe('Invalid API key');
  });

  it('accepts the apikey as a query parameter', async () => {
    const response = await fetch(`${stack.apiUrl}/auth/v1/settings?apikey=${stack.anonKey}`);
    expect(response.status).toBe(200);
  });

  it('answers health without a key', async () => {
    const response = await fetch(`${stack.apiUrl}/auth/v1/health`);
    expect(response.status).toBe(200);
  });

  it('answers CORS preflights, echoing the requested headers', async () => {
    const requested = 'authorization, apikey, content-type, x-client-info, prefer, x-custom-thing';
    const response = await rest('/anything', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PATCH', 'access-control-request-headers': requested },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toBe(requested);
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
  });

  it('exposes the headers supabase-js reads in a browser', async () => {
    const response = await fetch(`${stack.apiUrl}/auth/v1/settings`, { headers: { apikey: stack.anonKey } });
    const exposed = (response.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    for (const header of ['content-range', 'x-supabase-api-version', 'x-total-count', 'location', 'range-unit']) {
      expect(exposed, header).toContain(header);
    }
  });

  it('maps the publishable and secret keys to the anon and service_role JWTs', async () => {
    const asPublishable = await fetch(`${stack.apiUrl}/auth/v1/admin/users`, { headers: { apikey: stack.publishableKey } });
    expect(asPublishable.status).toBe(403);
    const asSecret = await fetch(`${stack.apiUrl}/auth/v1/admin/users`, { headers: { apikey: stack.secretKey } });
    expect(asSecret.status).toBe(200);
  });

  it('answers 413 to an oversized body and keeps serving', async () => {
    const response = await rest('/rpc/anything', {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ blob: 'x'.repeat(9 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).message).toMatch(/too large/);
    const health = await fetch(`${stack.apiUrl}/auth/v1/health`);
    expect(health.status).toBe(200);
  });

  it('routes realtime\'s REST broadcast to the realtime service, behind the apikey check', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${stack.apiUrl}/realtime/v1/api/broadcast`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"messages":[]}' });
    expect((await post({})).status).toBe(401);
    const empty = await post({ apikey: stack.anonKey });
    expect(empty.status).toBe(422);
    expect(await empty.json()).toEqual({ errors: { messages: ["can't be blank"] } });
    const elsewhere = await fetch(`${stack.apiUrl}/realtime/v1/api/nothing`, { headers: { apikey: stack.anonKey } });
    expect(elsewhere.status).toBe(404);
  });

  it('routes storage to the storage service, behind the apikey check', async () => {
    const { data, error } = await anonClient().storage.listBuckets();
    expect(error).toBeNull();
    expect(Array.isArray(data)).toBe(true);
    const response = await fetch(`${stack.apiUrl}/storage/v1/bucket`);
    expect(response.status).toBe(401);
    expect((await response.json()).message).toBe('No API key found in request');
  });

  it('answers unknown routes with 404', async () => {
    const response = await fetch(`${stack.apiUrl}/graphql/v2`, { headers: { apikey: stack.anonKey } });
    expect(response.status).toBe(404);
  });
});
