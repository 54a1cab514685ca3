/** REST `rpc`: raw bodies for a single unnamed parameter, overloads by argument names, ranges and counts. */
import { describe, expect, it } from 'vitest';
import { anonClient } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();
const post = (fn: string, body: BodyInit, type: string) =>
  rest(`/rpc/${fn}`, { method: 'POST', body, headers: { 'content-type': type } });

describe('a single unnamed parameter', () => {
  it('takes a text/plain body as text', async () => {
    const response = await post('conf_shout', 'hello, world', 'text/plain');
    expect(response.status).toBe(200);
    expect(await response.json()).toBe('HELLO, WORLD');
  });

  it('takes a text/xml body as xml', async () => {
    const response = await post('conf_root', '<order><id>1</id></order>', 'text/xml');
    expect(await response.json()).toBe('order');
  });

  it('takes an application/octet-stream body as bytea', async () => {
    const response = await post('conf_size', new Uint8Array([0, 1, 2, 255, 0]), 'application/octet-stream');
    expect(await response.json()).toBe(5);
  });

  it('answers 404 PGRST202 worded as PostgREST when no function takes that type', async () => {
    const response = await post('conf_shout', '<a/>', 'text/xml');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      code: 'PGRST202',
      message: 'Could not find the function public.conf_shout in the schema cache',
      details: 'Searched for the function public.conf_shout with a single unnamed xml parameter, but no matches were found in the schema cache.',
      hint: null,
    });
  });
});

describe('overloads', () => {
  it('are chosen by the argument names given', async () => {
    expect((await db.rpc('conf_pick', { a: 1 })).data).toBe('a');
    expect((await db.rpc('conf_pick', { b: 'x' })).data).toBe('b');
    expect((await db.rpc('conf_pick', { a: 1, c: 2 })).data).toBe('a,c');
    expect((await db.rpc('conf_pick', { a: 1 }, { get: true })).data).toBe('a');
  });
});

describe('ranges and counts of single values', () => {
  it('counts a scalar result as one row', async () => {
    const { data, count, error } = await db.rpc('conf_add', { a: 1 }, { count: 'exact' });
    expect(error).toBeNull();
    expect(data).toBe(2);
    expect(count).toBe(1);
    const response = await rest('/rpc/conf_add', { method: 'POST', body: '{"a": 1}', headers: { prefer: 'count=exact' } });
    expect(response.headers.get('content-range')).toBe('0-0/1');
  });

  it('answers a filter on a scalar result as PostgREST v14 does: a column the result lacks', async () => {
    const filtered = await db.rpc('conf_add', { a: 1 }).gt('conf_add', 1);
    expect(filtered.status).toBe(400);
    expect(filtered.error).toMatchObject({ code: '42703', message: 'column conf_add.conf_add does not exist' });
    const other = await rest('/rpc/conf_add?a=1&total=eq.2');
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ code: '42703', message: 'column conf_add.total does not exist' });
    // Modifiers keep their own answer: a 400 that says the local service does not take them here.
    const ordered = await rest('/rpc/conf_add?a=1&order=conf_add');
    expect(ordered.status).toBe(400);
    expect(await ordered.json()).toMatchObject({ code: 'PGRST100' });
  });

  it('reports the range of a call without a count, void included', async () => {
    const scalar = await rest('/rpc/conf_add', { method: 'POST', body: '{"a": 1}' });
    expect(scalar.headers.get('content-range')).toBe('0-0/*');
    const empty = await rest('/rpc/conf_noop', { method: 'POST', body: '{}' });
    expect(empty.status).toBe(204);
    expect(empty.headers.get('content-range')).toBe('0-0/*');
  });
});

describe('not-found errors worded as PostgREST', () => {
  it('suggests a close function name, and takes a GET parameter with an operator as a filter', async () => {
    const { error, status } = await db.rpc('conf_ad', { a: 1 });
    expect(status).toBe(404);
    expect(error).toMatchObject({
      message: 'Could not find the function public.conf_ad(a) in the schema cache',
      hint: 'Perhaps you meant to call the function public.conf_add',
    });
    const viaGet = await rest('/rpc/conf_add?a=eq.1');
    expect(await viaGet.json()).toMatchObject({
      code: 'PGRST202',
      message: 'Could not find the function public.conf_add without parameters in the schema cache',
      details: 'Searched for the function public.conf_add without parameters, but no matches were found in the schema cache.',
    });
  });

  it('suggests a close table name (PGRST205)', async () => {
    const response = await rest('/conf_author');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      code: 'PGRST205',
      message: "Could not find the table 'public.conf_author' in the schema cache",
      details: null,
      hint: "Perhaps you meant the table 'public.conf_authors'",
    });
  });
});
