/**
 * POST (insert/upsert), PUT (single-row upsert), PATCH and DELETE: the data-modifying CTE, then the
 * representation selected from its RETURNING rows, with embeds, exactly like a read.
 */
import { jsonDepth, MAX_JSON_DEPTH } from '../core/json.ts';
import type { ServiceRequest } from '../core/service.ts';
import { ApiError } from './errors.ts';
import { conditionSql, type ReadNode } from './build-read.ts';
import type { Filter } from './parse-filters.ts';
import { Scanner } from './parse-select.ts';
import { appliedHeader, type Accepted, type Preferences } from './prefer.ts';
import {
  applyParams, bodyExpr, filterEntries, finalStatement, planTree, rootAlias, selectItems, sourceSelect,
  type PlanOptions,
} from './read.ts';
import type { ReadPlan } from './table-read.ts';
import type { StatementResult } from './execute.ts';
import { allChecks, bodyResponse, contentRange, maxAffectedCheck, pageTotal, singularCheck } from './respond.ts';
import type { SchemaCache, Table } from './schema-cache.ts';
import { ident, qualified, SqlParams } from './sql.ts';

export function parseJsonBody(req: ServiceRequest): unknown {
  const text = req.body.toString('utf8');
  if (text.trim() === '') {
    if (req.method === 'DELETE') return undefined;
    throw new ApiError(400, 'PGRST102', 'Empty or invalid json');
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new ApiError(400, 'PGRST102', 'Empty or invalid json',
      `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'PGRST102', 'Empty or invalid json', (error as Error).message);
  }
}

export function checkJsonContentType(req: ServiceRequest): void {
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && type !== '') {
    throw new ApiError(415, 'PGRST107', `None of these media types are available: ${type}`);
  }
}

/** `?columns="a","b"` or `?on_conflict=a,b`. */
function parseColumnList(text: string, what: string): string[] {
  const s = new Scanner(text, what);
  const names: string[] = [];
  do names.push(s.identifier());
  while (s.eat(','));
  if (!s.done()) s.fail('"," or end of input');
  return names;
}

function missingColumn(table: Table, name: string): ApiError {
  return new ApiError(400, 'PGRST204', `Could not find the '${name}' column of '${table.name}' in the schema cache`);
}

function payloadColumns(req: ServiceRequest, table: Table, rows: Array<Record<string, unknown>>): string[] {
  const param = req.query.get('columns');
  let columns: string[];
  if (param !== null) {
    columns = parseColumnList(param, 'columns parameter');
  } else {
    columns = Object.keys(rows[0] ?? {});
    const sorted = [...columns].sort().join('\u0000');
    for (const row of rows) {
      if (Object.keys(row).sort().join('\u0000') !== sorted) {
        throw new ApiError(400, 'PGRST102', 'All object keys must match');
      }
    }
  }
  for (const column of columns) if (!table.columns.has(column)) throw missingColumn(table, column);
  return columns;
}

function bodyRows(body: unknown, allowArray: boolean): Array<Record<string, unknown>> {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(body)) return [body];
  if (Array.isArray(body) && allowArray && body.every(isObject)) return body;
  throw new ApiError(400, 'PGRST102', allowArray ? 'Empty or invalid json' : 'A PATCH body must be a JSON object');
}

/** `json_to_recordset(...) AS pgrst_body("a" int4, …)`, with defaults merged in for `missing=default`. */
function recordSource(table: Table, columns: string[], param: string, missingDefault: boolean): string {
  const definition = columns.map((c) => `${ident(c)} ${table.columns.get(c)!.type}`).join(', ');
  let json = `${param}::json`;
  const withDefaults = missingDefault ? columns.filter((c) => table.columns.get(c)!.default !== null) : [];
  if (withDefaults.length > 0) {
    const defaults = withDefaults.map((c) => `'${c.replace(/'/g, "''")}', ${table.columns.get(c)!.default}`).join(', ');
    json = `(SELECT pg_catalog.json_agg(jsonb_build_object(${defaults}) || e) FROM jsonb_array_elements(${param}::jsonb) e)`;
  }
  return `json_to_recordset(${json}) AS pgrst_body(${definition})`;
}

/** `/table?id=eq.5`: the inserted row's primary key as filters, encoded as PostgREST encodes them. */
function location(tableName: string, primaryKey: string[], json: string): string {
  const row = JSON.parse(json) as Record<string, unknown>;
  const query = primaryKey.map((column) => {
    const value = row[column];
    const filter = value === null || value === undefined ? 'is.null'
      : `eq.${typeof value === 'string' ? value : JSON.stringify(value)}`;
    return `${queryEncode(column)}=${queryEncode(filter)}`;
  });
  return `/${tableName}?${query.join('&')}`;
}

/** http-types' `urlEncode True`: unreserved characters kept, space as `+`, everything else %XX. */
export function queryEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A WHERE term that is always true and counts, in the transaction's `pgrst.inserted`, the rows an
 * upsert tried to insert (`add`) less those that conflicted and were updated instead.
 */
function countInserted(add: boolean): string {
  return `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) ${add ? '+' : '-'} 1)::text, true) <> '${add ? '0' : '-1'}'`;
}

/**
 * `ON CONFLICT` for an upsert: the body's columns replace the existing row's, and replacements are
 * counted apart from inserts (countInserted), as PostgREST tells 201 from 200.
 */
function onConflict(target: string[], columns: string[], ignore: boolean): string {
  const updates = columns.map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`).join(', ');
  return ` ON CONFLICT (${target.map(ident).join(', ')}) ` +
    (ignore || updates === '' ? 'DO NOTHING' : `DO UPDATE SET ${updates} WHERE ${countInserted(false)}`);
}

/**
 * As PostgREST since v13: limit and offset do not bound a write, at the top or in an embed; they are
 * read (so a malformed one is still refused) and then ignored, the representation too is unbounded.
 */
function dropRanges(node: ReadNode): void {
  delete node.limit;
  delete node.offset;
  for (const child of node.children) dropRanges(child);
}

/**
 * A PUT body as PostgREST reads it: an object is one row; an array must hold objects with the same
 * keys; anything else (a scalar, `null`) counts as no row at all, which then matches no key.
 */
function putRows(body: unknown): Array<Record<string, unknown>> {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(body)) return [body];
  if (!Array.isArray(body)) return [];
  if (body.length === 0) return [];
  const first = body[0] as unknown;
  const keys = isObject(first) ? Object.keys(first).sort().join('\u0000') : undefined;
  if (keys === undefined || !body.every((row) => isObject(row) && Object.keys(row).sort().join('\u0000') === keys)) {
    throw new ApiError(400, 'PGRST102', 'All object keys must match');
  }
  return body as Array<Record<string, unknown>>;
}

function hasEmbedFilters(node: ReadNode): boolean {
  return node.children.some((child) => child.conditions.length > 0 || child.embedNullChecks.length > 0 || hasEmbedFilters(child));
}

/**
 * PUT names exactly one row: one `eq` filter on each primary-key column and nothing else (no other
 * filter, no `or`/`and`, none on an embed), else 405 PGRST105, as PostgREST. A table without a
 * primary key (or a view whose key cannot be traced to its base table) has no row to name.
 */
function putKeyFilters(table: Table, root: ReadNode): Filter[] {
  const refuse = () => new ApiError(405, 'PGRST105', "Filters must include all and only primary key columns with 'eq' operators");
  if (table.primaryKey.length === 0 || root.embedNullChecks.length > 0 || hasEmbedFilters(root)) throw refuse();
  const filters: Filter[] = [];
  for (const condition of root.conditions) {
    if (condition.kind !== 'filter' || condition.negate || condition.op !== 'eq' || condition.quantifier !== undefined ||
      condition.field.path.length > 0 || !table.primaryKey.includes(condition.field.name)) throw refuse();
    filters.push(condition);
  }
  if (!table.primaryKey.every((column) => filters.some((filter) => filter.field.name === column))) throw refuse();
  return filters;
}

/**
 * The body's key must be the URL's: PUT inserts only body rows matching the key filters, so anything
 * but exactly one row written means they differed (400 PGRST115, and a ROLLBACK).
 */
function putCheck(row: StatementResult): ApiError | undefined {
  if (pageTotal(row) === 1) return undefined;
  return new ApiError(400, 'PGRST115', 'Payload values do not match URL in primary key column(s)');
}

export function planTableWrite(
  req: ServiceRequest,
  cache: SchemaCache,
  schema: string,
  table: Table,
  prefs: Preferences,
  accepted: Accepted,
  options: PlanOptions,
): ReadPlan {
  const sql = new SqlParams();
  const alias = rootAlias(table);
  const target = `${qualified(table.schema, table.name)} AS ${ident(alias)}`;
  const root = planTree(cache, schema, table, alias, selectItems(req, options), sql);
  applyParams(root, filterEntries(req));
  const put = req.method === 'PUT';
  // offset=0 asks for every row, which PostgREST lets through.
  if (put && (root.limit !== undefined || (root.offset ?? 0) > 0)) {
    throw new ApiError(400, 'PGRST114', 'limit/offset querystring parameters are not allowed for PUT');
  }
  dropRanges(root);
  const representation = prefs.return === 'representation';
  // As PostgREST: without a primary key or on_conflict there is no conflict target, so a plain insert.
  const upsert = req.method === 'POST' && prefs.resolution !== undefined &&
    (table.primaryKey.length > 0 || req.query.get('on_conflict') !== null);
  let mutation: string;
  if (put) {
    checkJsonContentType(req);
    const rows = putRows(parseJsonBody(req));
    const keyFilters = putKeyFilters(table, root);
    // `columns` and `on_conflict` do not apply to PUT: the body's keys are the columns, the primary key the target.
    const columns = Object.keys(rows[0] ?? {});
    for (const column of columns) if (!table.columns.has(column)) throw missingColumn(table, column);
    const param = sql.add(JSON.stringify(rows));
    // A body without a key column leaves `pgrst_body.<key>` undefined: Postgres' own 400 (42703) names it.
    const source = columns.length > 0
      ? recordSource(table, columns, param, false)
      : `(SELECT FROM json_array_elements(${param}::json)) AS pgrst_body`;
    const matches = keyFilters.map((filter) => conditionSql(table, 'pgrst_body', filter, sql));
    const list = columns.length > 0 ? ` (${columns.map(ident).join(', ')})` : '';
    mutation = `INSERT INTO ${target}${list} SELECT ${columns.map((c) => `pgrst_body.${ident(c)}`).join(', ')} FROM ${source}` +
      ` WHERE ${countInserted(true)} AND ${matches.join(' AND ')}` + onConflict(table.primaryKey, columns, false);
  } else if (req.method === 'POST') {
    checkJsonContentType(req);
    const rows = bodyRows(parseJsonBody(req), true);
    const columns = payloadColumns(req, table, rows);
    const param = sql.add(JSON.stringify(rows));
    const list = columns.map(ident).join(', ');
    // An upsert counts its insert attempts here and its updates below, as PostgREST does: telling
    // inserted rows from updated ones by `xmax` would need SELECT on the table.
    const counting = upsert ? ` WHERE ${countInserted(true)}` : '';
    mutation = columns.length > 0
      ? `INSERT INTO ${target} (${list}) SELECT ${columns.map((c) => `pgrst_body.${ident(c)}`).join(', ')} FROM ${recordSource(table, columns, param, prefs.missing === 'default')}${counting}`
      : `INSERT INTO ${target} SELECT FROM json_array_elements(${param}::json)${counting}`;
    if (upsert) {
      const onConflictParam = req.query.get('on_conflict');
      const conflict = onConflictParam !== null ? parseColumnList(onConflictParam, 'on_conflict parameter') : table.primaryKey;
      for (const column of conflict) if (!table.columns.has(column)) throw missingColumn(table, column);
      mutation += onConflict(conflict, columns, prefs.resolution === 'ignore-duplicates');
    }
  } else {
    const terms = root.conditions.map((condition) => conditionSql(table, alias, condition, sql));
    const where = terms.length > 0 ? ` WHERE ${terms.join(' AND ')}` : '';
    if (where === '') {
      throw new ApiError(400, '21000', `${req.method === 'PATCH' ? 'UPDATE' : 'DELETE'} requires a WHERE clause`);
    }
    if (req.method === 'PATCH') {
      checkJsonContentType(req);
      const [row] = bodyRows(parseJsonBody(req), false);
      const columns = Object.keys(row!);
      for (const column of columns) if (!table.columns.has(column)) throw missingColumn(table, column);
      if (columns.length === 0) {
        mutation = `SELECT ${representation ? `${ident(alias)}.*` : 'NULL'} FROM ${target} WHERE false`;
      } else {
        const param = sql.add(JSON.stringify([row]));
        const sets = columns.map((c) => `${ident(c)} = pgrst_body.${ident(c)}`).join(', ');
        mutation = `UPDATE ${target} SET ${sets} FROM ${recordSource(table, columns, param, false)}${where}`;
      }
    } else {
      mutation = `DELETE FROM ${target}${where}`;
    }
  }
  const isSelect = mutation.startsWith('SELECT');
  // Without a representation nothing is read back, so only INSERT/UPDATE/DELETE privileges and
  // their policies apply, as in PostgREST: `RETURNING *` would also need SELECT and a SELECT policy
  // admitting the row, which breaks "anyone may submit, nobody may read" tables.
  // An insert with return=headers-only reads back its primary key for the Location header, as PostgREST.
  const locate = req.method === 'POST' && prefs.return === 'headers-only' && table.primaryKey.length > 0;
  const returning = isSelect ? '' : representation ? ` RETURNING ${ident(alias)}.*`
    : locate ? ` RETURNING ${table.primaryKey.map((c) => `${ident(alias)}.${ident(c)}`).join(', ')}` : ' RETURNING 1';
  const ctes = [`pgrst_mutation AS (${mutation}${returning})`];
  // The root filters already chose the rows to change; only embed-level ones shape the representation.
  root.conditions = [];
  const source = representation
    ? sourceSelect(root, `pgrst_mutation AS ${ident(alias)}`, sql, undefined)
    : { select: 'SELECT 1 FROM pgrst_mutation' };
  ctes.push(`pgrst_source AS (${source.select})`);
  const inserted = upsert || put ? `nullif(current_setting('pgrst.inserted', true), '')::int` : 'NULL';
  const total = prefs.count ? '(SELECT pg_catalog.count(*) FROM pgrst_mutation)' : 'NULL';
  const body = representation ? bodyExpr(accepted)
    : locate ? `CASE WHEN pg_catalog.count(*) = 1 THEN (SELECT row_to_json(l) FROM pgrst_mutation l LIMIT 1)::text END` : 'NULL';
  const text = finalStatement(ctes, total, body, inserted);
  return {
    plan: {
      readOnly: false,
      text,
      values: sql.values,
      // PUT is judged by its key match alone; max-affected does not apply to inserts.
      check: put ? putCheck : allChecks(
        representation ? singularCheck(accepted) : undefined,
        req.method === 'POST' ? undefined : maxAffectedCheck(prefs),
      ),
      end: prefs.rollback ? 'rollback' : 'commit',
    },
    respond(row) {
      if (put) {
        // As PostgREST: no Content-Range; 201 when the row was new, 200 when it replaced one, 204 without a body.
        const headers: Record<string, string> = {};
        const applied = appliedHeader(prefs, { representation: true });
        if (applied) headers['preference-applied'] = applied;
        if (!representation) return { status: 204, headers };
        return bodyResponse(Number(row.inserted) > 0 ? 201 : 200, accepted, row.body, headers, false);
      }
      const rows = pageTotal(row);
      const total = row.total === null ? null : Number(row.total);
      // As PostgREST: an insert or delete reports no range (`*/total`), an update `0-(n-1)/total`.
      const headers: Record<string, string> = {
        'content-range': req.method === 'PATCH' ? contentRange(0, rows, total) : contentRange(1, 0, total),
      };
      const applied = appliedHeader(prefs, {
        resolution: upsert,
        missing: req.method !== 'DELETE',
        representation: true,
        maxAffected: req.method !== 'POST',
      });
      if (applied) headers['preference-applied'] = applied;
      let status = req.method === 'POST' ? 201 : representation ? 200 : 204;
      if (upsert && Number(row.inserted) === 0 && rows > 0) status = 200;
      if (locate && row.body !== null) headers.location = location(table.name, table.primaryKey, row.body);
      if (!representation) return { status, headers };
      return bodyResponse(status, accepted, row.body, headers, false);
    },
  };
}
