/**
 * PostgREST v14's reads around aggregates and to-one embeds, on a stack of its own (aggregates need
 * `pgrst.db_aggregates_enabled`, a cluster-wide role setting):
 * - aggregates inside a to-one spread are hoisted into the node above (Plan.hs,
 *   hoistSpreadAggFunctions), which groups by everything else it selects; in a to-many spread they
 *   are PGRST127;
 * - `count=exact` counts the rows the filters and inner joins keep, not the groups
 *   (QueryBuilder.hs, readPlanToCountQuery), so an aggregated read is a 206 whose range is the groups;
 * - a related order (`order=embed(col)`) reads the embed's own lateral join, so the embed's filters
 *   apply and only a column it outputs can be named.
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

function rest(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${running.apiUrl}/rest/v1${path}`, { headers: { apikey: running.keys.anonKey, ...headers } });
}

async function ids(path: string): Promise<number[]> {
  const response = await rest(path);
  expect(response.status).toBe(200);
  return ((await response.json()) as Array<{ id: number }>).map((row) => row.id);
}

beforeAll(async () => {
  running = await startThrowawayStack({ supabaseDir: project.supabaseDir, label: 'rest-agg' });
  db = new pg.Pool({ connectionString: running.dbUrl, max: 2 });
  client = createClient(running.apiUrl, running.keys.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
  // Clients have projects; a project has at most one category and many invoices. Project 4 has no
  // category, so a to-one embed of it is missing.
  await db.query(`
    create table public.agg_clients (id int primary key, name text not null);
    create table public.agg_categories (id int primary key, name text not null, budget int not null);
    create table public.agg_projects (
      id int primary key,
      client_id int not null references public.agg_clients (id),
      category_id int references public.agg_categories (id)
    );
    create table public.agg_invoices (
      id int primary key,
      project_id int not null references public.agg_projects (id),
      total int not null
    );
    grant select on public.agg_clients, public.agg_categories, public.agg_projects, public.agg_invoices to anon;
    insert into public.agg_clients values (1, 'Ann'), (2, 'Bob'), (3, 'Cy');
    insert into public.agg_categories values (1, 'Design', 100), (2, 'Build', 300), (3, 'Audit', 50);
    insert into public.agg_projects values (1, 1, 1), (2, 1, 2), (3, 2, 2), (4, 2, null), (5, 3, 3);
    insert into public.agg_invoices values (1, 1, 10), (2, 1, 20), (3, 2, 5), (4, 3, 7), (5, 5, 1);
  `);
  await running.waitForSchemaReload();
}, 120_000);

afterAll(async () => {
  await db?.end();
  await running?.stop();
});

describe('aggregates inside spreads', () => {
  it('refuses them (PGRST123) while aggregates are disabled', async () => {
    const { error, status } = await client.from('agg_projects').select('client_id, ...agg_categories(budget.sum())');
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: 'PGRST123', message: 'Use of aggregate functions is not allowed' });
  });

  describe('with db-aggregates-enabled', () => {
    beforeAll(async () => {
      await db.query(`alter role authenticator set pgrst.db_aggregates_enabled = 'true'`);
      await db.query(`notify pgrst, 'reload config'`);
      for (let i = 0; i < 100 && (await client.from('agg_projects').select('count()')).error !== null; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    it('hoists a to-one spread\'s aggregate into the parent, grouped by the parent\'s columns', async () => {
      const { data, error } = await client
        .from('agg_projects')
        .select('client_id, ...agg_categories(budget.sum())')
        .order('client_id');
      expect(error).toBeNull();
      // Summed per client over its projects' categories (a missing category adds nothing), not per project.
      expect(data).toEqual([{ client_id: 1, sum: 400 }, { client_id: 2, sum: 300 }, { client_id: 3, sum: 50 }]);
    });

    it('groups by the spread\'s other columns, beside the parent\'s own aggregates, ordered by the spread', async () => {
      // PostgREST's own example's shape: /budget_expenses?select=total_expenses:expense_amount.sum(),
      // ...budget_categories(budget_owner,total_budget:budget_amount.sum())&order=budget_categories(budget_owner)
      const response = await rest(
        '/agg_invoices?select=invoiced:total.sum(),...agg_projects(client_id,projects:id.count())&order=agg_projects(client_id)');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([
        { invoiced: 35, client_id: 1, projects: 3 },
        { invoiced: 7, client_id: 2, projects: 1 },
        { invoiced: 1, client_id: 3, projects: 1 },
      ]);
    });

    it('hoists through nested to-one spreads up to the root', async () => {
      const { data, error } = await client
        .from('agg_invoices')
        .select('...agg_projects(client_id, ...agg_categories(budget.max()))')
        .order('agg_projects(client_id)');
      expect(error).toBeNull();
      expect(data).toEqual([{ client_id: 1, max: 300 }, { client_id: 2, max: 300 }, { client_id: 3, max: 50 }]);
    });

    it('counts the embedded rows that exist with count() in a spread, and casts the result', async () => {
      const counted = await client.from('agg_projects').select('client_id, ...agg_categories(count())').order('client_id');
      expect(counted.error).toBeNull();
      expect(counted.data).toEqual([{ client_id: 1, count: 2 }, { client_id: 2, count: 1 }, { client_id: 3, count: 1 }]);
      const cast = await client
        .from('agg_projects')
        .select('client_id, ...agg_categories(avg_budget:budget.avg()::int)')
        .order('client_id');
      expect(cast.error).toBeNull();
      expect(cast.data).toEqual([
        { client_id: 1, avg_budget: 200 }, { client_id: 2, avg_budget: 300 }, { client_id: 3, avg_budget: 50 },
      ]);
    });

    it('hoists into a JSON embed, which aggregates per parent row', async () => {
      const { data, error } = await client
        .from('agg_clients')
        .select('name, agg_projects(...agg_categories(name, budget.sum()))')
        .order('id');
      expect(error).toBeNull();
      const byName = (rows: Array<{ name: string | null }>) => [...rows].sort((a, b) => String(a.name).localeCompare(String(b.name)));
      expect(data?.map((row) => ({ name: row.name, agg_projects: byName(row.agg_projects) }))).toEqual([
        { name: 'Ann', agg_projects: [{ name: 'Build', sum: 300 }, { name: 'Design', sum: 100 }] },
        { name: 'Bob', agg_projects: [{ name: 'Build', sum: 300 }, { name: null, sum: null }] },
        { name: 'Cy', agg_projects: [{ name: 'Audit', sum: 50 }] },
      ]);
    });

    it('answers PostgREST\'s PGRST127 for aggregates in (or hoisted into) a to-many spread', async () => {
      for (const path of [
        '/agg_clients?select=name,...agg_projects(id.count())',
        '/agg_clients?select=name,...agg_projects(...agg_categories(budget.sum()))',
      ]) {
        const response = await rest(path);
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({
          code: 'PGRST127',
          message: 'Feature not implemented',
          details: 'Aggregates are not implemented for one-to-many or many-to-many spreads.',
          hint: null,
        });
      }
    });

    it('counts rows, not groups, for count=exact: a 206 whose range is the groups', async () => {
      const response = await rest('/agg_invoices?select=project_id,total.sum()', { prefer: 'count=exact' });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe('0-3/5');
      const hoisted = await rest('/agg_invoices?select=...agg_projects(client_id),total.sum()', { prefer: 'count=exact' });
      expect(hoisted.headers.get('content-range')).toBe('0-2/5');
      const { count, data, status } = await client
        .from('agg_invoices')
        .select('project_id, total.sum()', { count: 'exact' })
        .gt('total', 5);
      expect(status).toBe(206);
      expect(count).toBe(3);
      expect(data).toHaveLength(2);
    });
  });
});

describe('count=exact with an inner to-one spread', () => {
  it('counts only the rows the inner join keeps', async () => {
    const response = await rest('/agg_projects?select=id,...agg_categories!inner(cat:name)', { prefer: 'count=exact' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-range')).toBe('0-3/4');
    const { count } = await client
      .from('agg_projects')
      .select('id, ...agg_categories!inner(cat:name)', { count: 'exact' })
      .eq('agg_categories.name', 'Build');
    expect(count).toBe(2);
  });
});

describe('column order', () => {
  it('puts a resource\'s own columns before its embeds\' and spreads\', as PostgREST selects them', async () => {
    const path = '/agg_projects?select=agg_categories(name),id,...agg_clients(client:name)&id=eq.1';
    const csv = await rest(path, { accept: 'text/csv' });
    expect(await csv.text()).toBe('id,agg_categories,client\n1,"{""name"":""Design""}",Ann');
    const { data } = await client.from('agg_projects').select('agg_categories(name), id, ...agg_clients(client:name)').eq('id', 1);
    expect(Object.keys(data![0]!)).toEqual(['id', 'agg_categories', 'client']);
  });
});

describe('is.null on a to-one spread', () => {
  it('keeps the rows without (or with) an embedded row, and counts them alike', async () => {
    const missing = await rest('/agg_projects?select=id,...agg_categories(name)&agg_categories=is.null', { prefer: 'count=exact' });
    expect(missing.status).toBe(200);
    expect(missing.headers.get('content-range')).toBe('0-0/1');
    expect(await missing.json()).toEqual([{ id: 4, name: null }]);
    const { data, count, error } = await client
      .from('agg_projects')
      .select('id, ...agg_categories(name)', { count: 'exact' })
      .not('agg_categories', 'is', null)
      .order('id');
    expect(error).toBeNull();
    expect(count).toBe(4);
    expect(data?.map((row) => row.id)).toEqual([1, 2, 3, 5]);
  });
});

describe('ordering by a to-one embed\'s column', () => {
  it('applies the embed\'s filters: an embed they exclude orders as NULL', async () => {
    // Projects 2 and 3 are Build, filtered out of the embed; project 4 has no category.
    expect(await ids('/agg_projects?select=id,agg_categories(name)&agg_categories.name=neq.Build&order=agg_categories(name).asc,id'))
      .toEqual([5, 1, 2, 3, 4]);
    const { data } = await client
      .from('agg_projects')
      .select('id, agg_categories(name)')
      .neq('agg_categories.name', 'Build')
      .order('agg_categories(name)', { ascending: false, nullsFirst: false })
      .order('id');
    expect(data?.map((row) => row.id)).toEqual([1, 5, 2, 3, 4]);
  });

  it('keeps only the embeds the filters admit with !inner', async () => {
    expect(await ids('/agg_projects?select=id,agg_categories!inner(name)&agg_categories.name=neq.Build&order=agg_categories(name).desc'))
      .toEqual([1, 5]);
  });

  it('orders by a spread\'s output column, under its alias', async () => {
    expect(await ids('/agg_projects?select=id,...agg_categories(cat:name)&agg_categories.name=eq.Build&order=agg_categories(cat).desc,id'))
      .toEqual([1, 4, 5, 2, 3]);
  });

  it('reads every column of an embed selected empty', async () => {
    expect(await ids('/agg_projects?select=id,agg_categories()&order=agg_categories(budget).desc.nullslast,id'))
      .toEqual([2, 3, 1, 5, 4]);
  });

  it('answers Postgres\' 42703 on PostgREST\'s join alias for a column the embed does not output', async () => {
    const response = await rest('/agg_projects?select=id,agg_categories(name)&order=agg_categories(budget)');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: '42703', message: 'column agg_projects_agg_categories_1.budget does not exist', details: null, hint: null,
    });
  });

  it('refuses `embed.col` as an order term (PGRST100): the embed goes in parentheses', async () => {
    const response = await rest('/agg_projects?select=id,agg_categories(name)&order=agg_categories.name');
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('PGRST100');
  });
});
