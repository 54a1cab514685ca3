/**
 * Realtime in the local stack (issue 16). Run with `npm run bench:realtime` (also part of `npm run bench`);
 * writes bench/results/realtime.json and prints Markdown rows for bench/README.md.
 *
 * The stack runs in a process of its own (bench/stack-host.ts, with Realtime's tenant limits raised
 * for the load), so the clients here do not share its event loop and its memory is its own.
 *  1. Memory per idle socket: the stack's RSS and heap (after a full GC) with N idle sockets, each joined
 *     to a topic of its own (as `user:<id>`), against none.
 *  2. Broadcast fan-out: S sockets joined to one public topic; a sender's socket broadcasts M messages at
 *     a steady rate; latency from just before the sender writes each frame to each subscriber's receipt.
 *     Then the same from the database: `select realtime.send(…)` sent (it commits on its own) → receipt.
 *  3. Postgres Changes with RLS: 50 signed-in supabase-js clients subscribed to INSERTs of a table in the
 *     `supabase_realtime` publication whose SELECT policy admits room members (all 50 are), plus one
 *     non-member who must receive nothing; C rows inserted by 10 writers as one-row transactions, then as
 *     transactions of 100 rows; changes/s = C ÷ (first insert → last receipt at the last subscriber).
 * Subscribers of 1 and 2 are raw Phoenix sockets (v2 serializer) over Node's built-in WebSocket — the
 * transport realtime-js itself uses in Node — without realtime-js's channel layer, so that 1,500 clients
 * in this one process measure the server rather than the harness; 3 uses supabase-js as the app does.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createClient, type REALTIME_SUBSCRIBE_STATES, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { signJwt } from '../supabase/local/core/jwt.ts';
import { configOnlyProject, removeDir } from '../supabase/local/tests/stack-process.ts';
import { cpuSeconds, startServer, type Server } from './stack-process.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const IDLE_SOCKETS = env('BENCH_RT_IDLE', 1000);
const SUBSCRIBERS = env('BENCH_RT_SUBSCRIBERS', 500);
const MESSAGES = env('BENCH_RT_MESSAGES', 200);
const RATE = env('BENCH_RT_RATE', 20);
const DB_MESSAGES = env('BENCH_RT_DB_MESSAGES', 100);
const CHANGE_SUBSCRIBERS = 50;
const CHANGES = env('BENCH_RT_CHANGES', 5000);
const WRITERS = 10;
/** `BENCH_RT_ONLY=changes`: only the Postgres Changes part, to compare changes to it quickly. */
const ONLY_CHANGES = process.env.BENCH_RT_ONLY === 'changes';
const MB = 1024 * 1024;

const progress = (what: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${what} (load ${loadavg()[0]!.toFixed(2)})\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const load = () => loadavg().map((value) => round(value, 2));

function stats(samples: number[]) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { n: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? NaN) };
}

async function waitFor(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

type Receipt = (payload: Record<string, unknown>, at: number) => void;

/** A Phoenix socket as realtime-js speaks it (vsn 2.0.0 text frames), with nothing on top. */
class PhoenixSocket {
  private ref = 0;
  private readonly replies = new Map<string, (payload: { status: string; response: unknown }) => void>();
  onBroadcast: Receipt | undefined;
  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (event) => {
      const at = performance.now();
      const [, ref, , kind, payload] = JSON.parse(event.data as string) as [string | null, string | null, string, string, Record<string, unknown>];
      if (kind === 'broadcast') this.onBroadcast?.(payload, at);
      else if (kind === 'phx_reply' && ref) {
        this.replies.get(ref)?.(payload as { status: string; response: unknown });
        this.replies.delete(ref);
      }
    });
  }

  static open(apiUrl: string, apikey: string): Promise<PhoenixSocket> {
    const ws = new WebSocket(`${apiUrl.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${apikey}&vsn=2.0.0`);
    return new Promise((resolve, reject) => {
      ws.addEventListener('open', () => resolve(new PhoenixSocket(ws)), { once: true });
      ws.addEventListener('error', () => reject(new Error('socket failed to open')), { once: true });
    });
  }

  push(topic: string, event: string, payload: unknown, joinRef: string | null = null): string {
    const ref = String((this.ref += 1));
    this.ws.send(JSON.stringify([joinRef, ref, topic, event, payload]));
    return ref;
  }

  request(topic: string, event: string, payload: unknown, joinRef: string | null = null): Promise<{ status: string; response: unknown }> {
    const ref = String(this.ref + 1);
    const reply = new Promise<{ status: string; response: unknown }>((resolve) => this.replies.set(ref, resolve));
    this.push(topic, event, payload, joinRef);
    return reply;
  }

  async join(topic: string, accessToken: string): Promise<void> {
    const config = { broadcast: { self: false, ack: false }, presence: { enabled: false, key: '' }, postgres_changes: [], private: false };
    const reply = await this.request(`realtime:${topic}`, 'phx_join', { config, access_token: accessToken }, String(this.ref + 1));
    if (reply.status !== 'ok') throw new Error(`join of ${topic} refused: ${JSON.stringify(reply.response)}`);
  }

  heartbeat(): void {
    this.push('phoenix', 'heartbeat', {});
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.addEventListener('close', () => resolve(), { once: true });
      this.ws.close();
    });
  }
}

/** Opens and joins `count` sockets, a few at a time as browsers arriving would. */
async function openSockets(server: Server, count: number, topic: (index: number) => string, token: () => Promise<string>): Promise<PhoenixSocket[]> {
  const sockets: PhoenixSocket[] = [];
  for (let start = 0; start < count; start += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - start) }, async (_, offset) => {
        const socket = await PhoenixSocket.open(server.apiUrl, server.anonKey);
        await socket.join(topic(start + offset), await token());
        return socket;
      }),
    );
    sockets.push(...batch);
  }
  return sockets;
}

const userToken = (server: Server, sub: string = randomUUID()) =>
  signJwt({ sub, role: 'authenticated', aud: 'authenticated', exp: Math.floor(Date.now() / 1000) + 3600 }, server.jwtSecret);

async function idleMemory(server: Server, heartbeats: Set<PhoenixSocket>) {
  // Warm-up: the code paths of a connect, join and close run (and compile) before the baseline.
  const warm = await openSockets(server, 50, (i) => `warm:${i}`, () => userToken(server));
  await Promise.all(warm.map((socket) => socket.close()));
  await sleep(1000);
  const before = await server.memory();
  const loadAt = load();
  const sockets = await openSockets(server, IDLE_SOCKETS, (i) => `user:${randomUUID()}-${i}`, () => userToken(server));
  for (const socket of sockets) heartbeats.add(socket);
  await sleep(2000);
  const during = await server.memory();
  for (const socket of sockets) heartbeats.delete(socket);
  await Promise.all(sockets.map((socket) => socket.close()));
  await sleep(2000);
  const after = await server.memory();
  return {
    sockets: IDLE_SOCKETS,
    load: loadAt,
    gc: before.gc,
    rssBeforeMB: round(before.rss / MB),
    rssWithMB: round(during.rss / MB),
    rssAfterCloseMB: round(after.rss / MB),
    heapBeforeMB: round(before.heapUsed / MB),
    heapWithMB: round(during.heapUsed / MB),
    heapAfterCloseMB: round(after.heapUsed / MB),
    rssPerSocketKB: round((during.rss - before.rss) / IDLE_SOCKETS / 1024),
    heapPerSocketKB: round((during.heapUsed - before.heapUsed) / IDLE_SOCKETS / 1024),
    externalPerSocketKB: round((during.external - before.external) / IDLE_SOCKETS / 1024),
  };
}

async function fanOut(server: Server, heartbeats: Set<PhoenixSocket>) {
  const topic = 'fanout';
  const subscribers = await openSockets(server, SUBSCRIBERS, () => topic, () => userToken(server));
  const [sender] = await openSockets(server, 1, () => topic, () => userToken(server));
  for (const socket of [...subscribers, sender!]) heartbeats.add(socket);
  let latencies: number[] = [];
  const received = new Map<string, number>();
  const lastReceipt = new Map<string, number>();
  const sentAt = new Map<string, number>();
  for (const socket of subscribers) {
    socket.onBroadcast = (frame, at) => {
      const payload = frame.payload as { key: string; t: number };
      latencies.push(at - payload.t);
      received.set(payload.key, (received.get(payload.key) ?? 0) + 1);
      lastReceipt.set(payload.key, at);
    };
  }
  const send = (key: string) => {
    const t = performance.now();
    sentAt.set(key, t);
    sender!.push(`realtime:${topic}`, 'broadcast', { type: 'broadcast', event: 'ping', payload: { key, t } }, '1');
  };
  const allArrived = (keys: string[]) => () => keys.every((key) => received.get(key) === SUBSCRIBERS);

  // Warm-up, not counted.
  const warmKeys = Array.from({ length: 20 }, (_, i) => `warm-${i}`);
  for (const key of warmKeys) {
    send(key);
    await sleep(1000 / RATE);
  }
  await waitFor('the warm-up broadcasts', allArrived(warmKeys), 30_000);
  latencies = [];

  const loadAt = load();
  const keys = Array.from({ length: MESSAGES }, (_, i) => `ws-${i}`);
  const started = performance.now();
  // Open loop: each message leaves at its scheduled time whatever the previous ones are doing.
  for (const [i, key] of keys.entries()) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    send(key);
  }
  await waitFor('every subscriber to get every broadcast', allArrived(keys), 60_000);
  const socketLatency = stats(latencies);
  const toAll = stats(keys.map((key) => lastReceipt.get(key)! - sentAt.get(key)!));

  // From the database: the statement that sends (and commits) → receipt.
  latencies = [];
  const db = new pg.Client({ connectionString: server.dbUrl });
  await db.connect();
  const dbKeys = Array.from({ length: DB_MESSAGES }, (_, i) => `db-${i}`);
  const commits: number[] = [];
  const dbStarted = performance.now();
  for (const [i, key] of dbKeys.entries()) {
    const due = dbStarted + (i * 1000) / Math.min(RATE, 10);
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const t = performance.now();
    sentAt.set(key, t);
    await db.query(`select realtime.send(jsonb_build_object('key', $1::text, 't', $2::float8), 'db', $3, false)`, [key, t, topic]);
    commits.push(performance.now() - t);
  }
  await waitFor('every subscriber to get every database broadcast', allArrived(dbKeys), 60_000);
  await db.end();
  const dbLatency = stats(latencies);
  const dbToAll = stats(dbKeys.map((key) => lastReceipt.get(key)! - sentAt.get(key)!));

  for (const socket of [...subscribers, sender!]) heartbeats.delete(socket);
  await Promise.all([...subscribers, sender!].map((socket) => socket.close()));
  return {
    subscribers: SUBSCRIBERS,
    messages: MESSAGES,
    ratePerSecond: RATE,
    load: loadAt,
    socket: socketLatency,
    socketToAll: toAll,
    database: { messages: DB_MESSAGES, ...dbLatency },
    databaseToAll: dbToAll,
    databaseStatement: stats(commits),
  };
}

async function postgresChanges(server: Server) {
  const db = new pg.Pool({ connectionString: server.dbUrl, max: WRITERS });
  const room = randomUUID();
  await db.query(`
    create table public.bench_members (room uuid not null, user_id uuid not null, primary key (room, user_id));
    create table public.bench_events (id bigint generated always as identity primary key, room uuid not null, body text not null);
    alter table public.bench_events enable row level security;
    create policy bench_events_members on public.bench_events for select to authenticated
      using (exists (select 1 from public.bench_members m where m.room = bench_events.room and m.user_id = (select auth.uid())));
    grant select on public.bench_members, public.bench_events to authenticated;
    alter publication supabase_realtime add table public.bench_events;
  `);
  const members = Array.from({ length: CHANGE_SUBSCRIBERS }, () => randomUUID());
  await db.query('insert into public.bench_members (room, user_id) select $1, unnest($2::uuid[])', [room, members]);

  const clients: SupabaseClient[] = [];
  const outsider = new Set<number>();
  const counts: Array<Set<number>> = [];
  let deliveries = 0;
  const arrivals = new Map<number, number>();
  let last = 0;
  const subscribe = async (sub: string, into: Set<number>) => {
    const token = await userToken(server, sub);
    const client = createClient(server.apiUrl, server.anonKey, { accessToken: async () => token });
    // supabase-js asks `accessToken` only after the first join has gone out (which then joins as anon);
    // a signed-in app has set the token from its session before, as this does.
    await client.realtime.setAuth(token);
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client
        .channel(`events-${sub}`)
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'bench_events' }, (change) => {
          const id = Number((change.new as { id: number }).id);
          const at = performance.now();
          into.add(id);
          if (into !== outsider) deliveries += 1;
          arrivals.set(id, Math.max(arrivals.get(id) ?? 0, at));
          last = at;
        })
        .subscribe((status: `${REALTIME_SUBSCRIBE_STATES}`, error) => {
          if (status === 'SUBSCRIBED') resolve();
          else if (status !== 'CLOSED') reject(error ?? new Error(status));
        });
    });
  };
  for (const member of members) {
    const seen = new Set<number>();
    counts.push(seen);
    await subscribe(member, seen);
  }
  // Someone who is not in the room: RLS must hide every row from them.
  await subscribe(randomUUID(), outsider);

  const everyoneHas = (ids: number[]) => () => counts.every((seen) => ids.every((id) => seen.has(id)));
  const insertOne = async () => {
    const { rows } = await db.query<{ id: string }>('insert into public.bench_events (room, body) values ($1, $2) returning id', [room, 'x'.repeat(100)]);
    return Number(rows[0]!.id);
  };

  progress(`${clients.length} supabase-js clients subscribed`);
  const warmIds: number[] = [];
  for (let i = 0; i < 50; i += 1) warmIds.push(await insertOne());
  await waitFor('the warm-up changes', everyoneHas(warmIds), 60_000).catch((error: unknown) => {
    throw new Error(`${String(error)}: ${counts.map((seen) => seen.size).join(' ')}`);
  });

  async function run(kind: 'one-row transactions' | 'transactions of 100 rows') {
    const loadAt = load();
    const committedAt = new Map<number, number>();
    const ids: number[] = [];
    const cpuBefore = { server: cpuSeconds(server.pid), bench: process.cpuUsage() };
    const started = performance.now();
    if (kind === 'one-row transactions') {
      let next = 0;
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          while (next < CHANGES) {
            next += 1;
            const id = await insertOne();
            committedAt.set(id, performance.now());
            ids.push(id);
          }
        }),
      );
    } else {
      for (let done = 0; done < CHANGES; done += 100) {
        const { rows } = await db.query<{ id: string }>(
          'insert into public.bench_events (room, body) select $1, $2 from generate_series(1, $3) returning id',
          [room, 'x'.repeat(100), Math.min(100, CHANGES - done)],
        );
        const at = performance.now();
        for (const row of rows) {
          committedAt.set(Number(row.id), at);
          ids.push(Number(row.id));
        }
      }
    }
    const committed = performance.now() - started;
    await waitFor(`every subscriber to get ${CHANGES} changes (${kind})`, everyoneHas(ids), 300_000);
    const elapsed = last - started;
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    // Where the time went: the stack's process (Realtime, without Postgres) and this one (the clients).
    const cpu = {
      stackSeconds: round(cpuSeconds(server.pid) - cpuBefore.server, 2),
      clientsSeconds: round((benchCpu.user + benchCpu.system) / 1e6, 2),
      wallSeconds: round((performance.now() - started) / 1000, 2),
    };
    const lag = stats(ids.map((id) => arrivals.get(id)! - committedAt.get(id)!));
    return {
      kind,
      changes: CHANGES,
      load: loadAt,
      commitPerSecond: round(CHANGES / (committed / 1000)),
      deliveredPerSecond: round(CHANGES / (elapsed / 1000)),
      deliveriesPerSecond: round((CHANGES * CHANGE_SUBSCRIBERS) / (elapsed / 1000)),
      elapsedMs: round(elapsed),
      cpu,
      commitToLastSubscriber: lag,
    };
  }
  const single = await run('one-row transactions');
  const batched = await run('transactions of 100 rows');
  const expected = CHANGE_SUBSCRIBERS * (2 * CHANGES + warmIds.length);
  const missing = expected - counts.reduce((sum, seen) => sum + seen.size, 0);
  const duplicates = deliveries - (expected - missing);
  await Promise.all(clients.map((client) => client.removeAllChannels()));
  await db.end();
  return { subscribers: CHANGE_SUBSCRIBERS, single, batched, outsiderReceived: outsider.size, missing, duplicates };
}

const workdir = configOnlyProject('[local_smtp]\nenabled = false\n');
const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-bench-realtime-data-'));
const heartbeats = new Set<PhoenixSocket>();
// As realtime-js: a heartbeat every 25 s keeps each socket inside the server's 60 s idle limit.
const beat = setInterval(() => heartbeats.forEach((socket) => socket.heartbeat()), 25_000);
const loadBefore = load();
let server: Server | undefined;
try {
  server = await startServer(join(workdir, 'supabase'), dataDir);
  if (ONLY_CHANGES) {
    progress('stack started; Postgres Changes only');
    const c = await postgresChanges(server);
    for (const run of [c.single, c.batched]) {
      console.log(
        `${run.kind}: ${run.deliveredPerSecond} changes/s (commits ${run.commitPerSecond}/s; commit → last subscriber p50 ${run.commitToLastSubscriber.p50} ms, p99 ${run.commitToLastSubscriber.p99} ms; CPU in ${run.cpu.wallSeconds} s: stack ${run.cpu.stackSeconds} s, clients ${run.cpu.clientsSeconds} s; load ${run.load[0]})`,
      );
    }
    console.log(`non-member / missing / duplicated: ${c.outsiderReceived} / ${c.missing} / ${c.duplicates}`);
  } else {
    progress('stack started; memory per idle socket');
    const memory = await idleMemory(server, heartbeats);
    progress('broadcast fan-out');
    const broadcast = await fanOut(server, heartbeats);
    progress('Postgres Changes');
    const changes = await postgresChanges(server);
    const result = {
      date: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      load: { before: loadBefore, after: load() },
      memory,
      broadcast,
      changes,
    };
    mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
    writeFileSync(join(import.meta.dirname, 'results', 'realtime.json'), `${JSON.stringify(result, null, 2)}\n`);

    const ok = (pass: boolean) => (pass ? '✅' : '❌');
    const b = broadcast;
    const c = changes;
    console.log(`Machine: ${result.machine}; load average (1/5/15 min) before ${loadBefore.join(' ')}, after ${result.load.after.join(' ')}\n`);
    console.log('| measure | result | load at start (1 min) | goal |\n|---|---|---|---|');
    console.log(
      `| broadcast to ${b.subscribers} subscribers of one topic, ${b.messages} messages at ${b.ratePerSecond}/s: send → each receipt, p50 / p95 / p99 / max | ${b.socket.p50} / ${b.socket.p95} / **${b.socket.p99}** / ${b.socket.max} ms (${b.socket.n} receipts) | ${b.load[0]} | p99 ≤ 100 ms ${ok(b.socket.p99 <= 100)} |`,
    );
    console.log(`| … send → the last of the ${b.subscribers} receipts, p50 / p99 | ${b.socketToAll.p50} / ${b.socketToAll.p99} ms | | |`);
    console.log(
      `| from the database, ${b.database.messages} \`realtime.send\` statements at ${Math.min(RATE, 10)}/s: statement sent → each receipt, p50 / p95 / p99 / max | ${b.database.p50} / ${b.database.p95} / ${b.database.p99} / ${b.database.max} ms (statement itself p50 ${b.databaseStatement.p50} ms) | | — |`,
    );
    for (const run of [c.single, c.batched]) {
      console.log(
        `| Postgres Changes with RLS to ${c.subscribers} subscribers, ${run.changes} inserts as ${run.kind}: first insert → last delivery | **${run.deliveredPerSecond} changes/s** (${run.deliveriesPerSecond} messages/s; commits ${run.commitPerSecond}/s; commit → last subscriber p50 ${run.commitToLastSubscriber.p50} ms, p99 ${run.commitToLastSubscriber.p99} ms; CPU in ${run.cpu.wallSeconds} s: stack ${run.cpu.stackSeconds} s, clients ${run.cpu.clientsSeconds} s) | ${run.load[0]} | ≥ 1,000/s ${ok(run.deliveredPerSecond >= 1000)} |`,
      );
    }
    console.log(
      `| … changes at a non-member's subscription (RLS) / missing / duplicated at the members | ${c.outsiderReceived} / ${c.missing} / ${c.duplicates} | | 0 / 0 / 0 ${ok(c.outsiderReceived === 0 && c.missing === 0 && c.duplicates === 0)} |`,
    );
    const m = memory;
    console.log(
      `| memory per idle socket (${m.sockets} sockets, each joined to a topic of its own; after a full GC; the goal is for the larger of RSS and heap + external) | RSS **${m.rssPerSocketKB} KB**, heap ${m.heapPerSocketKB} KB, external ${m.externalPerSocketKB} KB (RSS ${m.rssBeforeMB} → ${m.rssWithMB} MB, heap ${m.heapBeforeMB} → ${m.heapWithMB} MB; after closing them: RSS ${m.rssAfterCloseMB}, heap ${m.heapAfterCloseMB} MB) | ${m.load[0]} | ≤ 50 KB ${ok(Math.max(m.rssPerSocketKB, m.heapPerSocketKB + m.externalPerSocketKB) <= 50)} |`,
    );
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nThe stack's log:\n${server?.log().slice(-5000) ?? ''}\n`);
  process.exitCode = 1;
} finally {
  clearInterval(beat);
  await server?.stop();
  removeDir(workdir);
  removeDir(dataDir);
  // The supabase-js clients' timers would keep the process alive.
  process.exit();
}
