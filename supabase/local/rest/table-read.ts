/** GET/HEAD on a table or view: the read statement, counts and ranges. */
import type { ServiceRequest, ServiceResponse } from '../core/service.ts';
import type { TransactionPlan, StatementResult } from './execute.ts';
import { appliedHeader, type Accepted, type Preferences } from './prefer.ts';
import {
  applyParams, bodyExpr, filterEntries, finalStatement, planTree, rootAlias, selectItems, sourceSelect, topRange,
  type PlanOptions, type TopRange,
} from './read.ts';
import { bodyResponse, contentRange, pageTotal, rangeStatus, singularCheck } from './respond.ts';
import type { SchemaCache, Table } from './schema-cache.ts';
import { queryEncode } from './table-write.ts';
import { ident, qualified, SqlParams } from './sql.ts';

/**
 * The exact total `count=exact|estimated` needs, as SQL over the same FROM/WHERE as the page
 * (`count=planned` needs none: the planner's estimate comes from `estimateOf`).
 */
export function countExpr(prefs: Preferences, from: string, joins: string, where: string): string {
  if (!prefs.count || prefs.count === 'planned') return 'NULL';
  // PostgREST counts the root rows its filters and inner joins keep (not the groups aggregates make):
  // the joins matter only where they can drop rows (an inner join, a WHERE term reading a lateral
  // join). Each yields at most one row per row, so keeping them never multiplies the count.
  const laterals = [...joins.matchAll(/\) AS ("(?:[^"]|"")+") ON TRUE/g)].map((match) => match[1]!);
  const needsJoins = joins.includes(' INNER JOIN LATERAL ') || laterals.some((lateral) => where.includes(lateral));
  return `(SELECT pg_catalog.count(*) FROM ${from}${needsJoins ? joins : ''}${where})`;
}

/**
 * For `count=planned|estimated`, the statement PostgREST EXPLAINs for the planner's row estimate:
 * the counted rows, with the page's every parameter (all of them sit in FROM, joins and WHERE).
 */
export function estimateOf(prefs: Preferences, from: string, joins: string, where: string, values: unknown[]): TransactionPlan['estimate'] {
  if (prefs.count !== 'planned' && prefs.count !== 'estimated') return undefined;
  return { text: `SELECT 1 FROM ${from}${joins}${where}`, values };
}

/**
 * The total to report: exact; planned is the estimate; estimated is exact until it passes max-rows,
 * then the larger of exact and the estimate (PostgREST's rule, no max-rows counting as passed).
 */
export function reportedTotal(prefs: Preferences, row: StatementResult, maxRows: number): number | null {
  const exact = row.total === null ? null : Number(row.total);
  const planned = row.planned ?? null;
  if (prefs.count === 'planned') return planned;
  if (prefs.count === 'estimated' && exact !== null && planned !== null && (maxRows <= 0 || exact > maxRows)) {
    return Math.max(exact, planned);
  }
  return exact;
}

/**
 * PostgREST's Content-Location on reads: the table and the query string, parameters sorted by name,
 * repeated names joined by commas, encoded as Haskell's HTTP package encodes them.
 */
function contentLocation(tableName: string, query: URLSearchParams): string {
  const pairs = [...query].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const encode = (text: string) => queryEncode(text).replace(/\+/g, '%20');
  const parts: string[] = [];
  for (let i = 0; i < pairs.length; i += 1) {
    const [name, value] = pairs[i]!;
    const values = [encode(value)];
    while (i + 1 < pairs.length && pairs[i + 1]![0] === name) values.push(encode(pairs[++i]![1]));
    parts.push(`${encode(name)}=${values.join(',')}`);
  }
  return `/${tableName}${parts.length > 0 ? `?${parts.join('&')}` : ''}`;
}

export interface ReadPlan {
  plan: Omit<TransactionPlan, 'settings' | 'isAnon'>;
  respond(row: StatementResult): ServiceResponse;
}

export function planTableRead(
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
  const root = planTree(cache, schema, table, alias, selectItems(req, options), sql);
  applyParams(root, filterEntries(req));
  const range: TopRange = topRange(req, root, options.maxRows, true);
  const from = `${qualified(table.schema, table.name)} AS ${ident(alias)}`;
  const source = sourceSelect(root, from, sql, range);
  const total = countExpr(prefs, from, source.joins, source.where);
  const text = finalStatement([`pgrst_source AS (${source.select})`], total, bodyExpr(accepted));
  return {
    plan: {
      readOnly: true,
      text,
      values: sql.values,
      estimate: estimateOf(prefs, from, source.joins, source.where, sql.values),
      check: singularCheck(accepted),
      end: prefs.rollback ? 'rollback' : 'commit',
    },
    respond(row) {
      const rows = pageTotal(row);
      const totalCount = reportedTotal(prefs, row, options.maxRows);
      const status = rangeStatus(range.offset, rows, totalCount);
      const headers: Record<string, string> = {
        'content-range': contentRange(range.offset, rows, totalCount),
        'content-location': contentLocation(table.name, req.query),
      };
      const applied = appliedHeader(prefs, {});
      if (applied) headers['preference-applied'] = applied;
      return bodyResponse(status, accepted, row.body, headers, req.method === 'HEAD');
    },
  };
}
