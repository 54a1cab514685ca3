/**
 * The `filter` of a Postgres Changes subscription, as supabase-js sends it: `column=op.value`, several
 * joined by commas (AND). The operators are the ones supabase-js documents (eq, neq, lt, lte, gt, gte,
 * in); `in.(a,b)` takes up to 100 values. Values stay untyped SQL literals, so Postgres casts them to
 * the column's type, as Realtime does.
 */
import pg from 'pg';

export interface Filter {
  column: string;
  /** The condition on the row expression `row` (e.g. an alias of a populated record). */
  sql(row: string): string;
}

const OPERATORS: Record<string, string> = { eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };
const MAX_IN_VALUES = 100;

const ident = (name: string) => pg.Client.prototype.escapeIdentifier(name);
const literal = (value: string) => pg.Client.prototype.escapeLiteral(value);

/** Splits on `separator` outside parentheses and double quotes. */
function split(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted && char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1]!;
      i += 1;
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '(') depth += 1;
    else if (!quoted && char === ')') depth -= 1;
    if (char === separator && depth === 0 && !quoted) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/** A PostgREST-quoted value (`"a,b"` with `\` escapes) or a bare one. */
function unquote(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  return trimmed;
}

/** Throws an Error saying what is wrong; the caller turns it into Realtime's subscription error. */
export function parseFilter(text: string, columns: Array<{ name: string }>): Filter[] {
  return split(text, ',').map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`filter "${part}" is not column=op.value`);
    const column = part.slice(0, eq).trim();
    if (!columns.some((c) => c.name === column)) throw new Error(`unknown column "${column}"`);
    const rest = part.slice(eq + 1);
    const dot = rest.indexOf('.');
    if (dot <= 0) throw new Error(`filter "${part}" has no operator`);
    const op = rest.slice(0, dot);
    const value = rest.slice(dot + 1);
    if (op === 'in') {
      if (!value.startsWith('(') || !value.endsWith(')')) throw new Error('in. needs a parenthesised list');
      const values = split(value.slice(1, -1), ',').map(unquote);
      if (values.length === 0 || values.length > MAX_IN_VALUES) throw new Error(`in. takes 1 to ${MAX_IN_VALUES} values`);
      return { column, sql: (row) => `(${row}).${ident(column)} in (${values.map(literal).join(', ')})` };
    }
    const operator = OPERATORS[op];
    if (!operator) throw new Error(`unknown operator "${op}"`);
    const single = unquote(value);
    return { column, sql: (row) => `(${row}).${ident(column)} ${operator} ${literal(single)}` };
  });
}
