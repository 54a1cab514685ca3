/**
 * Turns a parsed select tree plus filters into one SELECT: embeds are LEFT JOIN LATERAL subqueries
 * aggregated to JSON (to-one → object or null, to-many → array), filters and order are bound
 * parameters over identifiers checked against the schema cache.
 */
import { ApiError } from './errors.ts';
import type { Condition, Filter, OrderTerm } from './parse-filters.ts';
import type { FieldRef, SelectItem } from './parse-select.ts';
import { levenshtein } from './fuzzy.ts';
import { resolveRelationship, type Relationship } from './relationships.ts';
import type { SchemaCache, Table } from './schema-cache.ts';
import { ident, literal, qualified, type SqlParams } from './sql.ts';

export interface ReadNode {
  table: Table;
  /** The SQL alias its columns are qualified with. */
  alias: string;
  items: SelectItem[];
  children: EmbedNode[];
  conditions: Condition[];
  /** `embed=is.null` / `embed=not.is.null` filters on this node's embeds. */
  embedNullChecks: Array<{ child: EmbedNode; isNull: boolean }>;
  order: OrderTerm[];
  limit?: number;
  offset?: number;
}

export interface EmbedNode extends ReadNode {
  /** The name filters use to address it: its alias, else its table name. */
  label: string;
  relationship: Relationship;
  inner: boolean;
  spread: boolean;
  /** The lateral subquery's alias. */
  lateral: string;
  /** 1 for the root's embeds: PostgREST names the lateral join `<parent>_<label>_<depth>`. */
  depth: number;
}

export function planNode(
  cache: SchemaCache, schema: string, table: Table, alias: string, items: SelectItem[], sql: SqlParams, depth = 1,
): ReadNode {
  const node: ReadNode = { table, alias, items, children: [], conditions: [], embedNullChecks: [], order: [] };
  const labels = new Set<string>();
  for (const item of items) {
    if (item.kind !== 'embed') continue;
    // PostgREST names each embed's lateral join table_label_depth, so two embeds with one label are
    // Postgres' "specified more than once" error; answer it the same way.
    const relationship = resolveRelationship(cache, table, schema, item.name, item.hint);
    const label = item.alias ?? item.name;
    if (labels.has(label)) {
      throw new ApiError(400, '42712', `table name "${table.name}_${label}_${depth}" specified more than once`);
    }
    labels.add(label);
    const childAlias = sql.alias(item.name);
    const child = planNode(cache, schema, relationship.target, childAlias, item.items, sql, depth + 1) as EmbedNode;
    child.label = item.alias ?? item.name;
    child.relationship = relationship;
    child.inner = item.join === 'inner';
    child.spread = item.spread;
    child.lateral = `${childAlias}_j`;
    child.depth = depth;
    node.children.push(child);
  }
  return node;
}

export function findNode(root: ReadNode, path: string[]): ReadNode {
  let node = root;
  for (const label of path) {
    const next = node.children.find((child) => child.label === label);
    if (!next) {
      throw new ApiError(400, 'PGRST108', `'${label}' is not an embedded resource in this request`, null,
        `Verify that '${label}' is included in the 'select' query parameter.`);
    }
    node = next;
  }
  return node;
}

/**
 * Postgres' own 42703 for an unknown column, which PostgREST passes on, with Postgres' hint: the
 * closest column at most 3 edits away and within half the name's length, or the two equally close
 * (parse_relation.c, updateFuzzyAttrMatchState); more than two equally close give no hint.
 */
export function columnError(table: Pick<Table, 'name' | 'columns'>, name: string): ApiError {
  return missingColumn(table.name, table.columns.keys(), name);
}

function missingColumn(relation: string, columns: Iterable<string>, name: string): ApiError {
  let best = 4;
  let matches: string[] = [];
  for (const column of columns) {
    const distance = levenshtein(column, name);
    if (distance > Math.floor(name.length / 2)) continue;
    if (distance < best) {
      best = distance;
      matches = [column];
    } else if (distance === best) {
      if (matches.length === 2) {
        best = distance - 1;
        matches = [];
      } else {
        matches.push(column);
      }
    }
  }
  const ref = (column: string) => `"${relation}.${column}"`;
  const hint = matches.length === 1
    ? `Perhaps you meant to reference the column ${ref(matches[0]!)}.`
    : matches.length === 2 ? `Perhaps you meant to reference the column ${ref(matches[0]!)} or the column ${ref(matches[1]!)}.` : null;
  return new ApiError(400, '42703', `column ${relation}.${name} does not exist`, null, hint);
}

/** `alias."col"->'a'->>'b'`, after checking that `col` exists (as a column or a computed field). */
export function fieldSql(table: Table, alias: string, field: FieldRef): string {
  let expr: string;
  if (table.columns.has(field.name)) {
    expr = `${ident(alias)}.${ident(field.name)}`;
  } else {
    const computed = table.computed?.get(field.name);
    if (!computed) throw columnError(table, field.name);
    expr = `${qualified(computed.schema, computed.name)}(${ident(alias)})`;
  }
  for (const step of field.path) {
    expr += step.arrow + (/^-?\d+$/.test(step.key) ? step.key : literal(step.key));
  }
  return expr;
}

const binaryOps: Record<string, string> = {
  eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'LIKE', ilike: 'ILIKE', match: '~',
  imatch: '~*', cs: '@>', cd: '<@', ov: '&&', sl: '<<', sr: '>>', nxr: '&<', nxl: '&>', adj: '-|-',
  isdistinct: 'IS DISTINCT FROM',
};
const ftsFunctions: Record<string, string> = {
  fts: 'to_tsquery', plfts: 'plainto_tsquery', phfts: 'phraseto_tsquery', wfts: 'websearch_to_tsquery',
};

function filterSql(table: Table, alias: string, filter: Filter, sql: SqlParams): string {
  const expr = fieldSql(table, alias, filter.field);
  let out: string;
  const value = filter.value;
  if (filter.op === 'in') {
    out = `${expr} = ANY(${sql.add(value)})`;
  } else if (filter.op === 'is') {
    const word = String(value).toLowerCase();
    out = `${expr} IS ${word === 'not_null' ? 'NOT NULL' : word.toUpperCase()}`;
  } else if (filter.op in ftsFunctions) {
    const column = table.columns.get(filter.field.name);
    const config = filter.config ? `${literal(filter.config)}::regconfig, ` : '';
    const vector = column?.type === 'tsvector' && filter.field.path.length === 0 ? expr : `to_tsvector(${config}${expr})`;
    out = `${vector} @@ ${ftsFunctions[filter.op]}(${config}${sql.add(value)})`;
  } else {
    let text = String(value);
    if (filter.op === 'like' || filter.op === 'ilike') text = text.replace(/\*/g, '%');
    if (filter.op === 'ov' && text.startsWith('(') && text.endsWith(')')) text = `{${text.slice(1, -1)}}`;
    out = filter.quantifier
      ? `${expr} ${binaryOps[filter.op]} ${filter.quantifier.toUpperCase()}(${sql.add(text)})`
      : `${expr} ${binaryOps[filter.op]} ${sql.add(text)}`;
  }
  return filter.negate ? `NOT (${out})` : out;
}

export function conditionSql(table: Table, alias: string, condition: Condition, sql: SqlParams): string {
  if (condition.kind === 'filter') return filterSql(table, alias, condition, sql);
  const parts = condition.children.map((child) => conditionSql(table, alias, child, sql));
  const joined = `(${parts.join(condition.op === 'and' ? ' AND ' : ' OR ')})`;
  return condition.negate ? `NOT ${joined}` : joined;
}

/**
 * `ORDER BY …`. A related order (`embed(col)`) reads the column from the to-one embed's own lateral
 * join, as PostgREST does: so the embed's filters apply (an embed they exclude orders as NULL), and
 * only a column the embed outputs can be named (else Postgres' 42703 on PostgREST's join alias).
 */
export function orderSql(node: ReadNode, outputs?: Map<EmbedNode, string[]>): string {
  const terms = node.order;
  if (terms.length === 0) return '';
  const parts = terms.map((term) => {
    let out = term.relation === undefined ? fieldSql(node.table, node.alias, term.field) : relatedOrderSql(node, term, outputs);
    if (term.direction) out += term.direction === 'asc' ? ' ASC' : ' DESC';
    if (term.nulls) out += term.nulls === 'first' ? ' NULLS FIRST' : ' NULLS LAST';
    return out;
  });
  return ` ORDER BY ${parts.join(', ')}`;
}

/** The embed a related order term names, checked to be embedded and to-one (PGRST108, PGRST118). */
function orderedChild(node: ReadNode, relation: string): EmbedNode {
  const child = node.children.find((c) => c.label === relation);
  if (!child) {
    throw new ApiError(400, 'PGRST108', `'${relation}' is not an embedded resource in this request`, null,
      `Verify that '${relation}' is included in the 'select' query parameter.`);
  }
  if (!child.relationship.toOne) {
    throw new ApiError(400, 'PGRST118', `A related order on '${relation}' is not possible`,
      `'${node.table.name}' and '${relation}' do not form a many-to-one or one-to-one relationship`);
  }
  return child;
}

/** The lateral column a related order reads: spreads expose their outputs, JSON embeds `pgrst_o.<name>`. */
function orderColumn(child: EmbedNode, name: string): string {
  return child.spread ? name : `pgrst_o.${name}`;
}

function relatedOrderSql(node: ReadNode, term: OrderTerm, outputs: Map<EmbedNode, string[]> | undefined): string {
  const child = orderedChild(node, term.relation!);
  const available = outputs?.get(child) ?? [];
  if (!available.includes(term.field.name)) {
    throw missingColumn(`${node.table.name}_${child.label}_${child.depth}`, available, term.field.name);
  }
  let expr = `${ident(child.lateral)}.${ident(orderColumn(child, term.field.name))}`;
  for (const step of term.field.path) {
    expr += step.arrow + (/^-?\d+$/.test(step.key) ? step.key : literal(step.key));
  }
  return expr;
}

/** The table an embed reads, or the computed relationship's function called with the parent's row. */
function embedSource(parent: ReadNode, child: EmbedNode): string {
  const rel = child.relationship;
  return rel.kind === 'computed'
    ? `${qualified(rel.fn.schema, rel.fn.name)}(${ident(parent.alias)})`
    : qualified(child.table.schema, child.table.name);
}

export interface RenderedNode {
  /** `expr AS "key"` entries. */
  columns: string[];
  keys: string[];
  joins: string[];
  where: string[];
  /** With aggregates selected: the GROUP BY list, every other selected value (as PostgREST groups). */
  groupBy: string[];
  /** The columns each to-one embed's lateral join outputs, for related orders (`embed(col)`). */
  orderOutputs: Map<EmbedNode, string[]>;
  /** In a to-one spread: its aggregates, selected plain here for the node above to apply (by key). */
  hoisted: Map<string, HoistedAggregate>;
}

interface HoistedAggregate {
  fn: string;
  resultCast?: string;
}

function hasAggregates(node: ReadNode): boolean {
  return node.items.some((item) => item.kind === 'aggregate');
}

/**
 * Whether an embed is a to-one spread with aggregates in it or in its own to-one spreads. PostgREST
 * hoists those into the nearest node that is not such a spread (the root, a JSON embed), which then
 * aggregates over its rows and groups by everything else it selects: `client_id,...orders(x.sum())`
 * on a to-one `orders` sums per client rather than per order, which would aggregate nothing.
 */
function hoistsAggregates(child: EmbedNode): boolean {
  return child.spread && child.relationship.toOne && (hasAggregates(child) || child.children.some(hoistsAggregates));
}

function aggregateSql(agg: HoistedAggregate, arg: string): string {
  const expr = `pg_catalog.${agg.fn}(${arg})`;
  return agg.resultCast ? `CAST(${expr} AS ${agg.resultCast})` : expr;
}

/** ` GROUP BY …` when the node aggregates, else nothing. */
export function groupBySql(rendered: RenderedNode): string {
  return rendered.groupBy.length > 0 ? ` GROUP BY ${rendered.groupBy.join(', ')}` : '';
}

/**
 * The select list, lateral joins and WHERE terms of a node; the caller adds FROM, ORDER and LIMIT.
 * `hoisting` marks a to-one spread: its aggregates' arguments are selected plain, for the node above.
 */
export function renderNode(node: ReadNode, sql: SqlParams, defaultStar: boolean, hoisting = false): RenderedNode {
  const out: RenderedNode = { columns: [], keys: [], joins: [], where: [], groupBy: [], orderOutputs: new Map(), hoisted: new Map() };
  const items = node.items.length === 0 && defaultStar ? [{ kind: 'star' } as SelectItem] : node.items;
  const grouped = !hoisting && (hasAggregates(node) || node.children.some(hoistsAggregates));
  // PostgREST selects a resource's own values first and its embeds' after them, wherever they stand
  // in `select` (what CSV headers and JSON key order show).
  const embedded: RenderedNode = { ...out, columns: [], keys: [] };
  let childIndex = 0;
  for (const item of items) {
    if (item.kind === 'star') {
      for (const name of node.table.columns.keys()) {
        out.columns.push(`${ident(node.alias)}.${ident(name)} AS ${ident(name)}`);
        out.keys.push(name);
        if (grouped) out.groupBy.push(`${ident(node.alias)}.${ident(name)}`);
      }
    } else if (item.kind === 'column') {
      let expr = fieldSql(node.table, node.alias, item.field);
      if (item.cast) expr = `CAST(${expr} AS ${item.cast})`;
      const key = item.alias ?? (item.field.path.length > 0 ? item.field.path.at(-1)!.key : item.field.name);
      out.columns.push(`${expr} AS ${ident(key)}`);
      out.keys.push(key);
      if (grouped) out.groupBy.push(expr);
    } else if (item.kind === 'aggregate') {
      // `count()` in a spread counts the embedded rows that exist: the whole row, NULL where none.
      let arg = hoisting ? `ROW(${ident(node.alias)}.*)` : '*';
      if (item.field) {
        arg = fieldSql(node.table, node.alias, item.field);
        if (item.cast) arg = `CAST(${arg} AS ${item.cast})`;
      }
      // PostgREST names a spread's unaliased aggregate by its function, as Postgres labels it.
      const key = item.alias ?? item.fn;
      const agg: HoistedAggregate = { fn: item.fn, resultCast: item.resultCast };
      if (hoisting) {
        out.columns.push(`${arg} AS ${ident(key)}`);
        out.hoisted.set(key, agg);
      } else {
        out.columns.push(`${aggregateSql(agg, arg)} AS ${ident(key)}`);
      }
      out.keys.push(key);
    } else {
      const child = node.children[childIndex++]!;
      renderEmbed(node, child, sql, embedded, grouped, hoisting);
    }
  }
  out.columns.push(...embedded.columns);
  out.keys.push(...embedded.keys);
  for (const condition of node.conditions) out.where.push(conditionSql(node.table, node.alias, condition, sql));
  for (const check of node.embedNullChecks) {
    const lateral = ident(check.child.lateral);
    // A to-one spread's lateral is the embed's row itself: PostgREST tests the whole row, which is
    // NULL only where no row joined (`IS NULL` on a row would also hold for a row of NULLs).
    out.where.push(check.child.spread && check.child.relationship.toOne
      ? `${lateral} IS ${check.isNull ? 'NOT ' : ''}DISTINCT FROM NULL`
      : `${lateral}.pgrst_j IS ${check.isNull ? '' : 'NOT '}NULL`);
  }
  return out;
}

function linkConditions(parent: ReadNode, child: EmbedNode): { join: string; where: string[] } {
  const rel = child.relationship;
  const p = (col: string) => `${ident(parent.alias)}.${ident(col)}`;
  const c = (col: string) => `${ident(child.alias)}.${ident(col)}`;
  if (rel.kind === 'many-to-many') {
    const j = `${child.alias}_via`;
    const jc = (col: string) => `${ident(j)}.${ident(col)}`;
    const on = rel.viaTarget.fromColumns.map((col, i) => `${jc(col)} = ${c(rel.viaTarget.toColumns[i]!)}`);
    return {
      join: ` JOIN ${qualified(rel.junction.schema, rel.junction.name)} AS ${ident(j)} ON ${on.join(' AND ')}`,
      where: rel.viaParent.fromColumns.map((col, i) => `${jc(col)} = ${p(rel.viaParent.toColumns[i]!)}`),
    };
  }
  if (rel.kind === 'computed') return { join: '', where: [] };
  const { fk } = rel;
  return {
    join: '',
    where: rel.reverse
      ? fk.fromColumns.map((col, i) => `${c(col)} = ${p(fk.toColumns[i]!)}`)
      : fk.toColumns.map((col, i) => `${c(col)} = ${p(fk.fromColumns[i]!)}`),
  };
}

function renderEmbed(parent: ReadNode, child: EmbedNode, sql: SqlParams, out: RenderedNode, grouped: boolean, hoisting: boolean): void {
  const isChecked = parent.embedNullChecks.some((check) => check.child === child);
  const orderedBy = child.relationship.toOne
    ? parent.order.filter((term) => term.relation === child.label).map((term) => term.field.name)
    : [];
  if (child.items.length === 0 && !child.inner && !isChecked && orderedBy.length === 0) return;
  const spreadToOne = child.spread && child.relationship.toOne;
  // An embed selected empty (`clients()`) but ordered by reads every column, as PostgREST's does.
  const inner = renderNode(child, sql, !child.spread && child.items.length === 0 && orderedBy.length > 0, spreadToOne);
  const link = linkConditions(parent, child);
  const where = [...link.where, ...inner.where];
  const source = embedSource(parent, child);
  let sub = `SELECT ${inner.columns.join(', ')} FROM ${source} AS ${ident(child.alias)}` +
    `${link.join}${inner.joins.join('')}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}${groupBySql(inner)}` +
    `${orderSql(child, inner.orderOutputs)}`;
  if (child.limit !== undefined) sub += ` LIMIT ${child.limit}`;
  if (child.offset !== undefined) sub += ` OFFSET ${child.offset}`;
  const lateral = ident(child.lateral);
  if (child.spread && !child.relationship.toOne) {
    if (hasAggregates(child) || child.children.some(hoistsAggregates)) {
      throw new ApiError(400, 'PGRST127', 'Feature not implemented',
        'Aggregates are not implemented for one-to-many or many-to-many spreads.');
    }
    // As PostgREST: each spread column of a to-many embed becomes an array of its values, [] when none.
    const arrays = inner.keys.map((key) => `COALESCE(json_agg(pgrst_e.${ident(key)}), '[]') AS ${ident(key)}`);
    out.joins.push(` LEFT JOIN LATERAL (SELECT json_agg(1) AS pgrst_j${arrays.map((a) => `, ${a}`).join('')} ` +
      `FROM (${sub}) AS pgrst_e) AS ${lateral} ON TRUE`);
    if (child.inner) out.where.push(`${lateral}.pgrst_j IS NOT NULL`);
    for (const key of inner.keys) {
      if (grouped) {
        out.groupBy.push(`(${lateral}.${ident(key)})::text`);
        out.columns.push(`((${lateral}.${ident(key)})::text)::json AS ${ident(key)}`);
      } else {
        out.columns.push(`${lateral}.${ident(key)} AS ${ident(key)}`);
      }
      out.keys.push(key);
    }
    return;
  }
  if (spreadToOne) {
    out.joins.push(` ${child.inner ? 'INNER' : 'LEFT'} JOIN LATERAL (${sub}) AS ${lateral} ON TRUE`);
    out.orderOutputs.set(child, inner.keys);
    for (const key of inner.keys) {
      const column = `${lateral}.${ident(key)}`;
      const agg = inner.hoisted.get(key);
      if (agg && hoisting) {
        // Still inside a to-one spread: pass the value up, to be aggregated further up.
        out.columns.push(`${column} AS ${ident(key)}`);
        out.hoisted.set(key, agg);
      } else if (agg) {
        out.columns.push(`${aggregateSql(agg, column)} AS ${ident(key)}`);
      } else {
        out.columns.push(`${column} AS ${ident(key)}`);
        if (grouped) out.groupBy.push(column);
      }
      out.keys.push(key);
    }
    return;
  }
  const agg = child.relationship.toOne ? 'row_to_json(pgrst_e)' : 'json_agg(pgrst_e)';
  // A related order reads the embed's own columns beside its JSON, under names no output can take.
  const orderColumns = [...new Set(orderedBy)].filter((name) => inner.keys.includes(name))
    .map((name) => `, pgrst_e.${ident(name)} AS ${ident(orderColumn(child, name))}`);
  if (child.relationship.toOne) out.orderOutputs.set(child, inner.keys);
  out.joins.push(` LEFT JOIN LATERAL (SELECT ${agg} AS pgrst_j${orderColumns.join('')} FROM (${sub}) AS pgrst_e) AS ${lateral} ON TRUE`);
  if (child.inner) out.where.push(`${lateral}.pgrst_j IS NOT NULL`);
  if (child.items.length > 0) {
    const value = child.relationship.toOne ? `${lateral}.pgrst_j` : `COALESCE(${lateral}.pgrst_j, '[]')`;
    if (grouped) {
      // json has no equality operator: group by its text, which the selected value is rebuilt from.
      out.groupBy.push(`(${value})::text`);
      out.columns.push(`((${value})::text)::json AS ${ident(child.label)}`);
    } else {
      out.columns.push(`${value} AS ${ident(child.label)}`);
    }
    out.keys.push(child.label);
  }
}
