/** GET/HEAD on a table or view: the read statement, counts and ranges. */
import type { ServiceRequest, ServiceResponse } from '../core/service.ts';
import type { TransactionPlan, StatementResult } from './execute.ts';
import { appliedHeader, type Accepted, type Preferences } from './prefer.ts';
import {
  applyParams, bodyExpr, filterEntries, finalStatement, planTree, rootAlias, selectItems, sourceSelect, topRange,
  type PlanOptions, type TopRange,
} from './read.ts';
import { bodyResponse, contentRange, pageTotal, rangeStatus, singularError } from './respond.ts';
import type { SchemaCache, Table } from './schema-cache.ts';
import { ident, literal, qualified, SqlParams } from './sql.ts';

/** The total a `count=` preference asks for, as SQL over the same FROM/WHERE as the page. */
export function countExpr(prefs: Preferences, table: Table | null, from: string, joins: string, where: string): string {
  if (!prefs.count) return 'NULL';
  const needsJoins = where.includes('.pgrst_j');
  const exact = `(SELECT pg_catalog.count(*) FROM ${from}${needsJoins ? joins : ''}${where})`;
  if (prefs.count === 'planned' && table && !table.isView && where === '') {
    // PostgREST reads the planner's estimate; for an unfiltered table that is the table statistics.
    // Filtered or never-analyzed reads fall back to the exact count.
    const regclass = literal(qualified(table.schema, table.name));
    return `coalesce((SELECT nullif(greatest(c.reltuples, -1), -1)::int8 FROM pg_catalog.pg_class c WHERE c.oid = ${regclass}::regclass), ${exact})`;
  }
  return exact;
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
  const total = countExpr(prefs, table, from, source.joins, source.where);
  const text = finalStatement([`pgrst_source AS (${source.select})`], total, bodyExpr(accepted));
  return {
    plan: {
      readOnly: true,
      text,
      values: sql.values,
      decide: (row) => singularError(accepted, row) ?? (prefs.rollback ? 'rollback' : 'commit'),
    },
    respond(row) {
      const rows = pageTotal(row);
      const totalCount = row.total === null ? null : Number(row.total);
      const status = rangeStatus(range.offset, rows, totalCount);
      const headers: Record<string, string> = { 'content-range': contentRange(range.offset, rows, totalCount) };
      const applied = appliedHeader(prefs, {});
      if (applied) headers['preference-applied'] = applied;
      return bodyResponse(status, accepted, row.body, headers, req.method === 'HEAD');
    },
  };
}
