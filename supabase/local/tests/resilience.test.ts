/**
 * Postgres dying under the stack (SIGKILL of the postmaster): no service ends the process, REST answers
 * PostgREST's 503 connection errors with Retry-After, Auth answers 503 (retryable for auth-js), the
 * Functions service keeps serving, the stack starts Postgres again, and committed data is still there.
 *
 * This file starts its own stack (in this process, so an unhandled `error` event would fail the run),
 * and holds the restart through `beforePostgresRestart` so the outage can be looked at without racing it.
 */
import { createClient, isAuthRetryableFetchError, type SupabaseClient } from '@supabase/supabase-js';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERUSER } from '../postgres/index.ts';
import { DEMO_ANON_KEY } from '../core/keys.ts';
import { freePort } from '../core/ports.ts';
import { stack as project } from './helpers.ts';
import { findProjectDir } from '../core/project-config.ts';
import type { RunningStack } from '../stack.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { Hold, postmasterPid } from './postgres-hold.ts';

const RECOVERY_LIMIT_MS = 30_000;
const noPersistence = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

let hold = new Hold();
hold.release();
let stack: RunningStack & { dataDir: string };
let service: SupabaseClient;
const email = `resilience-${process.pid}@example.test`;
const password = 'correct-horse-battery';

/** SQL as `postgres`, or as the superuser where other roles' sessions must be seen in pg_stat_activity. */
async function sql<T extends pg.QueryResultRow>(text: string, asSuperuser = false): Promise<T[]> {
  const url = new URL(stack.dbUrl);
  if (asSuperuser) url.username = SUPERUSER;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

function headers(key = stack.keys.anonKey): Record<string, string> {
  return { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

const readNotes = () => fetch(`${stack.apiUrl}/rest/v1/resilience_notes?select=note&order=id`, { headers: headers(stack.keys.serviceRoleKey) });
const signIn = () =>
  fetch(`${stack.apiUrl}/auth/v1/token?grant_type=password`, { method: 'POST', headers: headers(), body: JSON.stringify({ email, password }) });

async function pooledConnections(): Promise<number> {
  const [row] = await sql<{ n: number }>(
    "select count(*)::int as n from pg_stat_activity where usename in ('authenticator', 'supabase_auth_admin')",
    true,
  );
  return row!.n;
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}

/** Kills the postmaster and waits until the stack has noticed (and asks to start it again). */
async function killPostgres(): Promise<Hold> {
  hold = new Hold();
  process.kill(postmasterPid(stack.dataDir), 'SIGKILL');
  await hold.reached;
  return hold;
}

/** REST while Postgres is down: every answer a 503 connection error with Retry-After, ending in PGRST000. */
async function expectRestUnavailable(): Promise<void> {
  // Connections that died with the server may still be handed out once each (PGRST001); after them
  // the pool has to connect, which fails (PGRST000).
  for (let attempt = 0; attempt < 30; attempt += 1) {
    const response = await readNotes();
    const body = (await response.json()) as { code: string; message: string; details: string; hint: null };
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(['PGRST000', 'PGRST001']).toContain(body.code);
    expect(Object.keys(body)).toEqual(['code', 'message', 'details', 'hint']);
    if (body.code === 'PGRST000') {
      expect(body.message).toBe('Database connection error. Retrying the connection.');
      expect(body.details).toMatch(/ECONNREFUSED/);
      expect(body.hint).toBeNull();
      return;
    }
    expect(body.message).toBe('Database client error. Retrying the connection.');
  }
  throw new Error('REST never answered PGRST000 while Postgres was down');
}

async function expectAuthUnavailable(): Promise<void> {
  const response = await signIn();
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
  expect(await response.json()).toMatchObject({ code: 503, error_code: 'unexpected_failure' });
  // auth-js treats a 503 as retryable: a session being refreshed now is kept, not dropped.
  const { error } = await createClient(stack.apiUrl, stack.keys.anonKey, noPersistence).auth.signInWithPassword({ email, password });
  expect(error?.status).toBe(503);
  expect(isAuthRetryableFetchError(error)).toBe(true);
}

/** Functions do not need the database: the service keeps relaying while it is down. */
async function expectFunctionsServing(): Promise<void> {
  const response = await fetch(`${stack.apiUrl}/functions/v1/public-echo`, { method: 'POST', body: 'still here' });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ body: 'still here' });
}

/** After release: REST and Auth answer again within 30 s, with every committed row. */
async function expectRecovered(notes: string[]): Promise<void> {
  const took = await until(async () => (await readNotes()).status === 200, RECOVERY_LIMIT_MS, 'REST back');
  expect(took).toBeLessThan(RECOVERY_LIMIT_MS);
  const { data, error } = await service.from('resilience_notes').select('note').order('id');
  expect(error).toBeNull();
  expect(data).toEqual(notes.map((note) => ({ note })));
  const auth = await signIn();
  expect(auth.status).toBe(200);
}

beforeAll(async () => {
  stack = await startThrowawayStack({
    label: 'resilience',
    supabaseDir: project.supabaseDir,
    functionsDir: join(import.meta.dirname, 'fixtures', 'functions'),
    functionsConfig: { 'public-echo': { verifyJwt: false } },
    beforePostgresRestart: () => hold.wait(),
  });
  await sql(`
    create table public.resilience_notes (id bigint generated always as identity primary key, note text not null);
    grant select, insert on public.resilience_notes to service_role;
    create function public.resilience_sleep(seconds double precision) returns integer
      language sql as $$ select 1 from pg_sleep(seconds) $$;
    grant execute on function public.resilience_sleep(double precision) to anon;
  `);
  await stack.waitForSchemaReload();
  service = createClient(stack.apiUrl, stack.keys.serviceRoleKey, noPersistence);
  const { error } = await service.auth.admin.createUser({ email, password, email_confirm: true });
  if (error) throw error;
});

afterAll(async () => {
  hold.release();
  await stack?.stop();
});

describe('Postgres killed under the stack', () => {
  it('with idle pooled connections and a request in flight: 503s while down, then back with the data', async () => {
    const { error } = await service.from('resilience_notes').insert({ note: 'before the first kill' });
    expect(error).toBeNull();
    expect((await signIn()).status).toBe(200);
    const [idle] = await sql<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where usename in ('authenticator', 'supabase_auth_admin') and state = 'idle'",
      true,
    );
    expect(idle!.n, 'the pools hold idle connections').toBeGreaterThan(0);

    // A request whose pooled connection is checked out when the server dies.
    const inFlight = fetch(`${stack.apiUrl}/rest/v1/rpc/resilience_sleep`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ seconds: 60 }),
    });
    await until(
      async () =>
        (await sql("select 1 from pg_stat_activity where query like '%resilience_sleep%' and pid <> pg_backend_pid()", true)).length > 0,
      10_000,
      'the slow request reaches Postgres',
    );

    const down = await killPostgres();
    const answer = await inFlight;
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(await answer.json()).toMatchObject({ code: 'PGRST001', message: 'Database client error. Retrying the connection.' });

    await expectRestUnavailable();
    await expectAuthUnavailable();
    await expectFunctionsServing();
    const write = await service.from('resilience_notes').insert({ note: 'never written' });
    expect(write.status).toBe(503);
    expect(write.error?.code).toBe('PGRST000');

    down.release();
    await expectRecovered(['before the first kill']);
  }, 90_000);

  it('with no pooled connection open: still notices, answers 503 and brings Postgres back', async () => {
    const { error } = await service.from('resilience_notes').insert({ note: 'before the second kill' });
    expect(error).toBeNull();
    // pg.Pool closes idle connections after 10 s; only the schema listener stays connected.
    await until(async () => (await pooledConnections()) === 0, 30_000, 'the pools drain');

    const down = await killPostgres();
    await expectRestUnavailable();
    await expectAuthUnavailable();
    await expectFunctionsServing();

    down.release();
    await expectRecovered(['before the first kill', 'before the second kill']);
    // The schema listener is back too: new DDL reaches the REST schema cache by NOTIFY alone.
    await sql('create table public.resilience_after (id int primary key); grant select on public.resilience_after to service_role');
    await until(
      async () => (await service.from('resilience_after').select('id')).status === 200,
      10_000,
      'the schema cache sees a table created after the restart',
    );
  }, 90_000);
});

/** `npm run stack` as a process of its own, so that "the process stays up" is observed, not inferred. */
describe('npm run stack when Postgres is killed', () => {
  const root = findProjectDir();
  const cliDataDir = mkdtempSync(join(tmpdir(), 'pro-portal-resilience-cli-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(cliDataDir, { recursive: true, force: true });
  });

  it('keeps running, answers again within 30 s, and still stops cleanly while Postgres is down', async () => {
    const port = await freePort();
    const dbPort = await freePort();
    const started = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '..', 'cli', 'stack.ts'), '--port', String(port), '--db-port', String(dbPort), '--mail-port', String(await freePort()), '--smtp-port', String(await freePort()), '--data-dir', cliDataDir, '--reset'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SUPABASE_JWT_SECRET: '' } },
    );
    child = started;
    let log = '';
    started.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      started.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('service_role key:')) resolve();
      });
      void exit.then((code) => reject(new Error(`stack exited with ${code}:\n${out}\n${log}`)));
    });
    const api = `http://127.0.0.1:${port}`;
    const dbUrl = `postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres`;
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    await db.query(`
      create table public.cli_resilience (note text);
      insert into public.cli_resilience values ('committed before the kill');
      grant select on public.cli_resilience to anon;
      create function public.cli_sleep(seconds double precision) returns integer
        language sql as $$ select 1 from pg_sleep(seconds) $$;
      grant execute on function public.cli_sleep(double precision) to anon;
    `);
    await db.end();
    const anon = { apikey: DEMO_ANON_KEY, authorization: `Bearer ${DEMO_ANON_KEY}`, 'content-type': 'application/json' };
    const read = () => fetch(`${api}/rest/v1/cli_resilience?select=note`, { headers: anon });
    await until(async () => (await read()).status === 200, 10_000, 'the schema cache sees the new table');
    await until(
      async () => (await fetch(`${api}/rest/v1/rpc/cli_sleep?seconds=0`, { headers: anon })).status === 200,
      10_000,
      'the schema cache sees the new function',
    );

    // One request holds a pooled connection while the server dies, others left theirs idle.
    const inFlight = fetch(`${api}/rest/v1/rpc/cli_sleep`, { method: 'POST', headers: anon, body: JSON.stringify({ seconds: 60 }) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(postmasterPid(cliDataDir), 'SIGKILL');
    expect((await inFlight).status).toBe(503);

    const took = await until(async () => (await read()).status === 200, RECOVERY_LIMIT_MS, 'REST back');
    expect(took).toBeLessThan(RECOVERY_LIMIT_MS);
    expect(started.exitCode, `the stack process is still running:\n${log}`).toBeNull();
    expect(await (await read()).json()).toEqual([{ note: 'committed before the kill' }]);

    // Stopping while Postgres is down: exit 0, and no Postgres started behind the stop's back.
    process.kill(postmasterPid(cliDataDir), 'SIGKILL');
    started.kill('SIGTERM');
    expect(await exit, log).toBe(0);
    child = undefined;
    const probe = new pg.Client({ connectionString: dbUrl, connectionTimeoutMillis: 2000 });
    await expect(probe.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  }, 120_000);
});
