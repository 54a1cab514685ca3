/**
 * What PostgREST's schema cache holds, read from pg_catalog: the exposed schemas' tables and views with
 * their columns, keys and foreign keys (for embedding), their functions (for /rpc), and each role's
 * own settings (which `SET ROLE` does not apply, so every request does). Types are printed with
 * `search_path = pg_catalog`, so every non-catalog type comes out schema-qualified and quoted.
 */
import type pg from 'pg';

export interface Column {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  generated: boolean;
}

export interface ForeignKey {
  name: string;
  /** The referencing table (`schema.table`) and its columns. */
  from: string;
  fromColumns: string[];
  /** The referenced table and its columns. */
  to: string;
  toColumns: string[];
}

export interface Table {
  schema: string;
  name: string;
  /** `schema.name`, the key into the cache. */
  key: string;
  isView: boolean;
  columns: Map<string, Column>;
  primaryKey: string[];
  /** Primary key and unique constraints, to tell one-to-one from one-to-many. */
  uniqueKeys: string[][];
  /**
   * Computed fields: functions of this table's row returning one scalar, selectable, filterable and
   * orderable like columns (PostgREST relies on Postgres' `row.fn` notation for `fn(row)`).
   */
  computed?: Map<string, { schema: string; name: string }>;
}

/** A function of one table's row returning rows of a table: an embeddable computed relationship. */
export interface ComputedRelationship {
  schema: string;
  name: string;
  /** The table whose row it takes, and the table it returns. */
  from: string;
  to: string;
  toOne: boolean;
}

export interface FunctionArg {
  name: string;
  type: string;
  hasDefault: boolean;
  variadic: boolean;
}

export interface DbFunction {
  schema: string;
  name: string;
  args: FunctionArg[];
  returnsSet: boolean;
  /** `scalar`, `composite` (a table or row type), `record` (OUT/TABLE params) or `void`. */
  returnKind: 'scalar' | 'composite' | 'record' | 'void';
  /** For composite returns: the table key; for record returns: the OUT columns. */
  returnTable: string | null;
  outColumns: Column[];
  volatility: 'i' | 's' | 'v';
  /** The table whose row type is its only argument, if so. */
  argTable: string | null;
  /** `ROWS 1` on a set-returning function makes a computed relationship to-one. */
  singleRow: boolean;
}

/**
 * A media type handler, as PostgREST discovers them: a domain named like a media type (`text/html`,
 * `*\/*`) returned by a non-set function answers that function's calls with the raw value; an
 * aggregate over a table's row type (or `anyelement`) returning such a domain turns rows into it.
 */
export interface MediaHandler {
  kind: 'aggregate' | 'domain';
  /** The aggregate's qualified name, or the domain's printed type. */
  sql: string;
  /** The row type an aggregate takes (qualified SQL); null for `anyelement` and for domains. */
  target: string | null;
  /** The Content-Type answered: the domain's name (`*\/*` answers application/octet-stream). */
  contentType: string;
  /** A domain over bytea: the body is bytes, not text. */
  binary: boolean;
}

/** The key of handlers that apply to every relation (PostgREST's `anyelement` target). */
export const ANY_ELEMENT = '*';

export interface SchemaCache {
  /**
   * target (`schema.table`, `schema.function`, or ANY_ELEMENT) → lower-cased media type → handler;
   * the built-in JSON and CSV answers are not in it (prefer.ts).
   */
  mediaHandlers: Map<string, Map<string, MediaHandler>>;
  tables: Map<string, Table>;
  foreignKeys: ForeignKey[];
  functions: Map<string, DbFunction[]>;
  computedRelationships: ComputedRelationship[];
  roleSettings: Map<string, Array<[string, string]>>;
}

const tablesSql = `
select c.oid::int8 as oid, n.nspname as schema, c.relname as name, c.relkind as kind,
  coalesce(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
    'nullable', not a.attnotnull,
    -- As PostgREST: a domain's default, an identity's sequence, none for a generated column.
    'default', case
      when t.typbasetype <> 0 and d.adbin is null then pg_get_expr(t.typdefaultbin, 0)
      when a.attidentity = 'd' then format('nextval(%L)', pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname))
      when a.attgenerated <> '' then null
      else pg_get_expr(d.adbin, d.adrelid)
    end,
    'generated', a.attgenerated <> '')
    order by a.attnum) filter (where a.attname is not null), '[]') as columns
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
left join pg_type t on t.oid = a.atttypid
left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
where n.nspname = any($1) and c.relkind in ('r', 'v', 'm', 'f', 'p')
group by c.oid, n.nspname, c.relname, c.relkind`;

const constraintsSql = `
select con.conname as name, con.contype as type, con.conrelid::int8 as rel, con.confrelid::int8 as frel,
  (select array_agg(a.attname::text order by k.ord) from unnest(con.conkey) with ordinality k(num, ord)
     join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num) as cols,
  (select array_agg(a.attname::text order by k.ord) from unnest(con.confkey) with ordinality k(num, ord)
     join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num) as fcols
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1) and con.contype in ('p', 'u', 'f')`;

const functionsSql = `
select n.nspname as schema, p.proname as name, p.provolatile as volatility, p.proretset as returns_set,
  p.pronargs as nargs, p.pronargdefaults as ndefaults, p.proargnames as arg_names, p.proargmodes::text[] as arg_modes,
  (select array_agg(format_type(t, null) order by o)
     from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(t, o)) as arg_types,
  rt.typname = 'void' and rn.nspname = 'pg_catalog' as returns_void,
  rt.typtype = 'c' or (rt.typtype = 'p' and rt.typname = 'record') as returns_composite,
  rc.oid::int8 as return_rel, rcn.nspname as return_rel_schema, rc.relname as return_rel_name,
  p.prorows = 1 as single_row,
  (select at.typrelid::int8 from pg_type at where p.pronargs = 1 and at.oid = p.proargtypes[0] and at.typrelid <> 0) as arg_rel
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type rt on rt.oid = p.prorettype
join pg_namespace rn on rn.oid = rt.typnamespace
left join pg_class rc on rc.oid = rt.typrelid
left join pg_namespace rcn on rcn.oid = rc.relnamespace
where n.nspname = any($1) and p.prokind = 'f'`;

/**
 * PostgREST's media handlers query: domains whose name looks like a media type, returned by
 * aggregates over a relation's row type or `anyelement` (one argument), or by non-set functions.
 */
const mediaHandlersSql = `
with media_types as (
  select t.oid, lower(t.typname) as media_type,
    case t.typname when '*/*' then 'application/octet-stream' else lower(t.typname) end as resolved,
    format_type(t.oid, null) as type_sql,
    format_type(pg_basetype(t.oid), null) as base
  from pg_type t
  where t.typbasetype <> 0 and (t.typname ~* '^[A-Za-z0-9.-]+/[A-Za-z0-9.\\+-]+$' or t.typname = '*/*')
)
select 'aggregate' as kind, format('%I.%I', pn.nspname, p.proname) as sql,
  case when at.typname = 'anyelement' and atn.nspname = 'pg_catalog' then null else atn.nspname || '.' || at.typname end as target_key,
  case when at.typname = 'anyelement' and atn.nspname = 'pg_catalog' then null else format_type(at.oid, null) end as target,
  m.media_type, m.resolved, m.base
from media_types m
join pg_proc p on p.prorettype = m.oid
join pg_namespace pn on pn.oid = p.pronamespace
join pg_aggregate a on a.aggfnoid = p.oid
join pg_type at on at.oid = p.proargtypes[0]
join pg_namespace atn on atn.oid = at.typnamespace
where pn.nspname = any($1) and p.pronargs = 1
  and ((at.typname = 'anyelement' and atn.nspname = 'pg_catalog')
    or at.oid in (select reltype from pg_class where relkind in ('v', 'r', 'm', 'f', 'p')))
union all
select 'domain', m.type_sql, pn.nspname || '.' || p.proname, null, m.media_type, m.resolved, m.base
from pg_proc p
join pg_namespace pn on pn.oid = p.pronamespace
join media_types m on m.oid = p.prorettype
where pn.nspname = any($1) and not p.proretset and p.prokind = 'f'`;

/** PostgREST adds a charset to the media types it knows as text, and to none other. */
const withCharset = new Set([
  'application/json', 'application/geo+json', 'text/csv', 'text/plain', 'text/xml', 'application/openapi+json',
  'application/x-www-form-urlencoded',
]);

function toMediaHandlers(rows: Array<Record<string, any>>): SchemaCache['mediaHandlers'] {
  const handlers: SchemaCache['mediaHandlers'] = new Map();
  for (const row of rows) {
    const key = row.target_key ?? ANY_ELEMENT;
    const byType = handlers.get(key) ?? new Map<string, MediaHandler>();
    byType.set(row.media_type, {
      kind: row.kind,
      sql: row.sql,
      target: row.target,
      contentType: withCharset.has(row.resolved) ? `${row.resolved}; charset=utf-8` : row.resolved,
      binary: row.base === 'bytea',
    });
    handlers.set(key, byType);
  }
  return handlers;
}

/** Each view's definition, to trace its columns to the base tables' (PostgREST's view key dependencies). */
const viewsSql = `
select c.oid::int8 as oid, r.ev_action::text as definition
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_rewrite r on r.ev_class = c.oid and r.rulename = '_RETURN'
where n.nspname = any($1) and c.relkind in ('v', 'm')`;

const roleSettingsSql = `
select r.rolname as role, s.setconfig as settings
from pg_db_role_setting s
join pg_roles r on r.oid = s.setrole
where s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
order by s.setdatabase`;

interface ConstraintRow {
  name: string;
  type: 'p' | 'u' | 'f';
  rel: string;
  frel: string;
  cols: string[];
  fcols: string[] | null;
}

export async function loadSchemaCache(pool: pg.Pool, schemas: string[]): Promise<SchemaCache> {
  const client = await pool.connect();
  try {
    await client.query('begin read only; set local search_path = pg_catalog');
    const tableRows = (await client.query(tablesSql, [schemas])).rows;
    const constraintRows = (await client.query<ConstraintRow>(constraintsSql, [schemas])).rows;
    const functionRows = (await client.query(functionsSql, [schemas])).rows;
    const viewRows = (await client.query<{ oid: string; definition: string }>(viewsSql, [schemas])).rows;
    const settingRows = (await client.query(roleSettingsSql)).rows;
    const handlerRows = (await client.query(mediaHandlersSql, [schemas])).rows;
    await client.query('commit');
    const cache = assemble(tableRows, constraintRows, functionRows, settingRows);
    cache.mediaHandlers = toMediaHandlers(handlerRows);
    addViewRelationships(cache, tableRows, viewRows);
    return cache;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function assemble(
  tableRows: Array<Record<string, any>>,
  constraintRows: ConstraintRow[],
  functionRows: Array<Record<string, any>>,
  settingRows: Array<Record<string, any>>,
): SchemaCache {
  const tables = new Map<string, Table>();
  const byOid = new Map<string, Table>();
  for (const row of tableRows) {
    const columns = new Map<string, Column>();
    for (const col of row.columns as Column[]) columns.set(col.name, col);
    const table: Table = {
      schema: row.schema,
      name: row.name,
      key: `${row.schema}.${row.name}`,
      isView: row.kind === 'v' || row.kind === 'm',
      columns,
      primaryKey: [],
      uniqueKeys: [],
    };
    tables.set(table.key, table);
    byOid.set(String(row.oid), table);
  }
  const foreignKeys: ForeignKey[] = [];
  for (const con of constraintRows) {
    const table = byOid.get(String(con.rel));
    if (!table) continue;
    if (con.type === 'p') table.primaryKey = con.cols;
    if (con.type === 'p' || con.type === 'u') table.uniqueKeys.push(con.cols);
    if (con.type === 'f') {
      const target = byOid.get(String(con.frel));
      if (!target || !con.fcols) continue;
      foreignKeys.push({ name: con.name, from: table.key, fromColumns: con.cols, to: target.key, toColumns: con.fcols });
    }
  }
  const functions = new Map<string, DbFunction[]>();
  const computedRelationships: ComputedRelationship[] = [];
  for (const row of functionRows) {
    const fn = toFunction(row, tables, byOid);
    const key = `${fn.schema}.${fn.name}`;
    functions.set(key, [...(functions.get(key) ?? []), fn]);
    const argTable = fn.argTable === null ? undefined : tables.get(fn.argTable);
    if (!argTable) continue;
    if (fn.returnKind === 'composite') {
      computedRelationships.push({
        schema: fn.schema, name: fn.name, from: argTable.key, to: fn.returnTable!, toOne: !fn.returnsSet || fn.singleRow,
      });
    } else if (fn.returnKind === 'scalar' && !fn.returnsSet) {
      argTable.computed ??= new Map();
      argTable.computed.set(fn.name, { schema: fn.schema, name: fn.name });
    }
  }
  const roleSettings = new Map<string, Array<[string, string]>>();
  for (const row of settingRows) {
    const list = roleSettings.get(row.role) ?? [];
    for (const setting of row.settings as string[]) {
      const eq = setting.indexOf('=');
      if (eq > 0) list.push([setting.slice(0, eq), setting.slice(eq + 1)]);
    }
    roleSettings.set(row.role, list);
  }
  return { mediaHandlers: new Map(), tables, foreignKeys, functions, computedRelationships, roleSettings };
}

function toFunction(row: Record<string, any>, tables: Map<string, Table>, byOid: Map<string, Table>): DbFunction {
  const types: string[] = row.arg_types ?? [];
  const names: string[] = row.arg_names ?? [];
  const modes: string[] = row.arg_modes ?? types.map(() => 'i');
  const inputs: FunctionArg[] = [];
  const outColumns: Column[] = [];
  types.forEach((type, i) => {
    const mode = modes[i];
    const name = names[i] ?? '';
    if (mode === 'i' || mode === 'b' || mode === 'v') {
      inputs.push({ name, type, hasDefault: false, variadic: mode === 'v' });
    }
    if (mode === 'o' || mode === 'b' || mode === 't') {
      outColumns.push({ name, type, nullable: true, default: null, generated: false });
    }
  });
  // pronargdefaults counts the trailing input arguments that have defaults.
  for (let i = inputs.length - Number(row.ndefaults); i < inputs.length; i += 1) inputs[i]!.hasDefault = true;
  const returnTable = row.return_rel_name ? `${row.return_rel_schema}.${row.return_rel_name}` : null;
  let returnKind: DbFunction['returnKind'] = 'scalar';
  if (row.returns_void) returnKind = 'void';
  else if (returnTable && tables.has(returnTable)) returnKind = 'composite';
  else if (row.returns_composite && outColumns.length > 0) returnKind = 'record';
  return {
    schema: row.schema,
    name: row.name,
    args: inputs,
    returnsSet: row.returns_set,
    returnKind,
    returnTable: returnKind === 'composite' ? returnTable : null,
    outColumns,
    volatility: row.volatility,
    argTable: row.arg_rel === null ? null : (byOid.get(String(row.arg_rel))?.key ?? null),
    singleRow: row.single_row,
  };
}

/** The zone names `Prefer: timezone=` accepts, as PostgREST reads them; they do not change at run time. */
export async function loadTimezoneNames(pool: pg.Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ name: string }>('select name from pg_catalog.pg_timezone_names');
  return new Set(rows.map((row) => row.name));
}

/**
 * The top-level target list of a view's stored query tree (`pg_rewrite.ev_action`): for each view
 * column (resno) the base relation and column it is a plain reference to, if any.
 */
export function viewColumnOrigins(definition: string): Array<{ resno: number; table: string; column: number }> {
  // Walk the node text to the outermost query's `:targetList`, skipping escaped characters.
  let depth = 0;
  let start = -1;
  for (let i = 0; i < definition.length; i += 1) {
    const ch = definition[i];
    if (ch === '\\') {
      i += 1;
      continue;
    }
    if (ch === '(' || ch === '{') depth += 1;
    else if (ch === ')' || ch === '}') depth -= 1;
    else if (depth === 2 && definition.startsWith(' :targetList (', i)) {
      start = i + ' :targetList '.length;
      break;
    }
  }
  if (start < 0) return [];
  const entries: string[] = [];
  depth = 0;
  let entryStart = -1;
  for (let i = start; i < definition.length; i += 1) {
    const ch = definition[i];
    if (ch === '\\') {
      i += 1;
      continue;
    }
    if (ch === '(' || ch === '{') {
      depth += 1;
      if (depth === 2 && ch === '{') entryStart = i;
    } else if (ch === ')' || ch === '}') {
      if (depth === 2 && ch === '}' && entryStart >= 0) entries.push(definition.slice(entryStart, i + 1));
      depth -= 1;
      if (depth === 0) break;
    }
  }
  const out: Array<{ resno: number; table: string; column: number }> = [];
  for (const entry of entries) {
    const match = / :resno (\d+) :resname (?:\\.|[^ ])* :ressortgroupref \d+ :resorigtbl (\d+) :resorigcol (\d+) :resjunk false\}$/.exec(entry);
    if (match && match[2] !== '0') out.push({ resno: Number(match[1]), table: match[2]!, column: Number(match[3]) });
  }
  return out;
}

/**
 * Relationships through views, as PostgREST infers them: a view exposing all the columns of a
 * foreign key (directly or through other views) takes part in it under its own column names, and a
 * view exposing a table's primary or unique key has that key.
 */
function addViewRelationships(
  cache: SchemaCache,
  tableRows: Array<Record<string, any>>,
  viewRows: Array<{ oid: string; definition: string }>,
): void {
  const byOid = new Map<string, Table>();
  const columnNames = new Map<string, string[]>();
  for (const row of tableRows) {
    const table = cache.tables.get(`${row.schema}.${row.name}`);
    if (!table) continue;
    byOid.set(String(row.oid), table);
    columnNames.set(table.key, [...table.columns.keys()]);
  }
  // view key → (view column → [base table key, base column name]) after following views of views.
  const direct = new Map<string, Map<string, [string, number]>>();
  for (const row of viewRows) {
    const view = byOid.get(String(row.oid));
    if (!view) continue;
    const names = columnNames.get(view.key)!;
    const map = new Map<string, [string, number]>();
    for (const origin of viewColumnOrigins(row.definition)) {
      const name = names[origin.resno - 1];
      if (name !== undefined) map.set(name, [origin.table, origin.column]);
    }
    direct.set(view.key, map);
  }
  // Base relations outside the exposed schemas are unknown here; column numbers resolve by position.
  const origin = (tableOid: string, column: number, seen: Set<string>): [string, string] | undefined => {
    const table = byOid.get(tableOid);
    if (!table) return undefined;
    const name = columnNames.get(table.key)![column - 1];
    if (name === undefined) return undefined;
    const next = direct.get(table.key)?.get(name);
    if (!next || seen.has(table.key)) return [table.key, name];
    seen.add(table.key);
    return origin(next[0], next[1], seen) ?? [table.key, name];
  };
  // base table key → base column → view columns exposing it, per view
  const exposures = new Map<string, Array<{ view: Table; columns: Map<string, string> }>>();
  for (const [viewKey, map] of direct) {
    const view = cache.tables.get(viewKey)!;
    const perBase = new Map<string, Map<string, string>>();
    for (const [viewColumn, [tableOid, column]] of map) {
      const base = origin(tableOid, column, new Set([viewKey]));
      if (!base) continue;
      const columns = perBase.get(base[0]) ?? new Map<string, string>();
      if (!columns.has(base[1])) columns.set(base[1], viewColumn);
      perBase.set(base[0], columns);
    }
    for (const [baseKey, columns] of perBase) {
      const list = exposures.get(baseKey) ?? [];
      list.push({ view, columns });
      exposures.set(baseKey, list);
    }
  }
  const through = (key: string, cols: string[]) => {
    const out: Array<{ table: Table; columns: string[] }> = [];
    for (const { view, columns } of exposures.get(key) ?? []) {
      if (cols.every((c) => columns.has(c))) out.push({ table: view, columns: cols.map((c) => columns.get(c)!) });
    }
    return out;
  };
  for (const table of cache.tables.values()) {
    if (table.isView) continue;
    for (const key of table.uniqueKeys) {
      for (const { table: view, columns } of through(table.key, key)) {
        view.uniqueKeys.push(columns);
        if (sameColumns(key, table.primaryKey) && view.primaryKey.length === 0) view.primaryKey = columns;
      }
    }
  }
  for (const fk of [...cache.foreignKeys]) {
    const froms = [{ table: cache.tables.get(fk.from)!, columns: fk.fromColumns }, ...through(fk.from, fk.fromColumns)];
    const tos = [{ table: cache.tables.get(fk.to)!, columns: fk.toColumns }, ...through(fk.to, fk.toColumns)];
    for (const from of froms) {
      for (const to of tos) {
        if (!from.table.isView && !to.table.isView) continue;
        cache.foreignKeys.push({ name: fk.name, from: from.table.key, fromColumns: from.columns, to: to.table.key, toColumns: to.columns });
      }
    }
  }
}

const sameColumns = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
