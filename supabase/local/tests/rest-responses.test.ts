/** REST responses: media types, singular objects, unknown resources and schemas, row limits. */
import { describe, expect, it } from 'vitest';
import { anonClient, sql } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();

describe('media types', () => {
  it('.single() returns an object, and 406 PGRST116 unless exactly one row', async () => {
    const one = await db.from('conf_tags').select('label').eq('id', 2).single();
    expect(one.data).toEqual({ label: 'award' });
    const many = await db.from('conf_tags').select('label').single();
    expect(many.status).toBe(406);
    expect(many.error).toMatchObject({
      code: 'PGRST116',
      message: 'Cannot coerce the result to a single JSON object',
      details: 'The result contains 3 rows',
    });
    const none = await db.from('conf_tags').select('label').eq('id', 99).single();
    expect(none.error?.details).toBe('The result contains 0 rows');
    const maybe = await db.from('conf_tags').select('label').eq('id', 99).maybeSingle();
    expect(maybe).toMatchObject({ data: null, error: null });
  });

  it('.csv() returns CSV', async () => {
    const { data } = await db.from('conf_authors').select('id,name,bio->>country').order('id').limit(2).csv();
    expect(data).toBe('id,name,country\n1,Ursula,US\n2,Stanislaw,PL');
  });

  it('strips nulls when asked', async () => {
    const { data } = await db.from('conf_authors').select('id,born').eq('id', 3).stripNulls();
    expect(data).toEqual([{ id: 3 }]);
  });

  it('answers 406 PGRST107 to an unknown Accept', async () => {
    const response = await rest('/conf_tags', { headers: { accept: 'application/xml' } });
    expect(response.status).toBe(406);
    expect((await response.json()).code).toBe('PGRST107');
  });

  it('answers HEAD without a body', async () => {
    const response = await rest('/conf_tags', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('sends JSON with charset', async () => {
    const response = await rest('/conf_tags');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });
});

describe('unknown resources', () => {
  it('answers 404 PGRST205 for an unknown table', async () => {
    const { error, status } = await db.from('conf_missing').select();
    expect(status).toBe(404);
    expect(error).toMatchObject({ code: 'PGRST205', message: "Could not find the table 'public.conf_missing' in the schema cache" });
  });

  it('answers 400 42703 for an unknown column in select, filter and order', async () => {
    for (const query of ['select=nope', 'nope=eq.1', 'order=nope']) {
      const response = await rest(`/conf_books?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json(), query).toMatchObject({ code: '42703', message: 'column conf_books.nope does not exist' });
    }
  });

  it('answers 406 PGRST106 for a schema that is not exposed', async () => {
    const { error, status } = await db.schema('auth').from('users').select();
    expect(status).toBe(406);
    expect(error).toMatchObject({ code: 'PGRST106', hint: 'Only the following schemas are exposed: public, graphql_public' });
  });

  it('refuses aggregates, which Supabase does not enable', async () => {
    const response = await rest('/conf_books?select=count()');
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('PGRST123');
  });
});

describe('profiles and limits', () => {
  it('reads the schema named by Accept-Profile', async () => {
    const response = await rest('/conf_books', { headers: { 'accept-profile': 'graphql_public' } });
    expect(response.status).toBe(404);
    expect((await response.json()).message).toBe("Could not find the table 'graphql_public.conf_books' in the schema cache");
    const writes = await rest('/conf_scratch', { method: 'POST', body: '{}', headers: { 'content-profile': 'auth' } });
    expect(writes.status).toBe(406);
    expect((await writes.json()).code).toBe('PGRST106');
  });

  it('caps responses at api.max_rows (1000) and says so in Content-Range', async () => {
    const response = await rest('/rpc/conf_numbers?n=1005', { headers: { prefer: 'count=exact' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('0-999/1005');
    expect(((await response.json()) as number[]).length).toBe(1000);
  });

  it('filters embedded rows with an embedded or=', async () => {
    const { data, error } = await db
      .from('conf_authors')
      .select('id, conf_books!author_id(id)')
      .eq('id', 1)
      .or('id.eq.2,pages.is.null', { referencedTable: 'conf_books' })
      .order('id', { referencedTable: 'conf_books' });
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 1, conf_books: [{ id: 2 }, { id: 6 }] }]);
  });

  it('counts with HEAD exactly what the table holds', async () => {
    const [row] = await sql<{ n: number }>('select count(*)::int as n from public.conf_books');
    const { count } = await db.from('conf_books').select('*', { count: 'exact', head: true });
    expect(count).toBe(row!.n);
  });
});
