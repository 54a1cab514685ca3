/**
 * Shared by reads, mutations' representations and RPC results: distributing query parameters over
 * the select tree, the top-level range, and the final statement that aggregates rows to JSON with the
 * count and the `response.*` settings functions may have set.
 */
import type { ServiceRequest } from '../core/service.ts';
import { ApiError, parseError } from './errors.ts';
import { findNode, groupBySql, orderSql, planNode, renderNode, type ReadNode } from './build-read.ts';
import { parseFieldKey, parseLogic, parseNonNegative, parseOperation, parseOrder, splitKey } from './parse-filters.ts';
import { parseSelect, type SelectItem } from './parse-select.ts';
import type { Accepted } from './prefer.ts';
import type { MediaHandler, SchemaCache, Table } from './schema-cache.ts';
import { ident, type SqlParams } from './sql.ts';

/** Query parameters that are not filters. */
export const reservedParams = new Set(['select', 'columns', 'on_conflict']);

/** What the in-database configuration decides for planning a request. */
export interface PlanOptions {
  maxRows: number;
  aggregatesEnabled: boolean;
}

export function selectItems(req: ServiceRequest, options: PlanOptions): SelectItem[] {
  const select = req.query.get('select');
  const items: SelectItem[] = select === null || select === '' ? [{ kind: 'star' }] : parseSelect(select);
  if (!options.aggregatesEnabled && hasAggregate(items)) {
    throw new ApiError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
  }
  return items;
}

function hasAggregate(items: SelectItem[]): boolean {
  return items.some((item) => item.kind === 'aggregate' || (item.kind === 'embed' && hasAggregate(item.items)));
}

export function planTree(cache: SchemaCache, schema: string, table: Table, alias: string, items: SelectItem[], sql: SqlParams): ReadNode {
  return planNode(cache, schema, table, alias, items, sql);
}

/** Puts every filter, logic tree, order, limit and offset on the node its embed path names. */
export function applyParams(root: ReadNode, entries: Array<[string, string]>): void {
  for (const [key, value] of entries) {
    const parts = splitKey(key);
    let last = parts.pop()!;
    let negate = false;
    if ((last === 'or' || last === 'and') && parts.at(-1) === 'not') {
      parts.pop();
      negate = true;
    }
    const node = findNode(root, parts);
    if (last === 'or' || last === 'and') {
      node.conditions.push(parseLogic(last, negate, value));
    } else if (last === 'order') {
      node.order = parseOrder(value);
    } else if (last === 'limit') {
      node.limit = parseNonNegative('limit', value);
    } else if (last === 'offset') {
      node.offset = parseNonNegative('offset', value);
    } else {
      const child = node.children.find((c) => c.label === last);
      const nullCheck = /^(not\.)?is\.null$/.exec(value);
      if (child && nullCheck) {
        node.embedNullChecks.push({ child, isNull: nullCheck[1] === undefined });
        continue;
      }
      if (last === '') throw parseError(`"failed to parse filter (${key}=${value})"`, 'empty column name');
      last = last.trim();
      node.conditions.push(parseOperation(parseFieldKey(last), value, `${key}=${value}`));
    }
  }
}

export function filterEntries(req: ServiceRequest, skip: (key: string) => boolean = () => false): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (const [key, value] of req.query) {
    if (!reservedParams.has(key) && !skip(key)) entries.push([key, value]);
  }
  return entries;
}

export interface TopRange {
  offset: number;
  limit: number | undefined;
}

/** limit/offset intersected with a `Range: a-b` header, capped at max_rows. */
export function topRange(req: ServiceRequest, root: Pick<ReadNode, 'offset' | 'limit'>, maxRows: number, useHeader: boolean): TopRange {
  let start = root.offset ?? 0;
  let end = root.limit === undefined ? Infinity : start + root.limit - 1;
  const header = useHeader ? req.headers.range : undefined;
  if (header !== undefined && (req.headers['range-unit'] ?? 'items') === 'items') {
    const match = /^(?:items=)?(\d+)-(\d*)$/.exec(header.trim());
    if (!match) throw new ApiError(416, 'PGRST103', 'Requested range not satisfiable', `Invalid Range header: ${header}`);
    // Digits past 2^53 would reach the SQL as `1e+23` or `Infinity`: a start that far is past any
    // row, an end that far is no end.
    const a = Number(match[1]);
    if (!Number.isSafeInteger(a)) {
      throw new ApiError(416, 'PGRST103', 'Requested range not satisfiable', `The range starts past any row: ${header}`);
    }
    const b = match[2] === '' || !Number.isSafeInteger(Number(match[2])) ? Infinity : Number(match[2]);
    if (b < a) throw new ApiError(416, 'PGRST103', 'Requested range not satisfiable', null);
    start = Math.max(start, a);
    end = Math.min(end, b);
  }
  let limit = end === Infinity ? undefined : Math.max(0, end - start + 1);
  if (maxRows > 0) limit = limit === undefined ? maxRows : Math.min(limit, maxRows);
  return { offset: start, limit };
}

/** `SELECT cols FROM <from> <laterals> WHERE … ORDER BY … LIMIT …` for the top level. */
export function sourceSelect(root: ReadNode, from: string, sql: SqlParams, range: TopRange | undefined, extraWhere: string[] = []): { select: string; where: string; joins: string } {
  const rendered = renderNode(root, sql, true);
  const whereTerms = [...extraWhere, ...rendered.where];
  const where = whereTerms.length > 0 ? ` WHERE ${whereTerms.join(' AND ')}` : '';
  const joins = rendered.joins.join('');
  let select = `SELECT ${rendered.columns.join(', ') || 'NULL AS pgrst_none'} FROM ${from}${joins}${where}` +
    `${groupBySql(rendered)}${orderSql(root, rendered.orderOutputs)}`;
  if (range?.limit !== undefined) select += ` LIMIT ${range.limit}`;
  if (range && range.offset > 0) select += ` OFFSET ${range.offset}`;
  return { select, where, joins };
}

/**
 * As PostgREST builds CSV: the first row's keys as header, then each row's record text without its
 * parentheses, so values are quoted exactly as Postgres quotes record fields (commas, quotes,
 * backslashes, parentheses, whitespace, empty strings) and booleans and arrays read as Postgres
 * prints them.
 */
const csvExpr =
  `(SELECT coalesce(string_agg(a.k, ','), '') FROM (SELECT json_object_keys(r)::text AS k FROM ` +
  `(SELECT row_to_json(hh) AS r FROM pgrst_source AS hh LIMIT 1) s) a) || E'\\n' || ` +
  `coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), E'\\n'), '')`;

/**
 * A media type handler's body as text: bytea in base64 (respond.ts decodes it), any other base type
 * in its text form. `value` is one row (`_postgrest_t`) or one scalar (`_postgrest_t.pgrst_scalar`):
 * an aggregate takes the rows, cast to the relation's row type when it is for one relation, as
 * PostgREST calls it; a domain is the function's value itself.
 */
export function handlerExpr(handler: MediaHandler, value: string): string {
  const result = handler.kind === 'aggregate'
    ? `${handler.sql}(${handler.target && value === '_postgrest_t' ? `${value}::${handler.target}` : value})`
    : `(pg_catalog.array_agg(${value}))[1]::${handler.sql}`;
  return handler.binary ? `pg_catalog.encode(${result}::bytea, 'base64')` : `${result}::text`;
}

export function bodyExpr(accepted: Accepted | 'none'): string {
  if (accepted === 'none') return 'NULL';
  if (accepted.kind === 'custom') return handlerExpr(accepted.handler!, '_postgrest_t');
  if (accepted.kind === 'csv') return csvExpr;
  const row = accepted.stripNulls ? 'json_strip_nulls(row_to_json(_postgrest_t))' : '_postgrest_t';
  return accepted.kind === 'object'
    ? `coalesce(json_agg(${row})->0, 'null')::text`
    : `coalesce(json_agg(${row}), '[]')::text`;
}

export function finalStatement(ctes: string[], total: string, body: string, inserted = 'NULL'): string {
  return `WITH ${ctes.join(', ')} SELECT ${total} AS total, pg_catalog.count(*) AS page_total, ` +
    `${body} AS body, ${inserted} AS inserted, ` +
    `nullif(current_setting('response.headers', true), '') AS response_headers, ` +
    `nullif(current_setting('response.status', true), '') AS response_status ` +
    `FROM (SELECT * FROM pgrst_source) _postgrest_t`;
}

export function rootAlias(table: Table): string {
  return table.name;
}

export const quote = ident;
