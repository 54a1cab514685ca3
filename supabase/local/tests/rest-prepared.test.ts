/**
 * REST keeps its statements prepared on each connection and ends most transactions in the request's one
 * round trip (rest/pipeline.ts, rest/execute.ts). The bookkeeping is checked against Postgres' own
 * `pg_prepared_statements` on a real connection; the round trip through supabase-js.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreparedStatements, runPipeline, type PipelinedStatement } from '../rest/pipeline.ts';
import { anonClient, sql, stack } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const statement = (text: string, values: unknown[] = []): PipelinedStatement => ({ text, values, describe: true, prepare: true });

describe('statements prepared per connection', () => {
  let client: pg.Client;
  const run = (prepared: PreparedStatements, ...statements: PipelinedStatement[]) =>
    runPipeline(client as unknown as pg.PoolClient, statements, prepared);
  const held = async () =>
    (await client.query<{ statement: string }>('select statement from pg_prepared_statements order by statement')).rows.map((row) => row.statement);

  beforeEach(async () => {
    client = new pg.Client({ connectionString: stack.dbUrl });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
  });

  it('parses a statement once and binds it again with new values', async () => {
    const prepared = new PreparedStatements();
    for (const value of [1, 2, 3]) {
      const [rows] = await run(prepared, statement('select $1::int + 1 as next', [value]));
      expect(rows).toEqual([{ next: String(value + 1) }]);
    }
    expect(await held()).toEqual(['select $1::int + 1 as next']);
  });

  it('keeps at most the limit, closing the least recently used', async () => {
    const prepared = new PreparedStatements(2);
    await run(prepared, statement('select 1 as a'));
    await run(prepared, statement('select 2 as b'));
    await run(prepared, statement('select 1 as a'));
    await run(prepared, statement('select 3 as c'));
    // The eviction of `b` is sent at the start of the connection's next pipeline.
    await run(prepared, statement('select 1 as a'));
    expect(await held()).toEqual(['select 1 as a', 'select 3 as c']);
  });

  it('stays right when a statement fails in the middle of a pipeline', async () => {
    const prepared = new PreparedStatements();
    const first = statement('select $1::int as first', [1]);
    const failing = (divisor: number) => statement('select 10 / $1::int as second', [divisor]);
    const third = statement('select 3 as third');
    await expect(run(prepared, first, failing(0), third)).rejects.toMatchObject({ statementIndex: 1, pgError: { code: '22012' } });
    // Parsed before the failure, kept; the failed one closed (it had been parsed); the skipped one never existed.
    const rows = await run(prepared, first, failing(5), third);
    expect(rows).toEqual([[{ first: '1' }], [{ second: '2' }], [{ third: '3' }]]);
    expect(await held()).toEqual(['select $1::int as first', 'select 10 / $1::int as second', 'select 3 as third']);
  });

  it('stays right when a statement does not parse', async () => {
    const prepared = new PreparedStatements();
    await expect(run(prepared, statement('select 1 as one'), statement('selec 2'))).rejects.toMatchObject({ statementIndex: 1, pgError: { code: '42601' } });
    expect(await run(prepared, statement('select 1 as one'), statement('select 2 as two'))).toEqual([[{ one: '1' }], [{ two: '2' }]]);
    expect(await held()).toEqual(['select 1 as one', 'select 2 as two']);
  });

  it('closes every statement at the next use after a schema reload', async () => {
    const prepared = new PreparedStatements();
    await run(prepared, statement('select 1 as old'));
    prepared.invalidate();
    expect(await run(prepared, statement('select 1 as old'), statement('select 2 as new'))).toEqual([[{ old: '1' }], [{ new: '2' }]]);
    // `old` was closed and prepared anew under another name: one of each.
    expect(await held()).toEqual(['select 1 as old', 'select 2 as new']);
  });

  it('leaves statements not marked for preparing unnamed', async () => {
    const prepared = new PreparedStatements();
    await run(prepared, { text: 'select 1 as once', values: [], describe: true });
    expect(await held()).toEqual([]);
  });
});

describe('transactions ended in the same round trip', () => {
  const db = anonClient();

  it('answers a deferred constraint that fails at COMMIT, and keeps nothing', async () => {
    const id = Math.floor(Math.random() * 1e9);
    const code = `code-${id}`;
    expect((await db.from('conf_deferred').insert({ id, code })).error).toBeNull();
    const { error, status } = await db.from('conf_deferred').insert({ id: id + 1, code });
    expect(status).toBe(409);
    expect(error).toMatchObject({ code: '23505', message: 'duplicate key value violates unique constraint "conf_deferred_code"' });
    expect(await sql('select id from public.conf_deferred where code = $1', [code])).toEqual([{ id }]);
  });

  it('answers the same when the result is judged before COMMIT (singular response)', async () => {
    const id = Math.floor(Math.random() * 1e9);
    const code = `code-${id}`;
    await db.from('conf_deferred').insert({ id, code }).throwOnError();
    const { error, status } = await db.from('conf_deferred').insert({ id: id + 1, code }).select().single();
    expect(status).toBe(409);
    expect(error).toMatchObject({ code: '23505' });
    expect(await sql('select id from public.conf_deferred where code = $1', [code])).toEqual([{ id }]);
  });

  it('still rolls back a write whose singular response fails', async () => {
    const base = Math.floor(Math.random() * 1e9);
    const response = await rest('/conf_deferred', {
      method: 'POST',
      body: JSON.stringify([{ id: base, code: `a-${base}` }, { id: base + 1, code: `b-${base}` }]),
      headers: { prefer: 'return=representation', accept: 'application/vnd.pgrst.object+json', 'content-type': 'application/json' },
    });
    expect(response.status).toBe(406);
    expect(await sql('select id from public.conf_deferred where id in ($1, $2)', [base, base + 1])).toEqual([]);
  });

  it('answers a column whose type changed with the new type, from the same prepared request', async () => {
    await sql(`create table if not exists public.conf_retyped (id int primary key, v int not null);
      grant select on public.conf_retyped to anon;
      alter table public.conf_retyped enable row level security;
      create policy conf_retyped_read on public.conf_retyped for select to anon using (true);
      insert into public.conf_retyped values (1, 7);`);
    const read = () => db.from('conf_retyped').select('id, v');
    await expect.poll(async () => (await read()).data, { timeout: 5000 }).toEqual([{ id: 1, v: 7 }]);
    await sql(`alter table public.conf_retyped alter column v type text using v::text || ' days'`);
    // Right after the DDL (before or after the schema reload), never an error.
    const { data, error } = await read();
    expect(error).toBeNull();
    expect([[{ id: 1, v: 7 }], [{ id: 1, v: '7 days' }]]).toContainEqual(data);
    await expect.poll(async () => (await read()).data, { timeout: 5000 }).toEqual([{ id: 1, v: '7 days' }]);
  });
});
