/** REST `rpc` and the `Prefer` header: max-affected (a write guard), counts. */
import { afterEach, describe, expect, it } from 'vitest';
import { anonClient, sql } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();
const doneTasks = async (owner: string) =>
  (await sql<{ id: number }>('select id from public.conf_tasks where owner = $1 and done order by id', [owner])).map((r) => r.id);

describe('Prefer: max-affected on rpc', () => {
  afterEach(async () => {
    await sql('update public.conf_tasks set done = false');
  });

  it('rolls back a function whose returned rows exceed the limit (400 PGRST124)', async () => {
    const response = await rest('/rpc/conf_finish_tasks', {
      method: 'POST',
      body: JSON.stringify({ who: 'ann' }),
      headers: { prefer: 'handling=strict, max-affected=2' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'PGRST124',
      message: 'Query result exceeds max-affected preference constraint',
      details: 'The query affects 3 rows',
      hint: null,
    });
    expect(await doneTasks('ann')).toEqual([]);
  });

  it('keeps the changes within the limit and says it applied the preference', async () => {
    const response = await rest('/rpc/conf_finish_tasks', {
      method: 'POST',
      body: JSON.stringify({ who: 'ann' }),
      headers: { prefer: 'handling=strict, max-affected=3' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('preference-applied')).toBe('handling=strict, max-affected=3');
    expect(await response.json()).toHaveLength(3);
    expect(await doneTasks('ann')).toEqual([1, 2, 3]);
  });

  it('is ignored without handling=strict, as PostgREST ignores it', async () => {
    const response = await rest('/rpc/conf_finish_tasks', {
      method: 'POST',
      body: JSON.stringify({ who: 'ann' }),
      headers: { prefer: 'max-affected=1' },
    });
    expect(response.status).toBe(200);
    expect(await doneTasks('ann')).toEqual([1, 2, 3]);
  });

  it('refuses a function returning one value before running it (400 PGRST128)', async () => {
    const response = await rest('/rpc/conf_finish_tasks_count', {
      method: 'POST',
      body: JSON.stringify({ who: 'ann' }),
      headers: { prefer: 'handling=strict, max-affected=10' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'PGRST128',
      message: 'Function must return SETOF or TABLE when max-affected preference is used with handling=strict',
      details: null,
      hint: null,
    });
    expect(await doneTasks('ann')).toEqual([]);
  });

  it('guards calls made through supabase-js (the header its maxAffected() sends)', async () => {
    const { error, status } = await db
      .rpc('conf_finish_tasks', { who: 'ann' })
      .setHeader('prefer', 'handling=strict, max-affected=1');
    expect(status).toBe(400);
    expect(error?.code).toBe('PGRST124');
    expect(await doneTasks('ann')).toEqual([]);
  });
});

describe('Prefer: max-affected on table writes', () => {
  it('does not apply to inserts, as PostgREST counts only updated and deleted rows', async () => {
    const tag = `maxaff-${process.pid}-${Date.now()}`;
    const response = await rest('/conf_scratch', {
      method: 'POST',
      body: JSON.stringify([{ label: tag }, { label: tag }]),
      headers: { prefer: 'handling=strict, max-affected=1' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('preference-applied')).toBe('handling=strict');
    expect(await sql('select count(*)::int as n from public.conf_scratch where label = $1', [tag])).toEqual([{ n: 2 }]);
    await sql('delete from public.conf_scratch where label = $1', [tag]);
  });
});

describe('Prefer: count=planned|estimated', () => {
  const planRows = async (query: string) => {
    const [row] = await sql<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(`explain (format json) ${query}`);
    return row!['QUERY PLAN'][0]!.Plan['Plan Rows'];
  };

  it('reports the planner’s estimate of the counted rows for count=planned, filtered or not', async () => {
    const all = await db.from('conf_big').select('id', { count: 'planned', head: true });
    expect(all.count).toBe(3000);
    const filtered = await db.from('conf_big').select('id', { count: 'planned' }).lte('id', 10).eq('grp', 3);
    expect(filtered.count).toBe(await planRows('select 1 from public.conf_big where id <= 10 and grp = 3'));
    expect(filtered.data).toEqual([{ id: 3 }, { id: 10 }]);
  });

  it('counts exactly up to max-rows with count=estimated, then takes the larger of exact and planned', async () => {
    const small = await db.from('conf_big').select('id', { count: 'estimated', head: true }).lte('id', 500);
    expect(small.count).toBe(500);
    const large = await db.from('conf_big').select('id', { count: 'estimated', head: true }).gt('grp', 0);
    const planned = await planRows('select 1 from public.conf_big where grp > 0');
    expect(large.count).toBe(Math.max(2572, planned));
  });

  it('uses a function’s declared ROWS for count=planned on rpc', async () => {
    const rows = await db.rpc('conf_big_rows', {}, { count: 'planned', head: true });
    expect(rows.count).toBe(123);
    const scalars = await db.rpc('conf_series', { n: 3 }, { count: 'planned' });
    expect(scalars.data).toEqual([1, 2, 3]);
    expect(scalars.count).toBe(42);
    const exact = await db.rpc('conf_series', { n: 3 }, { count: 'exact' });
    expect(exact.count).toBe(3);
  });
});
