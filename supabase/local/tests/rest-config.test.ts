/**
 * PostgREST's in-database configuration, on a stack of its own (role settings are cluster-wide):
 * `postgres` sets `pgrst.*` on `authenticator`, `NOTIFY pgrst, 'reload config'` applies it.
 * Aggregates (db-aggregates-enabled), explain() (db-plan-enabled), db-tx-end and db-max-rows.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack as project } from './helpers.ts';
import type { RunningStack } from '../stack.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';

let running: RunningStack;
let db: pg.Pool;
let client: SupabaseClient;

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db.query<T>(text, values)).rows;
}

function rest(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${running.apiUrl}/rest/v1${path}`, {
    ...init,
    headers: {
      apikey: running.keys.anonKey,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
  });
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Sets (or resets, with null) a setting as the console would, then asks REST to reload. */
async function configure(name: string, value: string | null): Promise<void> {
  await sql(value === null
    ? `alter role authenticator reset pgrst.${name}`
    : `alter role authenticator set pgrst.${name} = '${value}'`);
  await sql(`notify pgrst, 'reload config'`);
}

beforeAll(async () => {
  running = await startThrowawayStack({ supabaseDir: project.supabaseDir, label: 'rest-config' });
  db = new pg.Pool({ connectionString: running.dbUrl, max: 2 });
  client = createClient(running.apiUrl, running.keys.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
  await sql(`
    create table public.cfg_customers (id int primary key, name text not null);
    create table public.cfg_orders (
      id int primary key,
      customer_id int not null references public.cfg_customers (id),
      amount int not null,
      day date not null,
      note jsonb
    );
    create table public.cfg_log (id serial primary key, label text not null);
    grant select on public.cfg_customers, public.cfg_orders to anon;
    grant select, insert on public.cfg_log to anon;
    grant usage on sequence public.cfg_log_id_seq to anon;
    insert into public.cfg_customers values (1, 'Ann'), (2, 'Bob');
    insert into public.cfg_orders values
      (1, 1, 10, '2026-01-01', '{"tax": "1.5"}'), (2, 1, 20, '2026-01-01', '{"tax": "2.5"}'),
      (3, 1, 5, '2026-01-02', null), (4, 2, 7, '2026-01-01', '{"tax": "0.5"}');
  `);
  await running.waitForSchemaReload();
}, 120_000);

afterAll(async () => {
  await db?.end();
  await running?.stop();
});

describe('in-database configuration', () => {
  it('lets postgres set pgrst.* on authenticator, and applies it on reload config only', async () => {
    const before = await client.from('cfg_orders').select('amount.sum()');
    expect(before.status).toBe(400);
    expect(before.error).toMatchObject({ code: 'PGRST123', message: 'Use of aggregate functions is not allowed' });
    await sql(`alter role authenticator set pgrst.db_aggregates_enabled = 'true'`);
    // Not yet: PostgREST reads its configuration on start and on NOTIFY only.
    expect((await client.from('cfg_orders').select('amount.sum()')).error?.code).toBe('PGRST123');
    await sql(`notify pgrst, 'reload config'`);
    await expect.poll(async () => (await client.from('cfg_orders').select('amount.sum()')).data).toEqual([{ sum: 42 }]);
  });
});

describe('aggregates', () => {
  beforeAll(async () => {
    await configure('db_aggregates_enabled', 'true');
    await until(async () => (await client.from('cfg_orders').select('count()')).error === null);
  });

  it('computes count, sum, avg, min and max over the filtered rows', async () => {
    const { data, error } = await client
      .from('cfg_orders')
      .select('count(), total:amount.sum(), amount.avg(), amount.min(), amount.max()')
      .eq('customer_id', 1);
    expect(error).toBeNull();
    expect(data).toEqual([{ count: 3, total: 35, avg: 35 / 3, min: 5, max: 20 }]);
  });

  it('groups by the other selected columns', async () => {
    const { data } = await client.from('cfg_orders').select('day, amount.sum()').order('day');
    expect(data).toEqual([{ day: '2026-01-01', sum: 37 }, { day: '2026-01-02', sum: 5 }]);
  });

  it('casts the aggregated value and the aggregate', async () => {
    const { data, error } = await client.from('cfg_orders').select('note->>tax::numeric.sum(), amount.avg()::int');
    expect(error).toBeNull();
    expect(data).toEqual([{ sum: 4.5, avg: 11 }]);
  });

  it('counts non-null values of a column apart from rows', async () => {
    const { data } = await client.from('cfg_orders').select('count(), notes:note.count()');
    expect(data).toEqual([{ count: 4, notes: 3 }]);
  });

  it('aggregates inside an embedded resource, per parent', async () => {
    const { data, error } = await client.from('cfg_customers').select('name, cfg_orders(day, amount.sum())').order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { name: 'Ann', cfg_orders: [{ day: '2026-01-01', sum: 30 }, { day: '2026-01-02', sum: 5 }] },
      { name: 'Bob', cfg_orders: [{ day: '2026-01-01', sum: 7 }] },
    ]);
  });

  it('groups by an embedded resource', async () => {
    const { data, error } = await client.from('cfg_orders').select('amount.sum(), cfg_customers(name)');
    expect(error).toBeNull();
    expect(new Set(data?.map((row) => JSON.stringify(row)))).toEqual(new Set([
      JSON.stringify({ sum: 35, cfg_customers: { name: 'Ann' } }),
      JSON.stringify({ sum: 7, cfg_customers: { name: 'Bob' } }),
    ]));
  });

  it('answers 400 PGRST100 for an unknown aggregate', async () => {
    const response = await rest('/cfg_orders?select=amount.median()');
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('PGRST100');
  });
});

describe('db-plan-enabled and explain()', () => {
  it('refuses the plan media type (406 PGRST107) until enabled, then answers EXPLAIN', async () => {
    const refused = await client.from('cfg_orders').select('id').explain();
    expect(refused.status).toBe(406);
    expect(refused.error?.code).toBe('PGRST107');
    await configure('db_plan_enabled', 'true');
    await until(async () => (await client.from('cfg_orders').select('id').explain()).status === 200);
    const text = await client.from('cfg_orders').select('id').eq('customer_id', 1).explain();
    expect(text.error).toBeNull();
    expect(text.data).toMatch(/Scan on cfg_orders/);
    const response = await rest('/cfg_orders?select=id', {
      headers: { accept: 'application/vnd.pgrst.plan+json; for="application/json"; options=analyze|verbose' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.pgrst.plan+json; for="application/json"; options=analyze|verbose; charset=utf-8');
    const [plan] = await response.json();
    expect(plan.Plan['Actual Rows']).toBe(1);
    expect(plan.Plan.Output).toBeDefined();
  });
});

describe('db-tx-end and db-max-rows', () => {
  const kept = async (label: string) => (await sql('select 1 from public.cfg_log where label = $1', [label])).length;

  it('honours Prefer: tx=rollback only when db-tx-end allows overriding', async () => {
    await configure('db_tx_end', 'commit-allow-override');
    let attempt = 0;
    await expect.poll(async () => {
      attempt += 1;
      const body = JSON.stringify({ label: `probe-${attempt}` });
      const response = await rest('/cfg_log', { method: 'POST', body, headers: { prefer: 'tx=rollback' } });
      return response.headers.get('preference-applied');
    }).toBe('tx=rollback');
    expect(await kept(`probe-${attempt}`)).toBe(0);
    const committed = await rest('/cfg_log', { method: 'POST', body: '{"label": "kept"}' });
    expect(committed.status).toBe(201);
    expect(await kept('kept')).toBe(1);
  });

  it('rolls every request back with db-tx-end = rollback, and lets tx=commit override with -allow-override', async () => {
    await configure('db_tx_end', 'rollback');
    let attempt = 0;
    await expect.poll(async () => {
      attempt += 1;
      await rest('/cfg_log', { method: 'POST', body: JSON.stringify({ label: `dry-${attempt}` }) });
      return kept(`dry-${attempt}`);
    }).toBe(0);
    const ignored = await rest('/cfg_log', { method: 'POST', body: '{"label": "dry-commit"}', headers: { prefer: 'tx=commit' } });
    expect(ignored.headers.get('preference-applied')).toBeNull();
    expect(await kept('dry-commit')).toBe(0);
    await configure('db_tx_end', 'rollback-allow-override');
    await expect.poll(async () => {
      await rest('/cfg_log', { method: 'POST', body: '{"label": "forced"}', headers: { prefer: 'tx=commit' } });
      return kept('forced');
    }).toBe(1);
    await configure('db_tx_end', null);
  });

  it('caps every read at pgrst.db_max_rows', async () => {
    await configure('db_max_rows', '2');
    await expect.poll(async () => (await client.from('cfg_orders').select('id')).data?.length).toBe(2);
    await configure('db_max_rows', null);
    await expect.poll(async () => (await client.from('cfg_orders').select('id')).data?.length).toBe(4);
  });
});
