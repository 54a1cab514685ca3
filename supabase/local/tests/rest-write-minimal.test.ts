/**
 * Writes without a representation (`Prefer: return=minimal`, what supabase-js sends unless `.select()`
 * follows): they need only the write's own privileges and policies, as in PostgREST.
 */
import { describe, expect, it } from 'vitest';
import { anonClient, sql } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();
const unique = (what: string) => `${what}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe('return=minimal without SELECT', () => {
  it('inserts into a table the caller may not read (contact-form pattern)', async () => {
    const email = `${unique('form')}@example.test`;
    const { error, status, data } = await db.from('conf_inbox').insert({ email, message: 'hello' });
    expect(error).toBeNull();
    expect(status).toBe(201);
    expect(data).toBeNull();
    expect(await sql('select message from public.conf_inbox where email = $1', [email])).toEqual([{ message: 'hello' }]);
  });

  it('inserts several rows and still counts them', async () => {
    const email = `${unique('bulk')}@example.test`;
    const { error, count } = await db.from('conf_inbox').insert([{ email }, { email }], { count: 'exact' });
    expect(error).toBeNull();
    expect(count).toBe(2);
  });

  it('still refuses to read the rows back when a representation is asked for', async () => {
    const email = `${unique('rep')}@example.test`;
    const { error, status } = await db.from('conf_inbox').insert({ email }).select();
    expect(status).toBe(401);
    expect(error).toMatchObject({ code: '42501', message: 'permission denied for table conf_inbox' });
    expect(await sql('select 1 from public.conf_inbox where email = $1', [email])).toEqual([]);
  });

  it('updates by key with SELECT on the key column only', async () => {
    const { error, status } = await db.from('conf_flags').update({ flagged: true }).eq('id', 1);
    expect(error).toBeNull();
    expect(status).toBe(204);
    expect(await sql('select flagged from public.conf_flags where id = 1')).toEqual([{ flagged: true }]);
  });

  it('updates with a count and max-affected without reading the row back', async () => {
    const response = await rest('/conf_flags?id=in.(1,2)', {
      method: 'PATCH',
      body: JSON.stringify({ flagged: false }),
      headers: { prefer: 'return=minimal, count=exact, handling=strict, max-affected=2' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('content-range')).toBe('0-1/2');
  });

  it('deletes by key with SELECT on the key column only', async () => {
    const { error, status } = await db.from('conf_flags').delete().eq('id', 3);
    expect(error).toBeNull();
    expect(status).toBe(204);
    expect(await sql('select id from public.conf_flags where id = 3')).toEqual([]);
  });

  it('tells an upsert’s insert (201) from its update (200) without reading the rows back', async () => {
    const voter = unique('voter');
    const first = await db.from('conf_votes').upsert({ voter, choice: 'a' });
    expect(first.error).toBeNull();
    expect(first.status).toBe(201);
    const second = await db.from('conf_votes').upsert({ voter, choice: 'b' });
    expect(second.error).toBeNull();
    expect(second.status).toBe(200);
    expect(await sql('select choice from public.conf_votes where voter = $1', [voter])).toEqual([{ choice: 'b' }]);
    const mixed = await db.from('conf_votes').upsert([{ voter, choice: 'c' }, { voter: unique('voter'), choice: 'c' }]);
    expect(mixed.status).toBe(201);
  });
});

describe('Prefer: missing=default', () => {
  it('fills identity, column and domain defaults in a bulk insert, with generated columns computed', async () => {
    const qty = 1000 + (process.pid % 1000);
    const response = await rest('/conf_orders?columns=id,qty,note,priority', {
      method: 'POST',
      body: JSON.stringify([{ qty, note: 'given', priority: 1 }, { id: 900000 + (process.pid % 1000), qty: qty + 1 }]),
      headers: { prefer: 'missing=default, return=representation' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('preference-applied')).toBe('missing=default, return=representation');
    const rows = (await response.json()) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ qty, note: 'given', priority: 1, total: qty * 2 });
    expect(typeof rows[0]!.id).toBe('number');
    expect(typeof rows[0]!.ref).toBe('number');
    expect(rows[1]).toMatchObject({ id: 900000 + (process.pid % 1000), qty: qty + 1, note: 'none', priority: 3, total: (qty + 1) * 2 });
  });

  it('refuses a value for a generated column as Postgres does (400), changing nothing', async () => {
    const response = await rest('/conf_orders?columns=qty,total', {
      method: 'POST',
      body: JSON.stringify([{ qty: 5 }]),
      headers: { prefer: 'missing=default' },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('428C9');
  });
});
