/**
 * The local REST service against the same SQL sent directly (issue 17). Run with `npm run bench:rest`
 * (also part of `npm run bench`); writes bench/results/rest.json and prints Markdown rows for
 * bench/README.md.
 *
 * The stack runs the product's project (its schema cache is the real one) in a process of its own
 * (bench/stack-host.ts), so the clients here do not share its event loop. Each workload runs three ways:
 *  - supabase-js through the gateway, as the app sends it;
 *  - the same request through the gateway from a bare keep-alive HTTP client (node:http), which shows
 *    the server's share without supabase-js's own cost;
 *  - the same SQL over a direct node-postgres pool as `postgres` (20 connections, as many as REST's pool).
 * Workloads: a read of a 100-row table (`select *`), a single-row insert (supabase-js's plain `insert()`,
 * `return=minimal`), a single-row update by primary key. Each at 1 client (requests in turn, ways
 * interleaved; median and p95 latency) and at 50 concurrent clients (a closed loop for a fixed time;
 * requests/s). Ratios compare REST with direct SQL: latency at 1 client, throughput at 50.
 * During each 50-client phase: CPU time per request of the stack's process, of its Postgres (server and
 * backends) and of this process (the clients), from /proc; the JavaScript heap the stack allocated per
 * request (from its collections, node:v8's GCProfiler); the stack's resident memory at rest and at its
 * peak under load, from /proc.
 * Then the schema cache: from the commit of a table's DDL (whose event trigger sends `NOTIFY pgrst,
 * 'reload schema'`, as Supabase's does) until REST answers the table, with this project's schema and
 * again after adding 300 tables (with foreign keys) and 300 functions.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import pg from 'pg';
import { removeDir } from '../supabase/local/tests/stack-process.ts';
import { cpuSeconds, cpuSecondsOf, rssBytes, startServer, type Server } from './stack-process.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** Requests per way at one client. */
const SEQUENTIAL = env('BENCH_REST_SEQUENTIAL', 1500);
const CONCURRENCY = 50;
const SECONDS = env('BENCH_REST_SECONDS', 5);
const RELOADS = env('BENCH_REST_RELOADS', 20);
const POOL_SIZE = 20;
/** Tables (and functions) added for the second schema reload measurement. */
const BIG_SCHEMA = env('BENCH_REST_BIG_SCHEMA', 300);

const progress = (what: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${what} (load ${loadavg()[0]!.toFixed(2)})\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function stats(samples: number[]) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { n: sorted.length, p50: round(at(0.5), 3), p95: round(at(0.95), 3), max: round(sorted.at(-1) ?? NaN, 3) };
}

/** A bare keep-alive HTTP client: the request, the body read whole, JSON parsed when there is one. */
function bareClient(apiUrl: string, anonKey: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const base = new URL(apiUrl);
  return (method: string, path: string, body?: unknown, prefer?: string) =>
    new Promise<unknown>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = { apikey: anonKey, authorization: `Bearer ${anonKey}` };
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(payload));
      }
      if (prefer) headers.prefer = prefer;
      const request = http.request({ host: base.hostname, port: base.port, path: `/rest/v1${path}`, method, agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if ((response.statusCode ?? 500) >= 300) reject(new Error(`${method} ${path}: ${response.statusCode} ${text}`));
          else resolve(text === '' ? undefined : JSON.parse(text));
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(payload);
    });
}

type Way = 'supabase-js' | 'bare HTTP' | 'direct SQL';
const WAYS: Way[] = ['supabase-js', 'bare HTTP', 'direct SQL'];
type Call = (client: number, n: number) => Promise<void>;

interface Workload {
  name: string;
  ways: Record<Way, Call>;
}

function workloads(server: Server, pool: pg.Pool): Workload[] {
  const clients = Array.from({ length: CONCURRENCY }, () =>
    createClient(server.apiUrl, server.anonKey, { auth: { persistSession: false, autoRefreshToken: false } }));
  const bare = bareClient(server.apiUrl, server.anonKey);
  const expectRows = (rows: unknown) => {
    if (!Array.isArray(rows) || rows.length !== 100) throw new Error('expected 100 rows');
  };
  // Updates spread over the 100 rows by client, so that 50 clients do not queue on one row lock.
  const row = (client: number, n: number) => ((client * 7 + n) % 100) + 1;
  return [
    {
      name: 'read of 100 rows',
      ways: {
        'supabase-js': async (client) => expectRows((await clients[client]!.from('bench_items').select('*').throwOnError()).data),
        'bare HTTP': async () => expectRows(await bare('GET', '/bench_items?select=*')),
        'direct SQL': async () => expectRows((await pool.query('select * from public.bench_items')).rows),
      },
    },
    {
      name: 'single-row insert',
      ways: {
        'supabase-js': async (client, n) => void (await clients[client]!.from('bench_writes').insert({ name: `c${client}`, price_cents: n }).throwOnError()),
        'bare HTTP': async (client, n) => void (await bare('POST', '/bench_writes', { name: `c${client}`, price_cents: n }, 'return=minimal')),
        'direct SQL': async (client, n) => void (await pool.query('insert into public.bench_writes (name, price_cents) values ($1, $2)', [`c${client}`, n])),
      },
    },
    {
      name: 'single-row update by key',
      ways: {
        'supabase-js': async (client, n) => void (await clients[client]!.from('bench_items').update({ price_cents: n }).eq('id', row(client, n)).throwOnError()),
        'bare HTTP': async (client, n) => void (await bare('PATCH', `/bench_items?id=eq.${row(client, n)}`, { price_cents: n }, 'return=minimal')),
        'direct SQL': async (client, n) => void (await pool.query('update public.bench_items set price_cents = $1 where id = $2', [n, row(client, n)])),
      },
    },
  ];
}

/** One client, the three ways interleaved request by request so that drifts of the machine hit all alike. */
async function sequential(workload: Workload) {
  const samples: Record<Way, number[]> = { 'supabase-js': [], 'bare HTTP': [], 'direct SQL': [] };
  for (let n = 0; n < SEQUENTIAL + 100; n += 1) {
    for (const way of WAYS) {
      const started = performance.now();
      await workload.ways[way](0, n);
      if (n >= 100) samples[way].push(performance.now() - started);
    }
  }
  return Object.fromEntries(WAYS.map((way) => [way, stats(samples[way])])) as Record<Way, ReturnType<typeof stats>>;
}

/** 50 clients in a closed loop for SECONDS, with the CPU and memory it cost. */
async function concurrent(server: Server, call: Call) {
  const rssAtRest = rssBytes(server.pid);
  let rssPeak = rssAtRest;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(server.pid))), 50);
  const allocation = await server.allocation();
  const before = { stack: cpuSeconds(server.pid), postgres: cpuSecondsOf(server.pid, 'postgres'), clients: process.cpuUsage() };
  let requests = 0;
  const latency: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, client) => {
    for (let n = 0; performance.now() < until; n += 1) {
      const t = performance.now();
      await call(client, n);
      latency.push(performance.now() - t);
      requests += 1;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const clients = process.cpuUsage(before.clients);
  const after = { stack: cpuSeconds(server.pid), postgres: cpuSecondsOf(server.pid, 'postgres') };
  clearInterval(sampler);
  const allocated = await allocation.stop();
  const perRequest = (seconds: number) => round((seconds * 1e6) / requests, 0);
  return {
    perSecond: round(requests / elapsed, 0),
    latency: stats(latency),
    cpuMicrosPerRequest: {
      stack: perRequest(after.stack - before.stack),
      postgres: perRequest(after.postgres - before.postgres),
      clients: perRequest((clients.user + clients.system) / 1e6),
    },
    stackRssMiB: { atRest: round(rssAtRest / 2 ** 20, 1), peak: round(rssPeak / 2 ** 20, 1) },
    stackHeapKiBAllocatedPerRequest: round(allocated.allocated / 1024 / requests, 1),
  };
}

/** From a DDL statement's commit to REST answering the new table (polled every 2 ms). */
async function schemaReloads(server: Server, pool: pg.Pool) {
  const bare = bareClient(server.apiUrl, server.anonKey);
  const visible = async (table: string) => {
    try {
      await bare('GET', `/${table}?select=id&limit=1`);
      return true;
    } catch {
      return false;
    }
  };
  const time = async (table: string, ddl: string[]) => {
    const client = await pool.connect();
    try {
      for (const statement of ddl.slice(0, -1)) await client.query(statement);
      const started = performance.now();
      await client.query(ddl.at(-1)!);
      while (!(await visible(table))) {
        if (performance.now() - started > 10_000) throw new Error(`${table} never became visible through REST`);
        await sleep(2);
      }
      return performance.now() - started;
    } finally {
      client.release();
    }
  };
  const measure = async (prefix: string) => {
    const samples: number[] = [];
    for (let i = 0; i < RELOADS; i += 1) {
      samples.push(await time(`${prefix}_${i}`, [
        `begin`,
        `create table public.${prefix}_${i} (id int primary key)`,
        `grant select on public.${prefix}_${i} to anon`,
        `commit`,
      ]));
    }
    const schema = await pool.query<{ tables: number; functions: number; keys: number }>(`
      select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p', 'f'))::int as tables,
             (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public')::int as functions,
             (select count(*) from pg_constraint k join pg_namespace n on n.oid = k.connamespace
               where n.nspname = 'public' and k.contype = 'f')::int as keys`);
    return { ...stats(samples), schema: schema.rows[0]! };
  };
  const product = await measure('bench_reload');
  // Then a schema ten times the size: tables each referencing the one before, and a function per table.
  await pool.query(`do $$ begin
    for i in 1..${BIG_SCHEMA} loop
      execute format('create table public.bench_big_%s (id int primary key, parent int references public.bench_big_%s (id), note text)', i, greatest(i - 1, 1));
      execute format('create function public.bench_big_fn_%s(p int) returns setof public.bench_big_%s language sql stable as ''select * from public.bench_big_%s where id = p''', i, i, i);
    end loop;
  end $$`);
  const big = await measure('bench_reload_big');
  return { product, big };
}

async function setUp(pool: pg.Pool, server: Server) {
  await pool.query(`
    create table public.bench_items (id int primary key, name text not null, price_cents int not null, created_at timestamptz not null default now());
    insert into public.bench_items (id, name, price_cents) select g, 'item ' || g, g * 100 from generate_series(1, 100) g;
    create table public.bench_writes (id bigint generated always as identity primary key, name text not null, price_cents int not null);
    alter table public.bench_items enable row level security;
    alter table public.bench_writes enable row level security;
    create policy bench_items_read on public.bench_items for select to anon using (true);
    create policy bench_items_update on public.bench_items for update to anon using (true) with check (true);
    create policy bench_writes_insert on public.bench_writes for insert to anon with check (true);
    grant select, update on public.bench_items to anon;
    grant insert on public.bench_writes to anon;`);
  const bare = bareClient(server.apiUrl, server.anonKey);
  for (let tries = 0; ; tries += 1) {
    try {
      await bare('GET', '/bench_writes?select=id&limit=1');
      return;
    } catch (error) {
      // Without SELECT on bench_writes the read is refused (42501) once the table is in the cache.
      if (error instanceof Error && error.message.includes('42501')) return;
      if (tries > 200) throw error;
      await sleep(25);
    }
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-bench-rest-'));
let server: Server | undefined;
let pool: pg.Pool | undefined;
try {
  progress('starting the stack');
  server = await startServer(join(import.meta.dirname, '..', 'supabase'), dataDir);
  pool = new pg.Pool({ connectionString: server.dbUrl, max: POOL_SIZE });
  await setUp(pool, server);
  const results: Record<string, unknown> = {};
  for (const workload of workloads(server, pool)) {
    progress(`${workload.name}: 1 client`);
    const one = await sequential(workload);
    const many: Partial<Record<Way, Awaited<ReturnType<typeof concurrent>>>> = {};
    for (const way of WAYS) {
      progress(`${workload.name}: ${CONCURRENCY} clients, ${way}`);
      // A short warm-up so that every connection has its statements prepared.
      const warm = performance.now() + 500;
      await Promise.all(Array.from({ length: CONCURRENCY }, async (_, client) => {
        for (let n = 0; performance.now() < warm; n += 1) await workload.ways[way](client, n);
      }));
      many[way] = await concurrent(server, workload.ways[way]);
    }
    results[workload.name] = { one, many };
  }
  progress('schema cache reloads');
  const reload = await schemaReloads(server, pool);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const output = { date: new Date().toISOString(), machine, load: loadavg(), results, reload };
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(join(import.meta.dirname, 'results', 'rest.json'), `${JSON.stringify(output, null, 2)}\n`);

  console.log(`Machine: ${machine}; ${output.date.slice(0, 10)}; load ${output.load.map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log('| workload | way | 1 client: p50 / p95 | ratio to SQL (p50) | 50 clients: requests/s | ratio to SQL | CPU µs per request: stack / Postgres / clients | stack heap allocated per request | stack RSS at rest → peak |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [name, value] of Object.entries(results) as Array<[string, { one: Record<Way, ReturnType<typeof stats>>; many: Record<Way, Awaited<ReturnType<typeof concurrent>>> }]>) {
    for (const way of WAYS) {
      const one = value.one[way];
      const many = value.many[way];
      const sql = { one: value.one['direct SQL'], many: value.many['direct SQL'] };
      const cpu = many.cpuMicrosPerRequest;
      const ratio = (x: number) => (way === 'direct SQL' ? '—' : `${x.toFixed(2)}×`);
      console.log(`| ${name} | ${way} | ${one.p50.toFixed(2)} / ${one.p95.toFixed(2)} ms | ${ratio(one.p50 / sql.one.p50)} | ${many.perSecond} | ${ratio(sql.many.perSecond / many.perSecond)} | ${way === 'direct SQL' ? '—' : cpu.stack} / ${cpu.postgres} / ${cpu.clients} | ${way === 'direct SQL' ? '—' : `${many.stackHeapKiBAllocatedPerRequest} KiB`} | ${way === 'direct SQL' ? '—' : `${many.stackRssMiB.atRest} → ${many.stackRssMiB.peak} MiB`} |`);
    }
  }
  for (const [label, measured] of [['this project', reload.product], [`${BIG_SCHEMA} more tables and functions`, reload.big]] as const) {
    const { tables, functions, keys } = measured.schema;
    console.log(`- schema cache, ${label} (${tables} tables and views, ${functions} functions, ${keys} foreign keys in public): DDL commit → REST answers the new table, p50 ${measured.p50.toFixed(1)} ms, p95 ${measured.p95.toFixed(1)} ms, max ${measured.max.toFixed(1)} ms (${measured.n} reloads)`);
  }
} finally {
  await pool?.end();
  await server?.stop();
  removeDir(dataDir);
}
