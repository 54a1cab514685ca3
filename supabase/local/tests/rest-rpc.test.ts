/** REST `rpc`: argument passing, result shapes, errors raised in SQL, transaction mode, request settings. */
import { describe, expect, it } from 'vitest';
import { anonClient, serviceClient, sql } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();


describe('rpc arguments and result shapes', () => {
  it('returns a scalar as bare JSON, using defaults for missing arguments', async () => {
    expect(await db.rpc('conf_add', { a: 2, b: 5 })).toMatchObject({ data: 7, error: null, status: 200 });
    expect((await db.rpc('conf_add', { a: 2 })).data).toBe(3);
    const response = await rest('/rpc/conf_add', { method: 'POST', body: '{"a": 40, "b": 2}' });
    expect(await response.text()).toBe('42');
  });

  it('returns a NULL scalar as JSON null', async () => {
    const response = await rest('/rpc/conf_add', { method: 'POST', body: '{"a": null}' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('null');
  });

  it('calls with GET and HEAD, arguments in the query string', async () => {
    expect((await db.rpc('conf_add', { a: 10 }, { get: true })).data).toBe(11);
    const head = await rest('/rpc/conf_add?a=1', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('returns a set of rows that supports select, filters, order, limit and count', async () => {
    const { data, count, error } = await db
      .rpc('conf_books_by', { author: 1 }, { count: 'exact' })
      .select('id, title, conf_authors!author_id(name)')
      .gt('id', 1)
      .order('id', { ascending: false })
      .limit(1);
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 6, title: 'A Wizard, (of) "Earthsea"', conf_authors: { name: 'Ursula' } }]);
    expect(count).toBe(2);
  });

  it('filters a set-returning function called with GET', async () => {
    const response = await rest('/rpc/conf_books_by?author=2&select=id&pages=lt.250');
    expect(await response.json()).toEqual([{ id: 3 }]);
  });

  it('returns TABLE results as an array of objects and a single composite as an object', async () => {
    expect((await db.rpc('conf_book_count', { author: 2 })).data).toEqual([{ author_id: 2, books: 2 }]);
    const { data } = await db.rpc('conf_first_book').select('id, title');
    expect(data).toEqual({ id: 1, title: 'The Dispossessed' });
  });

  it('returns a set of scalars as an array', async () => {
    expect((await db.rpc('conf_numbers', { n: 3 })).data).toEqual([1, 2, 3]);
  });

  it('answers 204 for a void function', async () => {
    const { status, data, error } = await db.rpc('conf_noop');
    expect(error).toBeNull();
    expect(status).toBe(204);
    expect(data).toBeNull();
  });

  it('passes json arguments and a whole body to a single unnamed jsonb parameter', async () => {
    expect((await db.rpc('conf_echo', { payload: { a: [1, { b: null }] } })).data).toEqual({ a: [1, { b: null }] });
    const response = await rest('/rpc/conf_whole', { method: 'POST', body: '[1, "two"]' });
    expect(await response.json()).toEqual({ got: [1, 'two'] });
  });

  it('answers 404 PGRST202 with a hint for unknown functions and arguments', async () => {
    const missing = await db.rpc('conf_nothing_here');
    expect(missing.status).toBe(404);
    expect(missing.error?.code).toBe('PGRST202');
    const wrongArgs = await db.rpc('conf_add', { x: 1, a: 1 });
    expect(wrongArgs.status).toBe(404);
    expect(wrongArgs.error).toMatchObject({
      code: 'PGRST202',
      message: 'Could not find the function public.conf_add(a, x) in the schema cache',
      details: 'Searched for the function public.conf_add with parameters a, x or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.conf_add(a, b)',
    });
    // Nothing close enough: no hint, as PostgREST's fuzzy match finds none.
    expect((await db.rpc('conf_add', { x: 1 })).error).toMatchObject({
      details: 'Searched for the function public.conf_add with parameter x or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: null,
    });
  });

  it('answers 300 PGRST203 for ambiguous overloads', async () => {
    const { status, error } = await db.rpc('conf_overload', { a: 1 });
    expect(status).toBe(300);
    expect(error?.code).toBe('PGRST203');
  });

  it('answers 400 PGRST102 for a malformed body', async () => {
    const response = await rest('/rpc/conf_add', { method: 'POST', body: '{"a":' });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('PGRST102');
  });
});

describe('rpc errors and transactions', () => {
  it('maps RAISE EXCEPTION (P0001) to 400 with message, details and hint in order', async () => {
    const response = await rest('/rpc/conf_fail', { method: 'POST', body: '{}' });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toBe('{"code":"P0001","message":"conf failure","details":"conf detail","hint":"conf hint"}');
    const { error } = await db.rpc('conf_fail');
    expect(error).toMatchObject({ code: 'P0001', message: 'conf failure', details: 'conf detail', hint: 'conf hint' });
  });

  it('maps SQLSTATE PTxyz to HTTP xyz', async () => {
    const { status, error } = await db.rpc('conf_payment_required');
    expect(status).toBe(402);
    expect(error).toMatchObject({ code: 'PT402', message: 'Payment required', details: 'Top up credits' });
  });

  it('runs volatile functions read-write on POST, and answers 405 when GET makes them write', async () => {
    const label = `rpc-${process.pid}-${Date.now()}`;
    const posted = await db.rpc('conf_touch', { label });
    expect(posted.error).toBeNull();
    expect(await sql('select label from public.conf_scratch where label = $1', [label])).toEqual([{ label }]);
    const viaGet = await db.rpc('conf_touch', { label: `${label}-get` }, { get: true });
    expect(viaGet.status).toBe(405);
    expect(viaGet.error?.code).toBe('25006');
    expect(await sql('select 1 from public.conf_scratch where label = $1', [`${label}-get`])).toEqual([]);
    await sql('delete from public.conf_scratch where label = $1', [label]);
  });

  it('applies response.status and response.headers set by the function', async () => {
    const response = await rest('/rpc/conf_teapot', { method: 'POST', body: '{}' });
    expect(response.status).toBe(418);
    expect(response.headers.get('x-conf')).toBe('brewed');
    expect(await response.json()).toBe('short and stout');
  });

  it('sets the role, claims, request settings and the role’s statement_timeout like PostgREST', async () => {
    const response = await rest('/rpc/conf_whoami', { method: 'POST', body: '{}', headers: { 'x-conf-marker': 'here' } });
    const body = await response.json();
    expect(body).toMatchObject({
      role: 'anon',
      claims: { role: 'anon', iss: 'supabase-demo' },
      method: 'POST',
      path: '/rpc/conf_whoami',
      header: 'here',
      search_path: '"public", "public", "extensions"',
      statement_timeout: '3s',
      read_only: 'on',
    });
    const service = await serviceClient().rpc('conf_whoami');
    expect(service.data).toMatchObject({ role: 'service_role', claims: { role: 'service_role' } });
  });
});
