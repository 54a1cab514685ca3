/** Response shapes PostgREST builds in SQL: CSV as Postgres quotes records; embed alias clashes. */
import { describe, expect, it } from 'vitest';
import { anonClient, sql } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();

describe('CSV output', () => {
  it('quotes commas, quotes, parentheses and empty strings, and prints arrays and booleans as Postgres does', async () => {
    const { data, error } = await db.from('conf_books').select('id, title, tags, published').in('id', [1, 5, 6]).order('id').csv();
    expect(error).toBeNull();
    expect(data).toBe([
      'id,title,tags,published',
      '1,"The Dispossessed","{scifi,politics}",t',
      '5,Kindred,{},',
      '6,"A Wizard, (of) ""Earthsea""",{fantasy},t',
    ].join('\n'));
  });

  it('quotes newlines and backslashes inside values', async () => {
    const label = `csv\nline "two" \\ end-${process.pid}-${Date.now()}`;
    const [{ id }] = (await sql<{ id: number }>('insert into public.conf_scratch (label) values ($1) returning id', [label])) as [{ id: number }];
    try {
      const response = await rest(`/conf_scratch?select=id,label,qty&id=eq.${id}`, { headers: { accept: 'text/csv' } });
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(await response.text()).toBe(`id,label,qty\n${id},"${label.replace(/\\/g, '\\\\').replace(/"/g, '""')}",0`);
    } finally {
      await sql('delete from public.conf_scratch where id = $1', [id]);
    }
  });

  it('answers a header line alone for no rows, as PostgREST', async () => {
    const response = await rest('/conf_tags?id=eq.99', { headers: { accept: 'text/csv' } });
    expect(await response.text()).toBe('\n');
  });
});

describe('duplicate embed aliases', () => {
  it('raise Postgres’ error as PostgREST’s generated join names do (400 42712)', async () => {
    const { error, status } = await db.from('conf_books').select('id, a:conf_authors!author_id(name), a:conf_authors!editor_id(name)');
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: '42712', message: 'table name "conf_books_a_1" specified more than once' });
  });

  it('allow one alias on different levels', async () => {
    const { data, error } = await db
      .from('conf_books')
      .select('id, a:conf_authors!author_id(name, a:conf_author_profiles(website))')
      .eq('id', 1)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: 1, a: { name: 'Ursula', a: { website: 'https://ursula.example' } } });
  });
});

describe('unknown columns', () => {
  /** What Postgres itself answers for the same reference, which PostgREST passes on. */
  async function postgresError(column: string): Promise<{ message: string; hint: string | null }> {
    try {
      await sql(`select conf_books.${column} from public.conf_books`);
    } catch (error) {
      const { message, hint } = error as { message: string; hint?: string };
      return { message, hint: hint ?? null };
    }
    throw new Error(`column ${column} exists`);
  }

  it('answer 400 42703 with Postgres’ message and “Perhaps you meant” hint', async () => {
    expect((await postgresError('titl')).hint).toBe('Perhaps you meant to reference the column "conf_books.title".');
    for (const column of ['titl', 'pagess', 'idd', 'tag', 'banana', 'ratings', 'x']) {
      const response = await rest(`/conf_books?select=id,${column}`);
      expect(response.status, column).toBe(400);
      const body = await response.json();
      expect({ code: body.code, message: body.message, hint: body.hint }, column).toEqual({ code: '42703', ...(await postgresError(column)) });
    }
  });
});

describe('Location headers', () => {
  it('reads carry Content-Location: the query string sorted by name, as PostgREST canonicalizes it', async () => {
    const response = await rest('/conf_tags?select=id,label&order=id&id=gt.0&label=like.a b*');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-location')).toBe('/conf_tags?id=gt.0&label=like.a%20b%2A&order=id&select=id%2Clabel');
  });

  it('an insert with return=headers-only answers 201 with the new row’s Location and no body', async () => {
    const label = `located-${process.pid}-${Date.now()}`;
    const response = await rest('/conf_scratch', {
      method: 'POST',
      body: JSON.stringify({ label }),
      headers: { prefer: 'return=headers-only' },
    });
    expect(response.status).toBe(201);
    const [{ id }] = (await sql<{ id: number }>('select id from public.conf_scratch where label = $1', [label])) as [{ id: number }];
    expect(response.headers.get('location')).toBe(`/conf_scratch?id=eq.${id}`);
    expect(await response.text()).toBe('');
    const two = await rest('/conf_scratch', {
      method: 'POST',
      body: JSON.stringify([{ label }, { label }]),
      headers: { prefer: 'return=headers-only' },
    });
    expect(two.status).toBe(201);
    expect(two.headers.get('location')).toBeNull();
    await sql('delete from public.conf_scratch where label = $1', [label]);
  });
});
