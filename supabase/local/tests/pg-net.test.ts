/**
 * The pg_net stand-in: `create extension pg_net` as a migration writes it, requests performed by the
 * stack's worker only after the transaction that made them commits, answers recorded in
 * `net._http_response` with pg_net's columns, a bound on requests in flight, timeouts, pruning, and
 * Database Webhooks (`supabase_functions.http_request`). A stack of its own: its worker's bound is
 * tightened and its poll slowed, so a request that arrives came by the commit's notification.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack as project } from './helpers.ts';
import { postmasterPid } from './postgres-hold.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let running: Awaited<ReturnType<typeof startThrowawayStack>>;
let db: pg.Pool;
let server: Server;
let base: string;
const received: Received[] = [];
let inFlight = 0;
let maxInFlight = 0;

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db.query<T>(text, values)).rows;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A response normally lands within a second (a notification wakes the worker; it also polls every second);
 * the wait allows 20 s because a fresh-clone CI run at a load of 10 once took longer than 10 s.
 */
async function response(id: string) {
  return waitFor(`the response to request ${id}`, async () => {
    const rows = await sql<{
      status_code: number | null;
      content_type: string | null;
      headers: Record<string, string> | null;
      content: string | null;
      timed_out: boolean | null;
      error_msg: string | null;
    }>('select status_code, content_type, headers, content, timed_out, error_msg from net._http_response where id = $1', [id]);
    return rows[0];
  }, 20_000);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const url = new URL(req.url!, 'http://x');
      const hold = Number(url.searchParams.get('hold') ?? 0);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(url.pathname === '/missing' ? 404 : 201, { 'Content-Type': 'application/json; charset=utf-8', 'X-Reply': 'yes' });
        res.end(JSON.stringify({ ok: true, path: url.pathname }));
      }, hold);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  running = await startThrowawayStack({
    label: 'pg-net',
    supabaseDir: project.supabaseDir,
    extensions: { pgNet: { concurrency: 2, pollMs: 60_000, ttl: '1 minute' } },
  });
  db = new pg.Pool({ connectionString: running.dbUrl, max: 4 });
  // Postgres is killed in one test: idle connections break then, and are made again.
  db.on('error', () => undefined);
  db.on('connect', (client) => client.on('error', () => undefined));
  // As a project's migration writes it for hosted Supabase.
  await sql('create extension if not exists pg_net with schema extensions; create extension if not exists pg_cron with schema pg_catalog;');
});

afterAll(async () => {
  await db?.end();
  await running?.stop();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('pg_net stand-in', () => {
  it('is a real extension: created in `extensions` with its functions in `net`, dropped and created again', async () => {
    const [row] = await sql<{ schema: string; version: string }>(
      `select extnamespace::regnamespace::text as schema, extversion as version from pg_extension where extname = 'pg_net'`,
    );
    expect(row).toEqual({ schema: 'extensions', version: '0.20.4' });
    const [cron] = await sql<{ schema: string }>(`select extnamespace::regnamespace::text as schema from pg_extension where extname = 'pg_cron'`);
    expect(cron?.schema).toBe('pg_catalog');
    const signature = `select to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is not null as present`;
    expect((await sql<{ present: boolean }>(signature))[0]!.present).toBe(true);

    await sql('drop extension pg_net');
    expect(await sql(`select 1 from pg_namespace where nspname = 'net'`)).toHaveLength(0);
    await expect(sql(`select net.http_get('${base}/gone')`)).rejects.toThrow(/schema "net" does not exist/);

    await sql('create extension if not exists pg_net with schema extensions');
    expect((await sql<{ present: boolean }>(signature))[0]!.present).toBe(true);
    // The worker is seen as pg_net's is.
    await sql('select net.check_worker_is_up()');
  });

  it('sends a request made in a committed transaction, after the commit, and records the answer', async () => {
    const client = await db.connect();
    let id: string;
    try {
      await client.query('begin');
      id = (
        await client.query<{ id: string }>(
          `select net.http_post(url := $1, body := '{"hello": "world"}'::jsonb, params := '{"q": "a b&c"}'::jsonb,
                                headers := '{"Content-Type": "application/json", "X-Custom": "custom value"}'::jsonb) as id`,
          [`${base}/committed`],
        )
      ).rows[0]!.id;
      await sleep(400);
      expect(received.filter((r) => r.url.startsWith('/committed'))).toHaveLength(0);
      await client.query('commit');
    } finally {
      client.release();
    }
    const request = await waitFor('the committed request', () => received.find((r) => r.url.startsWith('/committed')));
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/committed?q=a%20b%26c');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-custom']).toBe('custom value');
    expect(request.headers['user-agent']).toBe('pg_net/0.20.4');
    expect(JSON.parse(request.body)).toEqual({ hello: 'world' });

    const answer = await response(id);
    expect(answer).toEqual({
      status_code: 201,
      content_type: 'application/json; charset=utf-8',
      headers: expect.objectContaining({ 'X-Reply': 'yes', 'Content-Type': 'application/json; charset=utf-8' }),
      content: '{"ok":true,"path":"/committed"}',
      timed_out: false,
      error_msg: null,
    });
    expect(await sql('select 1 from net.http_request_queue where id = $1', [id])).toHaveLength(0);
  });

  it('sends GET and DELETE as pg_net does', async () => {
    const [ids] = await sql<{ get: string; delete: string }>(
      `select net.http_get($1, '{"a": "1"}'::jsonb, '{"X-Get": "g"}'::jsonb) as get,
              net.http_delete($2, '{}'::jsonb, '{"X-Delete": "d"}'::jsonb, 5000, '{"why": "gone"}'::jsonb) as delete`,
      [`${base}/missing`, `${base}/deleted`],
    );
    const get = await waitFor('the GET', () => received.find((r) => r.url.startsWith('/missing')));
    expect(get).toMatchObject({ method: 'GET', url: '/missing?a=1', body: '' });
    expect(get.headers['x-get']).toBe('g');
    const del = await waitFor('the DELETE', () => received.find((r) => r.url.startsWith('/deleted')));
    expect(del).toMatchObject({ method: 'DELETE', body: '{"why": "gone"}' });
    expect((await response(ids!.get)).status_code).toBe(404);
    expect((await response(ids!.delete)).status_code).toBe(201);
  });

  it('refuses what pg_net refuses before anything is queued', async () => {
    await expect(sql(`select net.http_get('not a url')`)).rejects.toThrow('invalid URL "not a url"');
    await expect(sql(`select net.http_post('${base}/x', '{}'::jsonb, '{}'::jsonb, '{"Content-Type": "text/plain"}'::jsonb)`)).rejects.toThrow(
      'Content-Type header must be "application/json"',
    );
  });

  it('never sends a request whose transaction rolled back', async () => {
    const client = await db.connect();
    let id: string;
    try {
      await client.query('begin');
      id = (await client.query<{ id: string }>('select net.http_post($1) as id', [`${base}/rolled-back`])).rows[0]!.id;
      await client.query('rollback');
    } finally {
      client.release();
    }
    // A request committed after it goes out; by then the rolled-back one would have too.
    const [after] = await sql<{ id: string }>('select net.http_post($1) as id', [`${base}/after-rollback`]);
    await waitFor('the request after the rollback', () => received.find((r) => r.url === '/after-rollback'));
    await response(after!.id);
    await sleep(300);
    expect(received.filter((r) => r.url === '/rolled-back')).toHaveLength(0);
    expect(await sql('select 1 from net._http_response where id = $1', [id])).toHaveLength(0);
  });

  it('starts requests in the order they were queued, with no more in flight than the bound', async () => {
    maxInFlight = 0;
    await sql(`select net.http_post($1 || '?hold=300', jsonb_build_object('n', n)) from generate_series(1, 6) as n order by n`, [`${base}/bounded`]);
    await waitFor('six bounded requests', () => (received.filter((r) => r.url.startsWith('/bounded')).length === 6 ? true : undefined));
    const order = received.filter((r) => r.url.startsWith('/bounded')).map((r) => (JSON.parse(r.body) as { n: number }).n);
    expect(order).toEqual([1, 2, 3, 4, 5, 6]);
    // The stack under test allows two at once: two ran together, never three.
    expect(maxInFlight).toBe(2);
  });

  it("records a timeout and a refused connection as pg_net does", async () => {
    const [ids] = await sql<{ slow: string; refused: string }>(
      `select net.http_get($1 || '?hold=3000', timeout_milliseconds := 200) as slow, net.http_get('http://127.0.0.1:1/') as refused`,
      [`${base}/slow`],
    );
    const slow = await response(ids!.slow);
    expect(slow).toMatchObject({ status_code: null, timed_out: true, content: null });
    expect(slow.error_msg).toMatch(/^Timeout of 200 ms reached/);
    const refused = await response(ids!.refused);
    expect(refused).toMatchObject({ status_code: null, timed_out: false, error_msg: "Couldn't connect to server" });
    // A late answer does not change the record.
    await sleep(100);
    expect((await response(ids!.slow)).timed_out).toBe(true);
  });

  it('records a request it cannot send (a header with a line break) as failed, and goes on', async () => {
    const [bad] = await sql<{ id: string }>(`select net.http_get($1, headers := jsonb_build_object('X-Bad', 'a' || chr(10) || 'Injected: yes')) as id`, [
      `${base}/bad-header`,
    ]);
    const answer = await response(bad!.id);
    expect(answer).toMatchObject({ status_code: null, timed_out: false });
    expect(answer.error_msg).toMatch(/header/i);
    expect(received.filter((r) => r.url === '/bad-header')).toHaveLength(0);
    const [good] = await sql<{ id: string }>('select net.http_get($1) as id', [`${base}/after-bad-header`]);
    expect((await response(good!.id)).status_code).toBe(201);
  });

  it('deletes responses older than its ttl', async () => {
    await sql(`insert into net._http_response (id, status_code, created) values (-1, 200, now() - interval '2 minutes'), (-2, 200, now())`);
    await sql('select net.http_get($1)', [`${base}/prune-wake`]);
    await waitFor('the expired response to go', async () => ((await sql('select 1 from net._http_response where id = -1')).length === 0 ? true : undefined));
    expect(await sql('select 1 from net._http_response where id = -2')).toHaveLength(1);
  });

  it('does not lose a wake-up that arrives while it deletes expired responses', async () => {
    // An expired response held by another transaction stalls the worker's delete of expired responses;
    // a request queued meanwhile wakes it mid-round, and the slowed poll (a minute) cannot cover for a
    // lost wake-up.
    await sql(`insert into net._http_response (id, status_code, created) values (-3, 200, now() - interval '2 minutes')`);
    const holder = await db.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from net._http_response where id = -3 for update');
      await sql('select net.http_get($1)', [`${base}/during-prune-1`]);
      await sleep(300);
      await sql('select net.http_get($1)', [`${base}/during-prune-2`]);
      await sleep(300);
    } finally {
      await holder.query('rollback').catch(() => undefined);
      holder.release();
    }
    await waitFor('both requests', () => (received.some((r) => r.url === '/during-prune-1') && received.some((r) => r.url === '/during-prune-2') ? true : undefined));
  });

  it('listens again after Postgres died and came back', async () => {
    const started = async () => (await sql<{ at: Date }>('select pg_postmaster_start_time() as at'))[0]!.at.getTime();
    const before = await started();
    process.kill(postmasterPid(running.dataDir), 'SIGKILL');
    await waitFor('Postgres to be back', () => started().then((at) => (at > before ? true : undefined), () => undefined), 20_000);
    // The worker is up again once its listening session is (its poll is slowed to a minute here, so
    // the request below goes out only if the worker listens again).
    await waitFor(
      'the worker to listen again',
      () => sql('select net.check_worker_is_up()').then(
        () => true,
        () => undefined,
      ),
      20_000,
    );
    const [row] = await sql<{ id: string }>('select net.http_post($1) as id', [`${base}/after-restart`]);
    await waitFor('the request after the restart', () => received.find((r) => r.url === '/after-restart'));
    expect((await response(row!.id)).status_code).toBe(201);
  });

  it('runs a Database Webhook (supabase_functions.http_request) after the insert commits', async () => {
    await sql(`
      create table public.webhook_probe (id int primary key, name text);
      create trigger probe_hook after insert on public.webhook_probe for each row
        execute function supabase_functions.http_request('${base}/hook', 'POST', '{"Content-Type":"application/json","X-Hook":"probe"}', '{}', '1000');
    `);
    try {
      await sql(`insert into public.webhook_probe values (1, 'first')`);
      const hook = await waitFor('the webhook', () => received.find((r) => r.url === '/hook'));
      expect(hook.method).toBe('POST');
      expect(hook.headers['x-hook']).toBe('probe');
      expect(JSON.parse(hook.body)).toEqual({
        type: 'INSERT',
        table: 'webhook_probe',
        schema: 'public',
        record: { id: 1, name: 'first' },
        old_record: null,
      });
      const [audit] = await sql<{ hook_name: string; request_id: string }>('select hook_name, request_id from supabase_functions.hooks');
      expect(audit?.hook_name).toBe('probe_hook');
      expect((await response(audit!.request_id)).status_code).toBe(201);
    } finally {
      await sql('drop table public.webhook_probe');
    }
  });
});
