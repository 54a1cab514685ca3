/**
 * `/rpc/fn`: choosing the function (named arguments, defaults, overloads), calling it with its
 * arguments cast through `json_to_record`, and shaping the result as PostgREST does: scalar → bare
 * JSON, set or table → filterable array, single composite → object, void → 204.
 */
import type { ServiceRequest } from '../core/service.ts';
import { ApiError } from './errors.ts';
import { closest } from './fuzzy.ts';
import { appliedHeader, type Accepted, type Preferences } from './prefer.ts';
import { operators, parseNonNegative } from './parse-filters.ts';
import {
  applyParams, bodyExpr, filterEntries, handlerExpr, finalStatement, planTree, reservedParams, selectItems, sourceSelect, topRange,
  type PlanOptions,
} from './read.ts';
import { allChecks, bodyResponse, contentRange, maxAffectedCheck, pageTotal, rangeStatus, singularCheck } from './respond.ts';
import type { DbFunction, SchemaCache, Table } from './schema-cache.ts';
import { ident, qualified, SqlParams } from './sql.ts';
import { countExpr, estimateOf, reportedTotal, type ReadPlan } from './table-read.ts';
import { checkJsonContentType, parseJsonBody } from './table-write.ts';

const isJsonType = (type: string) => type === 'json' || type === 'jsonb';

/**
 * PGRST202 worded as PostgREST's NoRpc: argument names sorted (they are a set there), "parameter"
 * singular for one, the json/jsonb fallback mentioned for POST only; the hint is the closest
 * parameter list among the overloads, else the closest function name (0.75 similarity or better).
 */
function notFound(cache: SchemaCache, schema: string, name: string, givenKeys: string[], overloads: DbFunction[], isPost: boolean): ApiError {
  const keys = [...givenKeys].sort();
  const list = keys.join(', ');
  const signature = keys.length > 0 ? `(${list})` : ' without parameters';
  const searched = keys.length > 0 ? ` with parameter${keys.length > 1 ? 's' : ''} ${list}` : ' without parameters';
  const asText = (names: string[]) => `(${[...names].sort().join(', ')})`;
  let hint: string | null = null;
  if (overloads.length > 0) {
    const params = closest(asText(keys), overloads.map((fn) => asText(fn.args.map((a) => a.name))));
    if (params !== null) hint = `Perhaps you meant to call the function ${schema}.${name}${params}`;
  } else {
    const names = [...cache.functions.keys()].filter((key) => key.startsWith(`${schema}.`)).map((key) => key.slice(schema.length + 1));
    const suggestion = closest(name, names, 0.75);
    if (suggestion !== null) hint = `Perhaps you meant to call the function ${schema}.${suggestion}`;
  }
  return new ApiError(404, 'PGRST202', `Could not find the function ${schema}.${name}${signature} in the schema cache`,
    `Searched for the function ${schema}.${name}${searched}${isPost ? ' or with a single unnamed json/jsonb parameter' : ''}, but no matches were found in the schema cache.`,
    hint);
}

interface Call {
  fn: DbFunction;
  /**
   * Named arguments, the whole body for a single unnamed json/jsonb parameter, or the raw body (as
   * SQL text) for a single unnamed text, xml or bytea one.
   */
  args: Record<string, unknown> | { whole: unknown } | { raw: string };
}

/** Bodies PostgREST hands whole to a function's single unnamed parameter of the matching type. */
const rawBodyTypes: Record<string, { type: string; what: string }> = {
  'text/plain': { type: 'text', what: 'text' },
  'text/xml': { type: 'xml', what: 'xml' },
  'application/octet-stream': { type: 'bytea', what: 'bytea' },
};

function chooseRawBodyFunction(schema: string, name: string, overloads: DbFunction[], req: ServiceRequest, contentType: string): Call {
  const { type, what } = rawBodyTypes[contentType]!;
  const matching = overloads.filter((fn) => fn.args.length === 1 && fn.args[0]!.name === '' && fn.args[0]!.type === type);
  if (matching.length === 1) {
    const raw = type === 'bytea' ? `\\x${req.body.toString('hex')}` : req.body.toString('utf8');
    return { fn: matching[0]!, args: { raw } };
  }
  if (matching.length > 1) throw ambiguous(schema, name, matching);
  // As PostgREST: no parameter list in the message and no hint, the body having no names.
  throw new ApiError(404, 'PGRST202', `Could not find the function ${schema}.${name} in the schema cache`,
    `Searched for the function ${schema}.${name} with a single unnamed ${what} parameter, but no matches were found in the schema cache.`);
}

function ambiguous(schema: string, name: string, candidates: DbFunction[]): ApiError {
  return new ApiError(300, 'PGRST203',
    `Could not choose the best candidate function between: ${candidates.map((fn) => `${schema}.${name}(${fn.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`).join(', ')}`,
    null, 'Try renaming the parameters or the function itself in the database so function overloading can be resolved');
}

function chooseFunction(cache: SchemaCache, schema: string, name: string, overloads: DbFunction[], body: unknown, getKeys: string[] | null): Call {
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const keys = getKeys ?? (isObject ? Object.keys(body) : []);
  const named = overloads.filter((fn) => {
    if (fn.args.some((a) => a.name === '')) return false;
    const names = fn.args.map((a) => a.name);
    const required = fn.args.filter((a) => !a.hasDefault).map((a) => a.name);
    if (getKeys === null && !keys.every((k) => names.includes(k))) return false;
    if (getKeys === null && !isObject) return false;
    return required.every((r) => keys.includes(r));
  });
  if (named.length > 1) throw ambiguous(schema, name, named);
  if (named.length === 1) {
    const fn = named[0]!;
    const args: Record<string, unknown> = {};
    if (getKeys === null) Object.assign(args, body);
    else for (const arg of fn.args) if (keys.includes(arg.name)) args[arg.name] = undefined;
    return { fn, args };
  }
  const singles = getKeys === null
    ? overloads.filter((fn) => fn.args.length === 1 && fn.args[0]!.name === '' && isJsonType(fn.args[0]!.type))
    : [];
  if (singles.length > 1) throw ambiguous(schema, name, singles);
  if (singles.length === 1) return { fn: singles[0]!, args: { whole: body } };
  throw notFound(cache, schema, name, keys, overloads, getKeys === null);
}

const modifierParams = new Set(['order', 'limit', 'offset', 'and', 'or', 'not.and', 'not.or']);

/** `order`, `limit`, `offset` and logical filters, at the top or on an embed (`books.order`). */
const isModifierParam = (key: string) => modifierParams.has(key) || /\.(order|limit|offset|and|or)$/.test(key);

function isArgumentParam(key: string, value: string): boolean {
  if (reservedParams.has(key) || isModifierParam(key)) return false;
  const op = /^(?:not\.)?([a-z]+)(?:\([^)]*\))?\./.exec(value);
  return !(op && operators.has(op[1]!));
}

/** The FROM clause calling the function, and the statement's one parameter. */
function callSql(call: Call, sql: SqlParams): { prefix: string; invocation: string } {
  const { fn } = call;
  const name = qualified(fn.schema, fn.name);
  if ('whole' in call.args) {
    return { prefix: '', invocation: `${name}(${sql.add(JSON.stringify(call.args.whole))}::${fn.args[0]!.type})` };
  }
  if ('raw' in call.args && typeof call.args.raw === 'string') {
    return { prefix: '', invocation: `${name}(${sql.add(call.args.raw)}::${fn.args[0]!.type})` };
  }
  const given = fn.args.filter((a) => a.name in (call.args as Record<string, unknown>));
  if (given.length === 0) return { prefix: '', invocation: `${name}()` };
  const param = sql.add(JSON.stringify(call.args));
  const definition = given.map((a) => `${ident(a.name)} ${a.type}`).join(', ');
  const list = given.map((a) => `${a.variadic ? 'VARIADIC ' : ''}${ident(a.name)} := pgrst_args.${ident(a.name)}`).join(', ');
  return { prefix: `json_to_record(${param}::json) AS pgrst_args(${definition}), `, invocation: `${name}(${list})` };
}

/** A function's result rows as a table the select tree can read. */
function resultTable(cache: SchemaCache, fn: DbFunction): Table | null {
  if (fn.returnKind === 'composite') return cache.tables.get(fn.returnTable!) ?? null;
  if (fn.returnKind === 'record') {
    return {
      schema: fn.schema, name: fn.name, key: `${fn.schema}.${fn.name}()`, isView: true,
      columns: new Map(fn.outColumns.map((c) => [c.name, c])), primaryKey: [], uniqueKeys: [],
    };
  }
  return null;
}

export function planRpc(
  req: ServiceRequest,
  cache: SchemaCache,
  schema: string,
  name: string,
  prefs: Preferences,
  acceptFor: (target: string) => Accepted,
  options: PlanOptions,
): ReadPlan {
  const overloads = cache.functions.get(`${schema}.${name}`) ?? [];
  const isGet = req.method === 'GET' || req.method === 'HEAD';
  let body: unknown = {};
  let getKeys: string[] | null = null;
  if (isGet) {
    // As PostgREST: a parameter whose value has no operator (`a=1`, not `a=eq.1`) is an argument.
    getKeys = [...new Set([...req.query.entries()].filter(([k, v]) => isArgumentParam(k, v)).map(([k]) => k))];
  }
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const rawBody = !isGet && Object.hasOwn(rawBodyTypes, contentType);
  if (!isGet && !rawBody) {
    checkJsonContentType(req);
    body = req.body.length === 0 ? {} : parseJsonBody(req);
  }
  if (overloads.length === 0 && !rawBody) {
    const keys = getKeys ?? (typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : []);
    throw notFound(cache, schema, name, keys, [], !isGet);
  }
  const call = rawBody
    ? chooseRawBodyFunction(schema, name, overloads, req, contentType)
    : chooseFunction(cache, schema, name, overloads, body, getKeys);
  if (getKeys !== null) for (const key of Object.keys(call.args)) (call.args as Record<string, unknown>)[key] = req.query.get(key);
  const { fn } = call;
  // As PostgREST, negotiated once the function is known: its handlers are those of the table it
  // returns rows of, else its own (a media type domain it returns).
  const returned = fn.returnKind === 'composite' ? cache.tables.get(fn.returnTable!) : undefined;
  const accepted = acceptFor(`${fn.schema}.${returned ? returned.name : fn.name}`);
  // As PostgREST: the limit counts the rows a function returns, so one returning a single value
  // cannot be held to it; refusing beats running a write whose reach cannot be checked.
  const strictMaxAffected = prefs.handling === 'strict' && prefs.maxAffected !== undefined;
  if (strictMaxAffected && !fn.returnsSet) {
    throw new ApiError(400, 'PGRST128',
      'Function must return SETOF or TABLE when max-affected preference is used with handling=strict');
  }
  const sql = new SqlParams();
  const { prefix, invocation } = callSql(call, sql);
  const isArgument = (key: string) => getKeys !== null && key in (call.args as Record<string, unknown>);
  const table = resultTable(cache, fn);
  const readOnly = isGet || fn.volatility !== 'v';
  const applied = appliedHeader(prefs, { maxAffected: true });
  const head = req.method === 'HEAD' || (prefs.return === 'minimal' && !isGet);
  let text: string;
  let estimate: ReturnType<typeof estimateOf>;
  let singular = false;
  let range = { offset: 0, limit: undefined as number | undefined };
  if (table) {
    const alias = fn.name;
    const root = planTree(cache, schema, table, alias, selectItems(req, options), sql);
    applyParams(root, filterEntries(req, isArgument));
    range = fn.returnsSet ? topRange(req, root, options.maxRows, isGet) : range;
    const from = `${prefix}LATERAL ${invocation} AS ${ident(alias)}`;
    const source = sourceSelect(root, from, sql, range);
    const total = countExpr(prefs, from, source.joins, source.where);
    estimate = estimateOf(prefs, from, source.joins, source.where, sql.values);
    singular = !fn.returnsSet;
    const kind = singular && accepted.kind === 'json' ? { ...accepted, kind: 'object' as const } : accepted;
    text = finalStatement([`pgrst_source AS (${source.select})`], total, bodyExpr(kind));
  } else {
    const modifiers = { offset: undefined as number | undefined, limit: undefined as number | undefined };
    for (const [key, value] of filterEntries(req, isArgument)) {
      if (fn.returnsSet && (key === 'limit' || key === 'offset')) {
        modifiers[key] = parseNonNegative(key, value);
        continue;
      }
      // As PostgREST v14: a filter names a column of the result, and a scalar result has none.
      if (!isModifierParam(key)) {
        throw new ApiError(400, '42703', `column ${fn.name}.${key} does not exist`);
      }
      throw new ApiError(400, 'PGRST100', `"failed to parse filter (${key})"`,
        `Filters and modifiers are not supported by the local REST service on functions returning ${fn.returnsSet ? 'a set of scalars' : 'a scalar'}`);
    }
    const value = fn.returnKind === 'void'
      ? 'NULL'
      : accepted.kind === 'custom' ? handlerExpr(accepted.handler!, '_postgrest_t.pgrst_scalar')
      : fn.returnsSet ? `coalesce(json_agg(_postgrest_t.pgrst_scalar), '[]')::text` : `coalesce(to_json((pg_catalog.array_agg(_postgrest_t.pgrst_scalar))[1])::text, 'null')`;
    let source: string;
    let total = 'NULL';
    if (fn.returnsSet) {
      const from = `${prefix}LATERAL ${invocation} AS pgrst_scalar(pgrst_scalar)`;
      range = topRange(req, modifiers, options.maxRows, isGet);
      source = `SELECT pgrst_scalar FROM ${from}` +
        `${range.limit !== undefined ? ` LIMIT ${range.limit}` : ''}${range.offset > 0 ? ` OFFSET ${range.offset}` : ''}`;
      if (prefs.count && prefs.count !== 'planned') total = `(SELECT pg_catalog.count(*) FROM ${from})`;
      estimate = estimateOf(prefs, from, '', '', sql.values);
    } else {
      source = `SELECT ${invocation} AS pgrst_scalar${prefix ? ` FROM ${prefix.slice(0, -2)}` : ''}`;
      // As PostgREST, a single value counts as one row (the planner says so too).
      if (prefs.count) total = '(SELECT pg_catalog.count(*) FROM pgrst_source)';
    }
    text = finalStatement([`pgrst_source AS (${source})`], total, value);
  }
  return {
    plan: {
      readOnly,
      text,
      values: sql.values,
      estimate,
      // The function has run by now: too many rows returned rolls its writes back.
      check: allChecks(table && !singular ? singularCheck(accepted) : undefined, maxAffectedCheck(prefs)),
      end: prefs.rollback ? 'rollback' : 'commit',
    },
    respond(row) {
      // As PostgREST, every call reports its range, a single value as one row (`0-0/*`).
      const rows = pageTotal(row);
      const total = fn.returnsSet || table ? reportedTotal(prefs, row, options.maxRows) : row.total === null ? null : Number(row.total);
      const headers: Record<string, string> = { 'content-range': contentRange(range.offset, rows, total) };
      if (applied) headers['preference-applied'] = applied;
      if (fn.returnKind === 'void') return { status: 204, headers };
      const status = rangeStatus(range.offset, rows, total);
      return bodyResponse(status, accepted.kind === 'csv' && !fn.returnsSet ? { kind: 'json', stripNulls: false } : accepted, row.body, headers, head);
    },
  };
}
