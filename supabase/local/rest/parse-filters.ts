/**
 * PostgREST's query-string grammar besides `select`: filters (`col=[not.]op[(any|all)|(config)].value`),
 * logic trees (`or=(a.eq.1,and(b.gt.2,c.is.null))`), `order`, `limit`, `offset`, each optionally
 * prefixed by an embed path (`books.title=eq.x`, `books.order=…`).
 */
import { parseError } from './errors.ts';
import { Scanner, type FieldRef } from './parse-select.ts';

export const operators = new Set([
  'eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch', 'is', 'isdistinct', 'in',
  'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj', 'fts', 'plfts', 'phfts', 'wfts',
]);
const quantifiable = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch']);
const ftsOps = new Set(['fts', 'plfts', 'phfts', 'wfts']);

export interface Filter {
  kind: 'filter';
  field: FieldRef;
  negate: boolean;
  op: string;
  quantifier?: 'any' | 'all';
  config?: string;
  /** The raw value; a list for `in`. */
  value: string | string[];
}

export interface Logic {
  kind: 'logic';
  op: 'and' | 'or';
  negate: boolean;
  children: Condition[];
}

export type Condition = Filter | Logic;

export interface OrderTerm {
  field: FieldRef;
  /** `embed(col)`: order by a column of a to-one embed. */
  relation?: string;
  direction?: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

/** `[not.]op[(mod)].value` after the field, as in `col=not.like(any).{a*,b*}`. */
export function parseOperation(field: FieldRef, text: string, whole: string): Filter {
  let rest = text;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const match = /^([a-z]+)(?:\(([^)]*)\))?\./.exec(rest);
  if (!match || !operators.has(match[1]!)) {
    throw parseError(`"failed to parse filter (${whole})"`, `unknown or malformed operator in "${text}"`);
  }
  const op = match[1]!;
  const modifier = match[2];
  const raw = rest.slice(match[0].length);
  const filter: Filter = { kind: 'filter', field, negate, op, value: raw };
  if (modifier !== undefined) {
    if (ftsOps.has(op)) {
      if (!/^[A-Za-z0-9_]+$/.test(modifier)) throw parseError(`"failed to parse filter (${whole})"`, 'invalid text search config');
      filter.config = modifier;
    } else if ((modifier === 'any' || modifier === 'all') && quantifiable.has(op)) {
      filter.quantifier = modifier;
    } else {
      throw parseError(`"failed to parse filter (${whole})"`, `unexpected modifier "(${modifier})" for "${op}"`);
    }
  }
  if (op === 'in') filter.value = parseList(raw, whole);
  if (op === 'is' && !/^(null|not_null|true|false|unknown)$/i.test(raw)) {
    throw parseError(`"failed to parse filter (${whole})"`, `"is" takes null, not_null, true, false or unknown, not "${raw}"`);
  }
  return filter;
}

/** `(a,"b,c",d)` → ['a', 'b,c', 'd']. */
function parseList(raw: string, whole: string): string[] {
  if (!raw.startsWith('(') || !raw.endsWith(')')) {
    throw parseError(`"failed to parse filter (${whole})"`, 'expecting a list like in.(a,b)');
  }
  const inner = raw.slice(1, -1);
  const values: string[] = [];
  if (inner.trim() === '') return values;
  let i = 0;
  for (;;) {
    let value = '';
    if (inner[i] === '"') {
      i += 1;
      while (i < inner.length && inner[i] !== '"') {
        if (inner[i] === '\\' && i + 1 < inner.length) i += 1;
        value += inner[i];
        i += 1;
      }
      if (inner[i] !== '"') throw parseError(`"failed to parse filter (${whole})"`, 'unclosed quote in list');
      i += 1;
    } else {
      while (i < inner.length && inner[i] !== ',') {
        value += inner[i];
        i += 1;
      }
    }
    values.push(value);
    if (i >= inner.length) break;
    if (inner[i] !== ',') throw parseError(`"failed to parse filter (${whole})"`, 'expecting "," in list');
    i += 1;
  }
  return values;
}

/**
 * How deeply `and(…)`/`or(…)` may nest. The parser and the SQL built from the tree recurse once per
 * level, so without a bound a tree 3,000 deep overflowed the stack and answered 500; real filters
 * nest a handful of levels.
 */
export const MAX_LOGIC_DEPTH = 100;

/** The value of an `or`/`and` parameter: `(cond,cond,…)`. */
export function parseLogic(op: 'and' | 'or', negate: boolean, text: string): Logic {
  const s = new Scanner(text, 'logic tree');
  const logic = logicBody(s, op, negate, text, 1);
  if (!s.done()) s.fail('end of input');
  return logic;
}

function logicBody(s: Scanner, op: 'and' | 'or', negate: boolean, whole: string, level: number): Logic {
  if (level > MAX_LOGIC_DEPTH) {
    throw parseError(`"failed to parse logic tree (${whole})"`,
      `and/or nest more than ${MAX_LOGIC_DEPTH} levels deep at position ${s.pos + 1}`);
  }
  if (!s.eat('(')) s.fail('"("');
  const children: Condition[] = [];
  do {
    children.push(logicElement(s, whole, level));
  } while (s.eat(','));
  if (!s.eat(')')) s.fail('")" or ","');
  return { kind: 'logic', op, negate, children };
}

function logicElement(s: Scanner, whole: string, level: number): Condition {
  for (const [prefix, op, negate] of [
    ['not.and(', 'and', true], ['not.or(', 'or', true], ['and(', 'and', false], ['or(', 'or', false],
  ] as const) {
    if (s.startsWith(prefix)) {
      s.pos += prefix.length - 1;
      return logicBody(s, op, negate, whole, level + 1);
    }
  }
  const field = s.field();
  if (!s.eat('.')) s.fail('"." after a column');
  const start = s.pos;
  let depth = 0;
  let quoted = false;
  while (!s.done()) {
    const ch = s.peek();
    if (quoted) {
      if (ch === '\\') s.pos += 1;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '(' || ch === '{' || ch === '[') depth += 1;
    else if ((ch === ')' || ch === '}' || ch === ']') && depth > 0) depth -= 1;
    else if ((ch === ',' || ch === ')') && depth === 0) break;
    s.pos += 1;
  }
  const operation = s.text.slice(start, s.pos);
  const filter = parseOperation(field, operation, whole);
  if (typeof filter.value === 'string') filter.value = unquote(filter.value);
  return filter;
}

/** Inside logic trees a value may be double-quoted to carry `,` or `)`. */
function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

export function parseOrder(text: string): OrderTerm[] {
  const s = new Scanner(text, 'order');
  const terms: OrderTerm[] = [];
  do {
    let field = s.field();
    let relation: string | undefined;
    if (s.peek() === '(' && field.path.length === 0) {
      s.pos += 1;
      relation = field.name;
      field = s.field();
      if (!s.eat(')')) s.fail('")"');
    }
    const term: OrderTerm = relation === undefined ? { field } : { field, relation };
    while (s.eat('.')) {
      if (s.eat('asc')) term.direction = 'asc';
      else if (s.eat('desc')) term.direction = 'desc';
      else if (s.eat('nullsfirst')) term.nulls = 'first';
      else if (s.eat('nullslast')) term.nulls = 'last';
      else s.fail('asc, desc, nullsfirst or nullslast');
    }
    terms.push(term);
  } while (s.eat(','));
  if (!s.done()) s.fail('"," or end of input');
  return terms;
}

export function parseNonNegative(name: string, text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw parseError(`"failed to parse ${name} parameter (${text})"`);
  return Number(text);
}

/** A query key `a.b.c` → embed path ['a','b'] and last part 'c' (quotes respected). */
export function splitKey(key: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of key) {
    if (ch === '"') quoted = !quoted;
    if (ch === '.' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** A filter key's field (`col`, `data->a->>b`, `"weird col"`). */
export function parseFieldKey(text: string): FieldRef {
  const s = new Scanner(text, 'filter column');
  const field = s.field();
  if (!s.done()) s.fail('end of the column name');
  return field;
}
