/**
 * PUT (PostgREST's single-row upsert by primary key) and limit/offset on PATCH and DELETE, which
 * PostgREST v13+ reads and then ignores. supabase-js has no PUT, so PUT goes over raw HTTP.
 */
import { describe, expect, it } from 'vitest';
import { anonClient, sql } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();

function put(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return rest(path, { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body), headers });
}

const item = async (id: number) => sql('select id, name, qty from public.conf_put_items where id = $1', [id]);

const wrongFilters = {
  code: 'PGRST105',
  message: "Filters must include all and only primary key columns with 'eq' operators",
  details: null,
  hint: null,
};
const keyMismatch = {
  code: 'PGRST115',
  message: 'Payload values do not match URL in primary key column(s)',
  details: null,
  hint: null,
};

describe('PUT', () => {
  it('inserts a new row (201) and replaces it on the next PUT (200), answering the representation', async () => {
    const first = await put('/conf_put_items?id=eq.101', { id: 101, name: 'anvil', qty: 2 }, { prefer: 'return=representation, count=exact' });
    expect(first.status).toBe(201);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(first.headers.get('preference-applied')).toBe('return=representation, count=exact');
    // PostgREST gives a PUT no Content-Range and no Location.
    expect(first.headers.get('content-range')).toBeNull();
    expect(first.headers.get('location')).toBeNull();
    expect(await first.json()).toEqual([{ id: 101, name: 'anvil', qty: 2 }]);

    const second = await put('/conf_put_items?id=eq.101', { id: 101, name: 'anvil v2', qty: 3 }, { prefer: 'return=representation' });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual([{ id: 101, name: 'anvil v2', qty: 3 }]);
    expect(await item(101)).toEqual([{ id: 101, name: 'anvil v2', qty: 3 }]);
  });

  it('answers 204 without a body by default and with return=minimal, inserting and updating alike', async () => {
    const inserted = await put('/conf_put_items?id=eq.102', { id: 102, name: 'bolt' });
    expect(inserted.status).toBe(204);
    expect(inserted.headers.get('content-type')).toBeNull();
    expect(await inserted.text()).toBe('');
    const updated = await put('/conf_put_items?id=eq.102', { id: 102, name: 'bolt v2' }, { prefer: 'return=minimal' });
    expect(updated.status).toBe(204);
    expect(updated.headers.get('preference-applied')).toBe('return=minimal');
    expect(await item(102)).toEqual([{ id: 102, name: 'bolt v2', qty: 0 }]);
  });

  it('sets only the columns the body names: the others keep their value, or take their default on insert', async () => {
    await sql('insert into public.conf_put_items values (103, $1, 7)', ['crate']);
    const response = await put('/conf_put_items?id=eq.103', { id: 103, name: 'crate v2' }, { prefer: 'return=representation' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ id: 103, name: 'crate v2', qty: 7 }]);
  });

  it('shapes the representation with select=, embeds and the object media type, ignoring columns=', async () => {
    await sql(`insert into public.conf_put_items values (104, 'drum', 1);
      insert into public.conf_put_parts values (1041, 104, 'skin'), (1042, 104, 'shell')`);
    const response = await put(
      '/conf_put_items?id=eq.104&select=name,parts:conf_put_parts(label)&parts.order=label.desc&columns=qty',
      { id: 104, name: 'drum v2' },
      { prefer: 'return=representation', accept: 'application/vnd.pgrst.object+json' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.pgrst.object+json; charset=utf-8');
    expect(await response.json()).toEqual({ name: 'drum v2', parts: [{ label: 'skin' }, { label: 'shell' }] });
    expect(await item(104)).toEqual([{ id: 104, name: 'drum v2', qty: 1 }]);
  });

  it('puts only the element of an array body that matches the URL', async () => {
    const response = await put(
      '/conf_put_items?id=eq.105',
      [{ id: 105, name: 'easel' }, { id: 106, name: 'not this one' }],
      { prefer: 'return=representation' },
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual([{ id: 105, name: 'easel', qty: 0 }]);
    expect(await sql('select id from public.conf_put_items where id in (105, 106)')).toEqual([{ id: 105 }]);
  });

  it('upserts on a composite key when both key columns are filtered with eq', async () => {
    const response = await put('/conf_put_pairs?a=eq.x&b=eq.1', { a: 'x', b: 1, note: 'one' }, { prefer: 'return=representation' });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual([{ a: 'x', b: 1, note: 'one' }]);
    const again = await put('/conf_put_pairs?b=eq.1&a=eq.x', { a: 'x', b: 1, note: 'uno' }, { prefer: 'return=representation' });
    expect(again.status).toBe(200);
    expect(await sql('select note from public.conf_put_pairs where a = $1 and b = 1', ['x'])).toEqual([{ note: 'uno' }]);
  });

  it('upserts through a view whose key is the table’s primary key', async () => {
    const response = await put('/conf_put_items_view?id=eq.107', { id: 107, name: 'flute' }, { prefer: 'return=representation' });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual([{ id: 107, name: 'flute', qty: 0 }]);
    expect(await item(107)).toEqual([{ id: 107, name: 'flute', qty: 0 }]);
  });

  it('refuses (405 PGRST105) unless the filters are exactly one eq per primary-key column, changing nothing', async () => {
    await sql(`insert into public.conf_put_items values (108, 'gong', 1)`);
    const body = { id: 108, name: 'changed' };
    for (const query of [
      '', 'name=eq.gong', 'id=eq.108&name=eq.gong', 'id=not.eq.108', 'id=in.(108)', 'id=gt.107', 'id=eq(any).{108}',
      'or=(id.eq.108)', 'and=(id.eq.108)', 'id=eq.108&select=*,conf_put_parts(*)&conf_put_parts.label=eq.x',
      'id=eq.108&select=*,conf_put_parts(*)&conf_put_parts.or=(label.eq.x)', 'id->a=eq.108',
    ]) {
      const response = await put(`/conf_put_items?${query}`, body);
      expect({ query, status: response.status }).toEqual({ query, status: 405 });
      expect(await response.json()).toEqual(wrongFilters);
    }
    const composite = await put('/conf_put_pairs?a=eq.x', { a: 'x', b: 2 });
    expect(composite.status).toBe(405);
    expect(await composite.json()).toEqual(wrongFilters);
    // A table without a primary key has no single row to name.
    const loose = await put('/conf_put_loose?a=eq.one&b=eq.two', { a: 'one', b: 'two' });
    expect(loose.status).toBe(405);
    expect(await loose.json()).toEqual(wrongFilters);
    expect(await item(108)).toEqual([{ id: 108, name: 'gong', qty: 1 }]);
    expect(await sql('select count(*)::int as n from public.conf_put_loose')).toEqual([{ n: 0 }]);
  });

  it('refuses a body whose key differs from the URL (400 PGRST115), changing nothing', async () => {
    await sql(`insert into public.conf_put_items values (109, 'harp', 1)`);
    const other = await put('/conf_put_items?id=eq.109', { id: 110, name: 'changed' });
    expect(other.status).toBe(400);
    expect(await other.json()).toEqual(keyMismatch);
    const none = await put('/conf_put_items?id=eq.109', [{ id: 110, name: 'a' }, { id: 111, name: 'b' }]);
    expect(none.status).toBe(400);
    expect(await none.json()).toEqual(keyMismatch);
    const composite = await put('/conf_put_pairs?a=eq.y&b=eq.1', { a: 'y', b: 2 });
    expect(composite.status).toBe(400);
    expect(await composite.json()).toEqual(keyMismatch);
    expect(await item(109)).toEqual([{ id: 109, name: 'harp', qty: 1 }]);
    expect(await sql('select id from public.conf_put_items where id in (110, 111)')).toEqual([]);
    expect(await sql('select 1 from public.conf_put_pairs where a = $1', ['y'])).toEqual([]);
  });

  it('refuses limit and offset (400 PGRST114) but lets offset=0 and a Range header through', async () => {
    for (const query of ['limit=1', 'offset=1', 'limit=0']) {
      const response = await put(`/conf_put_items?id=eq.112&${query}`, { id: 112, name: 'iron' });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        code: 'PGRST114',
        message: 'limit/offset querystring parameters are not allowed for PUT',
        details: null,
        hint: null,
      });
    }
    expect(await item(112)).toEqual([]);
    const zero = await put('/conf_put_items?id=eq.112&offset=0', { id: 112, name: 'iron' }, { range: '1-1' });
    expect(zero.status).toBe(204);
    expect(await item(112)).toEqual([{ id: 112, name: 'iron', qty: 0 }]);
  });

  it('answers bad bodies with a 4xx that names the problem, changing nothing', async () => {
    const cases: Array<[unknown, number, Record<string, unknown>]> = [
      ['{"id": 113', 400, { code: 'PGRST102', message: 'Empty or invalid json' }],
      ['', 400, { code: 'PGRST102', message: 'Empty or invalid json' }],
      [[{ id: 113, name: 'a' }, { id: 113 }], 400, { code: 'PGRST102', message: 'All object keys must match' }],
      [[{ id: 113, name: 'a' }, 5], 400, { code: 'PGRST102', message: 'All object keys must match' }],
      [{ id: 113, name: 'a', colour: 'red' }, 400, { code: 'PGRST204', message: "Could not find the 'colour' column of 'conf_put_items' in the schema cache" }],
      // Without the key in the body there is nothing to match: Postgres names the missing column.
      [{ name: 'a' }, 400, { code: '42703', message: 'column pgrst_body.id does not exist' }],
      [{}, 400, { code: '42703', message: 'column pgrst_body.id does not exist' }],
      [[], 400, { code: '42703', message: 'column pgrst_body.id does not exist' }],
      ['7', 400, { code: '42703', message: 'column pgrst_body.id does not exist' }],
      [{ id: 'x', name: 'a' }, 400, { code: '22P02' }],
      [{ id: 113, name: null }, 400, { code: '23502' }],
    ];
    for (const [body, status, error] of cases) {
      const response = await put('/conf_put_items?id=eq.113', body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(await response.json()).toMatchObject(error);
    }
    const badFilter = await put('/conf_put_items?id=eq.abc', { id: 113, name: 'a' });
    expect(badFilter.status).toBe(400);
    expect(await badFilter.json()).toMatchObject({ code: '22P02' });
    const xml = await rest('/conf_put_items?id=eq.113', { method: 'PUT', body: '<a/>', headers: { 'content-type': 'text/xml' } });
    expect(xml.status).toBe(415);
    expect(await item(113)).toEqual([]);
  });

  it('refuses a body naming the key twice with a 400, not a 500, changing nothing', async () => {
    const response = await put('/conf_put_items?id=eq.114', [{ id: 114, name: 'a' }, { id: 114, name: 'b' }]);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: '21000', message: 'ON CONFLICT DO UPDATE command cannot affect row a second time' });
    expect(await item(114)).toEqual([]);
  });

  it('follows row-level security: inserts where allowed, refuses to replace a row the caller may not update', async () => {
    const refused = await put('/conf_put_owned?id=eq.1', { id: 1, owner: 'anon', body: 'taken over' });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: '42501' });
    expect(await sql('select owner, body from public.conf_put_owned where id = 1')).toEqual([{ owner: 'someone else', body: 'kept' }]);
    const added = await put('/conf_put_owned?id=eq.2', { id: 2, owner: 'anon', body: 'mine' });
    expect(added.status).toBe(204);
    const replaced = await put('/conf_put_owned?id=eq.2', { id: 2, owner: 'anon', body: 'mine, edited' });
    expect(replaced.status).toBe(204);
    expect(await sql('select body from public.conf_put_owned where id = 2')).toEqual([{ body: 'mine, edited' }]);
  });
});

describe('limit/offset on PATCH and DELETE (read, then ignored, as PostgREST v13+)', () => {
  const group = async (grp: string, n = 3) => {
    await sql('insert into public.conf_put_batch (grp, n) select $1, g from generate_series(1, $2::int) g', [grp, n]);
  };
  const touched = async (grp: string) =>
    (await sql<{ n: number }>('select n from public.conf_put_batch where grp = $1 and touched order by n', [grp])).map((r) => r.n);
  const left = async (grp: string) =>
    (await sql<{ n: number }>('select n from public.conf_put_batch where grp = $1 order by n', [grp])).map((r) => r.n);

  it('updates every matching row through supabase-js’s update().order().limit()', async () => {
    await group('u1');
    const { error, status } = await db.from('conf_put_batch').update({ touched: true }).eq('grp', 'u1').order('n').limit(1);
    expect(error).toBeNull();
    expect(status).toBe(204);
    expect(await touched('u1')).toEqual([1, 2, 3]);
  });

  it('returns every changed row in the requested order, not a page of them', async () => {
    await group('u2');
    const { data, error, status } = await db
      .from('conf_put_batch')
      .update({ touched: true })
      .eq('grp', 'u2')
      .select('n, touched')
      .order('n', { ascending: false })
      .range(1, 1);
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(data).toEqual([{ n: 3, touched: true }, { n: 2, touched: true }, { n: 1, touched: true }]);
  });

  it('deletes every matching row through supabase-js’s delete().limit()', async () => {
    await group('d1');
    const { error, status, count } = await db.from('conf_put_batch').delete({ count: 'exact' }).eq('grp', 'd1').order('n').limit(1);
    expect(error).toBeNull();
    expect(status).toBe(204);
    expect(count).toBe(3);
    expect(await left('d1')).toEqual([]);
  });

  it('deletes past an offset too, and reports the count with no range, as PostgREST', async () => {
    await group('d3');
    const response = await rest('/conf_put_batch?grp=eq.d3&order=n&offset=2&limit=1', {
      method: 'DELETE',
      headers: { prefer: 'return=representation, count=exact' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-range')).toBe('*/3');
    expect(((await response.json()) as Array<{ n: number }>).map((r) => r.n)).toEqual([1, 2, 3]);
    expect(await left('d3')).toEqual([]);
  });

  it('ignores limit and offset on embeds of a write’s representation too', async () => {
    await sql(`insert into public.conf_put_items values (120, 'jug', 1);
      insert into public.conf_put_parts values (1201, 120, 'handle'), (1202, 120, 'lid')`);
    const response = await rest('/conf_put_items?id=eq.120&select=name,conf_put_parts(label)&conf_put_parts.order=label&conf_put_parts.limit=1&conf_put_parts.offset=1&limit=0', {
      method: 'PATCH',
      body: JSON.stringify({ name: 'jug v2' }),
      headers: { prefer: 'return=representation' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ name: 'jug v2', conf_put_parts: [{ label: 'handle' }, { label: 'lid' }] }]);
  });

  it('is no filter: a DELETE with only a limit is still refused as unfiltered, changing nothing', async () => {
    await group('d2', 2);
    const response = await rest('/conf_put_batch?limit=1', { method: 'DELETE' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: '21000', message: 'DELETE requires a WHERE clause' });
    expect(await left('d2')).toEqual([1, 2]);
  });

  it('still refuses a limit that is not a number (400 PGRST100), changing nothing', async () => {
    await group('u3', 2);
    const response = await rest('/conf_put_batch?grp=eq.u3&limit=abc', { method: 'PATCH', body: JSON.stringify({ touched: true }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'PGRST100', message: '"failed to parse limit parameter (abc)"' });
    expect(await touched('u3')).toEqual([]);
  });
});
