/** REST reads as supabase-js sends them: select grammar, embeds, every filter, order, ranges, counts, media types. */
import { describe, expect, it } from 'vitest';
import { anonClient } from './helpers.ts';
import { rest } from './rest-helpers.ts';

const db = anonClient();

async function ids(filter: string): Promise<number[]> {
  const select = filter.startsWith('select=') ? '' : 'select=id&';
  const response = await rest(`/conf_books?${select}order=id&${filter}`);
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return (body as Array<{ id: number }>).map((row) => row.id);
}

describe('select', () => {
  it('returns chosen columns with aliases, casts and JSON paths', async () => {
    const { data, error } = await db
      .from('conf_authors')
      .select('id, who:name, born::text, country:bio->>country, hugo:bio->awards->hugo, awards:bio->awards')
      .eq('id', 1)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: 1, who: 'Ursula', born: '1929-10-21', country: 'US', hugo: 5, awards: { hugo: 5 } });
    expect(Object.keys(data!)).toEqual(['id', 'who', 'born', 'country', 'hugo', 'awards']);
  });

  it('keeps the key of the last JSON path element and casts to text', async () => {
    const response = await rest('/conf_authors?select=bio->awards->>hugo,id::text&id=eq.2');
    expect(await response.json()).toEqual([{ hugo: '0', id: '2' }]);
  });

  it('expands * in column order', async () => {
    const { data } = await db.from('conf_tags').select('*').eq('id', 1);
    expect(data).toEqual([{ id: 1, label: 'classic' }]);
  });

  it('embeds to-one as an object or null and to-many as an array', async () => {
    const { data, error } = await db
      .from('conf_books')
      .select('id, author:conf_authors!author_id(name), editor:conf_authors!editor_id(name), conf_tags(label)')
      .in('id', [1, 2])
      .order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 1, author: { name: 'Ursula' }, editor: { name: 'Stanislaw' }, conf_tags: [{ label: 'classic' }, { label: 'award' }] },
      { id: 2, author: { name: 'Ursula' }, editor: null, conf_tags: [] },
    ]);
  });

  it('embeds one-to-many, one-to-one and nested embeds with their own filters, order and limit', async () => {
    const { data, error } = await db
      .from('conf_authors')
      .select('name, conf_author_profiles(website), books:conf_books!author_id(title, conf_tags(label))')
      .eq('id', 1)
      .gt('books.pages', 300)
      .order('title', { referencedTable: 'books', ascending: false })
      .limit(1, { referencedTable: 'books' })
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({
      name: 'Ursula',
      conf_author_profiles: { website: 'https://ursula.example' },
      books: [{ title: 'The Left Hand of Darkness', conf_tags: [] }],
    });
  });

  it('filters parents with !inner and with embed=not.is.null / is.null', async () => {
    const inner = await db.from('conf_books').select('id, conf_tags!inner(label)').eq('conf_tags.label', 'award').order('id');
    expect(inner.data).toEqual([
      { id: 1, conf_tags: [{ label: 'award' }] },
      { id: 6, conf_tags: [{ label: 'award' }] },
    ]);
    expect(await ids('select=id,editor:conf_authors!editor_id(id)&editor=not.is.null')).toEqual([1, 3]);
    expect(await ids('select=id,conf_tags(id)&conf_tags=is.null')).toEqual([2, 4, 5]);
  });

  it('spreads a to-one embed into the parent', async () => {
    const { data } = await db.from('conf_books').select('title, ...conf_authors!author_id(author_name:name)').eq('id', 3);
    expect(data).toEqual([{ title: 'Solaris', author_name: 'Stanislaw' }]);
  });

  it('asks for a hint when two relationships match', async () => {
    const response = await rest('/conf_books?select=conf_authors(name)');
    expect(response.status).toBe(300);
    const body = await response.json();
    expect(body.code).toBe('PGRST201');
    expect(body.hint).toContain('conf_authors!conf_books_author_id_fkey');
  });

  it('answers 400 PGRST200 for an embed without a relationship and PGRST108 for a filter on one not selected', async () => {
    const none = await rest('/conf_tags?select=conf_authors(name)');
    expect(none.status).toBe(400);
    expect((await none.json()).code).toBe('PGRST200');
    const unselected = await rest('/conf_books?select=id&conf_tags.label=eq.x');
    expect(unselected.status).toBe(400);
    expect((await unselected.json()).code).toBe('PGRST108');
  });
});

describe('filters', () => {
  const cases: Array<[string, number[]]> = [
    ['id=eq.3', [3]],
    ['id=neq.3', [1, 2, 4, 5, 6]],
    ['pages=gt.300', [1, 2]],
    ['pages=gte.304', [1, 2]],
    ['pages=lt.264', [3]],
    ['pages=lte.264', [3, 5]],
    ['title=like.*Dark*', [2]],
    ['title=like.The%25', [1, 2, 4]],
    ['title=ilike.*SOLARIS', [3]],
    ['title=match.^The [CD]', [1, 4]],
    ['title=imatch.^the [cd]', [1, 4]],
    ['published=is.null', [5]],
    ['published=is.true', [1, 2, 3, 6]],
    ['published=is.false', [4]],
    ['published=is.not_null', [1, 2, 3, 4, 6]],
    ['published=is.unknown', [5]],
    ['published=isdistinct.true', [4, 5]],
    ['id=in.(2,4,99)', [2, 4]],
    ['title=in.("A Wizard, (of) \\"Earthsea\\"",Solaris)', [3, 6]],
    ['tags=cs.{scifi,politics}', [1]],
    ['tags=cd.{scifi,humor,gender}', [2, 3, 4, 5]],
    ['tags=ov.{fantasy,humor}', [4, 6]],
    ['rating=sl.[5,6)', [1, 3, 5]],
    ['rating=sr.[3,4)', [3, 6]],
    ['rating=nxr.[1,4)', [1, 5]],
    ['rating=nxl.[4,10)', [3, 6]],
    ['rating=adj.[3,4)', [3, 5]],
    ['search=fts.dispossess', [1]],
    ['search=plfts(english).left hand', [2]],
    ['search=phfts.left hand', [2]],
    ['search=wfts."the cyberiad" or solaris', [3, 4]],
    ['title=fts(english).wizard', [6]],
    ['id=not.eq.3', [1, 2, 4, 5, 6]],
    ['id=not.in.(1,2,3)', [4, 5, 6]],
    ['published=not.is.null', [1, 2, 3, 4, 6]],
    ['title=like(any).{*Dark*,Sol*}', [2, 3]],
    ['title=like(all).{The*,*ness}', [2]],
    ['pages=gt(any).{380,300}', [1, 2]],
    ['or=(id.eq.1,id.eq.5)', [1, 5]],
    ['or=(pages.gt.300,and(published.is.false,price.is.null))', [1, 2, 4]],
    ['not.or=(id.lt.3,published.is.true)', [4, 5]],
    ['and=(id.gt.1,id.lt.4)', [2, 3]],
    ['or=(title.eq."A Wizard, (of) \\"Earthsea\\"",id.in.(1,2))', [1, 2, 6]],
    ['id=gt.1&id=lt.4', [2, 3]],
  ];
  for (const [filter, expected] of cases) {
    it(`${filter}`, async () => {
      expect(await ids(filter.replace(/ /g, '%20'))).toEqual(expected);
    });
  }

  it('filters on JSON paths', async () => {
    const { data } = await db.from('conf_authors').select('id').eq('bio->>country', 'PL');
    expect(data).toEqual([{ id: 2 }]);
  });

  it('filters through supabase-js helpers (not, or, match, textSearch, containedBy)', async () => {
    const notIn = await db.from('conf_books').select('id').not('id', 'in', '(1,2,3,4)').order('id');
    expect(notIn.data).toEqual([{ id: 5 }, { id: 6 }]);
    const or = await db.from('conf_books').select('id').or('id.eq.2,title.eq.Solaris').order('id');
    expect(or.data).toEqual([{ id: 2 }, { id: 3 }]);
    const match = await db.from('conf_books').select('id').match({ author_id: 2, published: false });
    expect(match.data).toEqual([{ id: 4 }]);
    const search = await db.from('conf_books').select('id').textSearch('search', 'darkness', { config: 'english' });
    expect(search.data).toEqual([{ id: 2 }]);
  });

  it('refuses an unknown operator with 400 PGRST100', async () => {
    const response = await rest('/conf_books?id=foo.3');
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('PGRST100');
  });

  it('answers 400 for a value of the wrong type', async () => {
    const { error } = await db.from('conf_books').select('id').eq('id', 'abc');
    expect(error?.code).toBe('22P02');
  });
});

describe('order, limit, ranges and counts', () => {
  it('orders by several terms with nulls placement', async () => {
    const { data } = await db.from('conf_books').select('id').order('published', { ascending: false, nullsFirst: true }).order('id', { ascending: false });
    expect(data!.map((row) => row.id)).toEqual([5, 6, 3, 2, 1, 4]);
    const response = await rest('/conf_books?select=id&order=price.desc.nullslast,id.asc');
    expect((await response.json()).map((r: { id: number }) => r.id)).toEqual([3, 1, 2, 5, 6, 4]);
  });

  it('pages with limit/offset (range) and reports counts in Content-Range', async () => {
    const { data, count, status } = await db.from('conf_books').select('id', { count: 'exact' }).order('id').range(2, 3);
    expect(data).toEqual([{ id: 3 }, { id: 4 }]);
    expect(count).toBe(6);
    expect(status).toBe(206);
    const response = await rest('/conf_books?select=id&order=id&offset=2&limit=2', { headers: { prefer: 'count=exact' } });
    expect(response.headers.get('content-range')).toBe('2-3/6');
    expect(response.headers.get('preference-applied')).toBe('count=exact');
  });

  it('answers 200 when the page holds everything and */0 when nothing matched', async () => {
    const all = await rest('/conf_books?select=id', { headers: { prefer: 'count=exact' } });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-range')).toBe('0-5/6');
    const none = await rest('/conf_books?select=id&id=eq.999', { headers: { prefer: 'count=exact' } });
    expect(none.status).toBe(200);
    expect(none.headers.get('content-range')).toBe('*/0');
    const unknownTotal = await rest('/conf_books?select=id&limit=2');
    expect(unknownTotal.headers.get('content-range')).toBe('0-1/*');
  });

  it('honours the Range header and answers 416 past the end', async () => {
    const ranged = await rest('/conf_books?select=id&order=id', { headers: { range: '1-2', 'range-unit': 'items' } });
    expect(await ranged.json()).toEqual([{ id: 2 }, { id: 3 }]);
    const past = await rest('/conf_books?select=id&offset=10', { headers: { prefer: 'count=exact' } });
    expect(past.status).toBe(416);
    expect((await past.json()).code).toBe('PGRST103');
  });

  it('counts with head: true and with planned/estimated counts', async () => {
    const { count, data, error } = await db.from('conf_books').select('*', { count: 'exact', head: true }).eq('author_id', 1);
    expect(error).toBeNull();
    expect(data).toBeNull();
    expect(count).toBe(3);
    const estimated = await db.from('conf_books').select('id', { count: 'estimated' }).eq('author_id', 1);
    expect(estimated.count).toBe(3);
    const planned = await db.from('conf_books').select('id', { count: 'planned' });
    expect(typeof planned.count).toBe('number');
  });

  it('refuses a malformed limit', async () => {
    const response = await rest('/conf_books?limit=ten');
    expect(response.status).toBe(400);
  });
});
