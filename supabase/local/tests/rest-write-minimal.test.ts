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
