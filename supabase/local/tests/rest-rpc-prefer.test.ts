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
