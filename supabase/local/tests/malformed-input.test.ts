/**
 * Client input that used to reach a 500 (or the wrong 4xx): each case gets the 4xx PostgREST, GoTrue
 * or Kong gives, or the closest, changes nothing, and leaves the stack serving.
 */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../core/json.ts';
import { MAX_LOGIC_DEPTH } from '../rest/parse-filters.ts';
import { anonClient, sql, stack, uniqueEmail } from './helpers.ts';
import { abruptRequest, rawRequest } from './raw-http.ts';
import { rest } from './rest-helpers.ts';

const nestedArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const nestedOr = (levels: number) => `(${'or('.repeat(levels - 1)}id.eq.1${')'.repeat(levels - 1)})`;

async function expectPostgrestError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = await response.json();
  expect(Object.keys(body)).toEqual(['code', 'message', 'details', 'hint']);
  expect(body.code).toBe(code);
  return body as { code: string; message: string; details: string | null; hint: string | null };
}

describe('or= nested deeply', () => {
  it('answers 400 PGRST100 to an or= tree 3,000 levels deep', async () => {
    const body = await expectPostgrestError(await rest(`/conf_books?select=id&or=${nestedOr(3000)}`), 400, 'PGRST100');
    expect(body.details).toMatch(new RegExp(`nest more than ${MAX_LOGIC_DEPTH} levels deep`));
  });

  it(`still reads a tree ${MAX_LOGIC_DEPTH} levels deep`, async () => {
    const response = await rest(`/conf_books?select=id&or=${nestedOr(MAX_LOGIC_DEPTH)}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ id: 1 }]);
  });
});

describe('JSON bodies nested deeply', () => {
  const deep = nestedArray(5000);

  it('answers 400 PGRST102 to an insert, an RPC and a single-json RPC nested 5,000 levels, inserting nothing', async () => {
    const label = `deep-${Date.now()}`;
    const requests: Array<[string, string]> = [
      ['/conf_scratch', `{"label":"${label}","qty":${deep}}`],
      ['/conf_scratch', `[{"label":"${label}","qty":${deep}}]`],
      ['/rpc/conf_echo', `{"payload":${deep}}`],
      ['/rpc/conf_whole', deep],
    ];
    for (const [path, body] of requests) {
      const response = await rest(path, { method: 'POST', body });
      const error = await expectPostgrestError(response, 400, 'PGRST102');
      expect(error.details, path).toMatch(new RegExp(`more than ${MAX_JSON_DEPTH} levels deep`));
    }
    const patch = await rest(`/conf_scratch?label=eq.${label}`, { method: 'PATCH', body: `{"qty":${deep}}` });
    await expectPostgrestError(patch, 400, 'PGRST102');
    expect(await sql('select count(*)::int as n from public.conf_scratch where label = $1', [label])).toEqual([{ n: 0 }]);
  });

  it(`accepts JSON nested ${MAX_JSON_DEPTH} levels and echoes it whole`, async () => {
    const payload = nestedArray(MAX_JSON_DEPTH - 2);
    const response = await rest('/rpc/conf_echo', { method: 'POST', body: `{"payload":${payload}}` });
    expect(response.status).toBe(200);
    expect((await response.text()).replace(/\s/g, '')).toBe(payload);
  });

  it('answers 400 bad_json to a sign-up whose metadata nests 5,000 levels, creating no user', async () => {
    const email = uniqueEmail('deep');
    const response = await fetch(`${stack.apiUrl}/auth/v1/signup`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'content-type': 'application/json' },
      body: `{"email":"${email}","password":"correct-horse-battery","data":{"deep":${deep}}}`,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_code: 'bad_json' });
    expect(await sql('select 1 from auth.users where email = $1', [email])).toEqual([]);
  });
});

describe('NUL in auth bodies', () => {
  it('answers 400 validation_failed wherever a string in the body holds \\u0000, storing nothing', async () => {
    const email = uniqueEmail('nul');
    const requests: Array<[string, Record<string, unknown>]> = [
      ['/signup', { email, password: 'correct-horse-battery', data: { name: 'x\u0000' } }],
      ['/token?grant_type=password', { email: 'a\u0000@example.test', password: 'correct-horse-battery' }],
      ['/token?grant_type=refresh_token', { refresh_token: 'a\u0000' }],
      ['/verify', { type: 'email', token_hash: 'a\u0000' }],
    ];
    for (const [path, body] of requests) {
      const response = await fetch(`${stack.apiUrl}/auth/v1${path}`, {
        method: 'POST',
        headers: { apikey: stack.anonKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status, path).toBe(400);
      expect(await response.json(), path).toMatchObject({ error_code: 'validation_failed', msg: expect.stringContaining('NUL') });
    }
    expect(await sql('select 1 from auth.users where email = $1', [email])).toEqual([]);
  });
});

describe('NUL in JSON bodies', () => {
  it('answers 400 22P05 (class 22, as PostgREST) to \\u0000 in a text value or in jsonb, storing nothing', async () => {
    const label = `nul-${Date.now()}`;
    const insert = await rest('/conf_scratch', { method: 'POST', body: `{"label":"${label}\\u0000x"}` });
    await expectPostgrestError(insert, 400, '22P05');
    const rpc = await rest('/rpc/conf_echo', { method: 'POST', body: '{"payload":{"a":"x\\u0000"}}' });
    await expectPostgrestError(rpc, 400, '22P05');
    expect(await sql('select count(*)::int as n from public.conf_scratch where label like $1', [`${label}%`])).toEqual([{ n: 0 }]);
  });
});

describe('malformed percent-encoding', () => {
  const headers = (key: string) => ({ apikey: key, authorization: `Bearer ${key}` });
  const urls = [
    '/auth/v1/admin/users/%ZZ',
    '/auth/v1/admin/users/%FF',
    '/auth/v1/user?x=%ZZ',
    '/rest/v1/conf_%ZZ',
    '/rest/v1/conf_books?title=eq.%ZZ',
    '/rest/v1/conf_books?select=%E0%A4',
    '/functions/v1/public-echo/%ZZ',
    '/functions/v1/public-echo?x=%G1',
  ];

  for (const key of ['anonKey', 'serviceRoleKey'] as const) {
    it(`answers 400 with the ${key}, before any service reads the URL`, async () => {
      for (const url of urls) {
        const response = await fetch(`${stack.apiUrl}${url}`, { headers: headers(stack[key]) });
        expect(response.status, url).toBe(400);
        expect((await response.json()).message, url).toMatch(/malformed percent-encoding/);
      }
    });
  }

  it('checks the apikey first: no key or a wrong key is still 401', async () => {
    for (const apikey of [undefined, 'not-a-key']) {
      const response = await fetch(`${stack.apiUrl}/auth/v1/admin/users/%ZZ`, { headers: apikey ? { apikey } : {} });
      expect(response.status, String(apikey)).toBe(401);
    }
  });
});

describe('NUL in URLs', () => {
  it('answers 400 to %00 in a path or query on every service, after the apikey check', async () => {
    const headers = { apikey: stack.anonKey };
    for (const url of ['/auth/v1/verify?type=email&token=%00x', '/rest/v1/conf_books?title=eq.a%00b', '/rest/v1/conf_%00',
      '/functions/v1/public-echo?x=%00']) {
      const response = await fetch(`${stack.apiUrl}${url}`, { headers });
      expect(response.status, url).toBe(400);
      expect((await response.json()).message, url).toMatch(/NUL character/);
    }
    expect((await fetch(`${stack.apiUrl}/rest/v1/conf_books?title=eq.a%00b`)).status).toBe(401);
  });
});

describe('names of Object.prototype members in requests', () => {
  it('treats Prefer: constructor and /verify?type=toString as unknown, not as a crash', async () => {
    const prefer = await rest('/conf_books?select=id&id=eq.1', { headers: { prefer: 'constructor, __proto__=x' } });
    expect(prefer.status).toBe(200);
    const strict = await rest('/conf_books?select=id&id=eq.1', { headers: { prefer: 'handling=strict, constructor' } });
    await expectPostgrestError(strict, 400, 'PGRST122');
    for (const type of ['toString', 'hasOwnProperty']) {
      const verify = await fetch(`${stack.apiUrl}/auth/v1/verify?type=${type}&token=x&redirect_to=http%3A%2F%2Flocalhost%3A3000`, { redirect: 'manual' });
      expect(verify.status, type).toBeLessThan(500);
    }
  });
});

describe('Prefer: timezone=', () => {
  it('ignores a zone Postgres does not know (was 401), and refuses it with handling=strict: 400 PGRST122', async () => {
    const lenient = await rest('/conf_books?select=id&id=eq.1', { headers: { prefer: 'timezone=Not/AZone' } });
    expect(lenient.status).toBe(200);
    expect(await lenient.json()).toEqual([{ id: 1 }]);
    const strict = await rest('/conf_books?select=id&id=eq.1', { headers: { prefer: 'handling=strict, timezone=Not/AZone' } });
    const body = await expectPostgrestError(strict, 400, 'PGRST122');
    expect(body.details).toBe('Invalid preferences: timezone=Not/AZone');
  });

  it('still applies a zone from pg_timezone_names', async () => {
    const email = uniqueEmail('tz');
    const response = await rest('/conf_unique?select=created_at', {
      method: 'POST',
      body: JSON.stringify({ email }),
      headers: { prefer: 'return=representation, timezone=Asia/Tokyo, handling=strict' },
    });
    expect(response.status).toBe(201);
    const [row] = await response.json();
    expect(row.created_at).toMatch(/\+09:00$/);
  });
});

describe('Postgres limits reached by the request', () => {
  it('answers 400, not 500, to a 7-dimensional array in a filter (54000) and 1,700 selected columns (54011)', async () => {
    await expectPostgrestError(await rest('/conf_books?tags=cs.{{{{{{{a}}}}}}}'), 400, '54000');
    const select = Array.from({ length: 1700 }, (_, i) => `c${i}:id`).join(',');
    await expectPostgrestError(await rest(`/conf_books?select=${select}`), 400, '54011');
  });
});

describe('Range headers with numbers past 2^53', () => {
  it('answers 416 PGRST103 to a start past any row and reads an end that far as open', async () => {
    for (const range of ['99999999999999999999999-', `${'9'.repeat(400)}-`, `${'9'.repeat(400)}-${'9'.repeat(401)}`]) {
      await expectPostgrestError(await rest('/conf_books?select=id', { headers: { range } }), 416, 'PGRST103');
    }
    const open = await rest('/conf_books?select=id&id=lte.6&order=id', { headers: { range: `4-${'9'.repeat(400)}` } });
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual([{ id: 5 }, { id: 6 }]);
  });
});

describe('request targets the gateway cannot parse', () => {
  it('answers 400 to an absolute-form target that is not a URL or an upgrade outside realtime, and 405 to CONNECT', async () => {
    for (const target of ['http://[/rest/v1/conf_books', 'http://x:99999/rest/v1/conf_books']) {
      const response = await rawRequest(stack.apiUrl, `GET ${target} HTTP/1.1\r\nhost: x\r\napikey: ${stack.anonKey}`);
      expect(response.status, target).toBe(400);
      expect(response.text, target).toMatch(/not a valid URL/);
    }
    const connect = await rawRequest(stack.apiUrl, 'CONNECT example.test:443 HTTP/1.1\r\nhost: example.test:443');
    expect(connect.status).toBe(405);
    // Only realtime's websocket takes an upgrade; without an apikey Realtime refuses it in its words.
    const upgrade = (target: string) =>
      rawRequest(stack.apiUrl, `GET ${target} HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: websocket`);
    expect((await upgrade('/rest/v1/conf_books')).status).toBe(400);
    expect((await upgrade('*')).status).toBe(400);
    const realtime = await upgrade('/realtime/v1/websocket');
    expect(realtime.status).toBe(401);
    expect(realtime.text).toContain('{"error":"API key is missing"}');
  });

  it('survives clients that reset the connection right after a CONNECT or a websocket upgrade', async () => {
    const heads = [
      'CONNECT example.test:443 HTTP/1.1\r\nhost: example.test:443',
      'GET /realtime/v1/websocket HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: websocket',
    ];
    // Before, the reset surfaced as an 'error' on a socket Node had handed over without a listener,
    // which ended the whole stack.
    await Promise.all(Array.from({ length: 40 }, (_, i) => abruptRequest(stack.apiUrl, heads[i % 2]!)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const health = await fetch(`${stack.apiUrl}/auth/v1/health`);
    expect(health.status).toBe(200);
  });

  it('keeps serving supabase-js afterwards', async () => {
    const { data, error } = await anonClient().from('conf_books').select('id').eq('id', 1);
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 1 }]);
  });
});
