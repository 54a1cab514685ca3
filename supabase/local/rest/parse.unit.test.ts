/** The REST query grammar on its own: what parses, into what, and what is refused with PGRST100. */
import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { MAX_LOGIC_DEPTH, parseLogic, parseOperation, parseOrder, splitKey } from './parse-filters.ts';
import { parseSelect } from './parse-select.ts';
import { handlerLookup, hasDefaultSelect, negotiate, parsePrefer } from './prefer.ts';
import { ANY_ELEMENT, type MediaHandler, type SchemaCache } from './schema-cache.ts';

function refusal(run: () => unknown): { status: number; code: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('expected the input to be refused');
}

describe('select grammar', () => {
  it('reads aliases, casts, JSON paths, embeds with hints and joins, and spreads', () => {
    expect(parseSelect('id, n:name, price::text, data->a->>b, a:authors!fk!inner(id), ...t(x)')).toEqual([
      { kind: 'column', field: { name: 'id', path: [] }, alias: undefined, cast: undefined },
      { kind: 'column', field: { name: 'name', path: [] }, alias: 'n', cast: undefined },
      { kind: 'column', field: { name: 'price', path: [] }, alias: undefined, cast: 'text' },
      { kind: 'column', field: { name: 'data', path: [{ arrow: '->', key: 'a' }, { arrow: '->>', key: 'b' }] }, alias: undefined, cast: undefined },
      { kind: 'embed', name: 'authors', alias: 'a', hint: 'fk', join: 'inner', spread: false, items: [{ kind: 'column', field: { name: 'id', path: [] }, alias: undefined, cast: undefined }] },
      { kind: 'embed', name: 't', alias: undefined, hint: undefined, join: undefined, spread: true, items: [{ kind: 'column', field: { name: 'x', path: [] }, alias: undefined, cast: undefined }] },
    ]);
  });

  it('unquotes "quoted ""names"""', () => {
    expect(parseSelect('"a ""b"""')).toMatchObject([{ kind: 'column', field: { name: 'a "b"' } }]);
  });

  it('refuses SQL in identifiers and casts', () => {
    for (const text of ['id;drop table x', 'id)--', "x->>'a'", 'id::int;select', 'a:b:c', '"open']) {
      expect(refusal(() => parseSelect(text)), text).toEqual({ status: 400, code: 'PGRST100' });
    }
  });

  it('reads aggregates with casts before and after (allowed or not is decided by the configuration)', () => {
    expect(parseSelect('count()')).toEqual([{ kind: 'aggregate', fn: 'count', alias: undefined, resultCast: undefined }]);
    expect(parseSelect('t:a->>b::numeric.sum()::int')).toEqual([{
      kind: 'aggregate', fn: 'sum', alias: 't', field: { name: 'a', path: [{ arrow: '->>', key: 'b' }] }, cast: 'numeric', resultCast: 'int',
    }]);
    for (const text of ['a.median()', 'a.sum', 'a.sum();x', 'a.sum()::int;drop']) {
      expect(refusal(() => parseSelect(text)), text).toEqual({ status: 400, code: 'PGRST100' });
    }
  });
});

describe('filters', () => {
  const field = { name: 'x', path: [] };

  it('reads negation, quantifiers, fts configs and in-lists', () => {
    expect(parseOperation(field, 'not.like(any).{a*,b*}', '')).toMatchObject({ negate: true, op: 'like', quantifier: 'any', value: '{a*,b*}' });
    expect(parseOperation(field, 'fts(english).cat & dog', '')).toMatchObject({ op: 'fts', config: 'english', value: 'cat & dog' });
    expect(parseOperation(field, 'in.(1,"a,b","c\\"d")', '')).toMatchObject({ op: 'in', value: ['1', 'a,b', 'c"d'] });
    expect(parseOperation(field, 'eq.a.b.c', '')).toMatchObject({ op: 'eq', value: 'a.b.c' });
  });

  it('refuses unknown operators, bad modifiers and bad is values', () => {
    for (const text of ['foo.1', 'eq', 'is.maybe', 'like(some).x', 'fts(en;glish).x']) {
      expect(refusal(() => parseOperation(field, text, text)), text).toEqual({ status: 400, code: 'PGRST100' });
    }
  });

  it('reads nested logic trees with quoted values', () => {
    const tree = parseLogic('or', false, '(a.eq.1,not.and(b.gt.2,c.in.(3,4)),d.eq."x,)y")');
    expect(tree).toMatchObject({
      op: 'or',
      children: [
        { kind: 'filter', field: { name: 'a' }, op: 'eq', value: '1' },
        { kind: 'logic', op: 'and', negate: true, children: [{ op: 'gt', value: '2' }, { op: 'in', value: ['3', '4'] }] },
        { kind: 'filter', field: { name: 'd' }, value: 'x,)y' },
      ],
    });
    expect(refusal(() => parseLogic('or', false, '(a.eq.1'))).toEqual({ status: 400, code: 'PGRST100' });
  });

  it(`reads logic trees ${MAX_LOGIC_DEPTH} levels deep and refuses deeper ones with PGRST100, whatever the depth`, () => {
    const nested = (levels: number) => `(${'or('.repeat(levels - 1)}a.eq.1${')'.repeat(levels - 1)})`;
    expect(parseLogic('or', false, nested(MAX_LOGIC_DEPTH)).kind).toBe('logic');
    for (const levels of [MAX_LOGIC_DEPTH + 1, 3000, 50_000]) {
      expect(refusal(() => parseLogic('or', false, nested(levels))), String(levels)).toEqual({ status: 400, code: 'PGRST100' });
    }
  });

  it('reads order terms and splits embed paths', () => {
    expect(parseOrder('a.desc.nullslast,b,data->>k.asc')).toEqual([
      { field: { name: 'a', path: [] }, direction: 'desc', nulls: 'last' },
      { field: { name: 'b', path: [] } },
      { field: { name: 'data', path: [{ arrow: '->>', key: 'k' }] }, direction: 'asc' },
    ]);
    expect(refusal(() => parseOrder('a.sideways'))).toEqual({ status: 400, code: 'PGRST100' });
    expect(splitKey('books.tags.or')).toEqual(['books', 'tags', 'or']);
    expect(splitKey('"a.b".c')).toEqual(['"a.b"', 'c']);
  });
});

describe('headers', () => {
  it('splits comma-joined preferences and keeps the invalid ones for handling=strict', () => {
    const prefs = parsePrefer('return=representation, count=exact,missing=default, bogus=1', new Set());
    expect(prefs).toMatchObject({ return: 'representation', count: 'exact', missing: 'default', invalid: ['bogus=1'] });
  });

  it('treats names of Object.prototype members as unknown preferences', () => {
    const prefs = parsePrefer('constructor=x, __proto__=y, toString, return=minimal', new Set());
    expect(prefs).toMatchObject({ return: 'minimal', invalid: ['constructor=x', '__proto__=y', 'toString'] });
  });

  it('takes a timezone only when Postgres knows the zone; any other is an invalid preference', () => {
    const zones = new Set(['UTC', 'Europe/Paris']);
    expect(parsePrefer('timezone=Europe/Paris', zones)).toMatchObject({ timezone: 'Europe/Paris', invalid: [] });
    for (const zone of ['Not/AZone', 'europe/paris', "UTC'; select 1", '']) {
      const prefs = parsePrefer(`timezone=${zone}`, zones);
      expect(prefs.timezone, zone).toBeUndefined();
      expect(prefs.invalid, zone).toEqual([`timezone=${zone}`]);
    }
  });

  it('negotiates media types', () => {
    expect(negotiate(undefined)).toEqual({ kind: 'json', stripNulls: false });
    expect(negotiate('application/vnd.pgrst.object+json;nulls=stripped')).toEqual({ kind: 'object', stripNulls: true });
    expect(negotiate('text/csv')).toEqual({ kind: 'csv', stripNulls: false });
    expect(refusal(() => negotiate('application/xml'))).toEqual({ status: 406, code: 'PGRST107' });
    expect(refusal(() => negotiate('application/*'))).toEqual({ status: 406, code: 'PGRST107' });
  });

  it('negotiates the database\'s media type handlers in PostgREST\'s order', () => {
    const handler = (contentType: string): MediaHandler => ({ kind: 'aggregate', sql: 'x', target: null, contentType, binary: false });
    const html = handler('text/html');
    const any = handler('application/octet-stream');
    const anyCsv = handler('text/csv; charset=utf-8');
    const json = handler('application/json; charset=utf-8');
    const cache = {
      mediaHandlers: new Map([
        ['s.page', new Map([['text/html', html]])],
        ['s.blob', new Map([['*/*', any]])],
        [ANY_ELEMENT, new Map([['text/csv', anyCsv]])],
        ['s.json', new Map([['application/json', json]])],
      ]),
    } as unknown as SchemaCache;
    const page = handlerLookup(cache, 's.page', true);
    expect(negotiate('text/html', page)).toMatchObject({ kind: 'custom', handler: html });
    // `*/*` (and no Accept) finds the built-in JSON unless the target's own handler is `*/*`.
    expect(negotiate('*/*', page)).toEqual({ kind: 'json', stripNulls: false });
    expect(negotiate(undefined, handlerLookup(cache, 's.blob', true))).toMatchObject({ kind: 'custom', handler: any });
    expect(negotiate('image/png', handlerLookup(cache, 's.blob', true))).toMatchObject({ kind: 'custom', handler: any });
    // Vendored media types are never overridden.
    expect(negotiate('application/vnd.pgrst.object', handlerLookup(cache, 's.blob', true))).toMatchObject({ kind: 'object' });
    // A target's own handlers need the default select; those for any relation do not.
    expect(refusal(() => negotiate('text/html', handlerLookup(cache, 's.page', false)))).toEqual({ status: 406, code: 'PGRST107' });
    expect(negotiate('text/csv', handlerLookup(cache, 's.page', false))).toMatchObject({ kind: 'custom', handler: anyCsv });
    // A handler for application/json overrides the built-in one, also for the array media type.
    expect(negotiate('application/vnd.pgrst.array+json', handlerLookup(cache, 's.json', true))).toMatchObject({ handler: json });
    expect(hasDefaultSelect(new URLSearchParams(''))).toBe(true);
    expect(hasDefaultSelect(new URLSearchParams('select=*'))).toBe(true);
    expect(hasDefaultSelect(new URLSearchParams('select=id'))).toBe(false);
  });
});
