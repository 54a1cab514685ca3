/**
 * The REST service's request handler: authenticate, pick the schema and the resource, build the one
 * statement, run it in the request's transaction, answer as PostgREST would.
 */
import type { ServiceContext, ServiceHandler, ServiceRequest, ServiceResponse } from '../core/service.ts';
import type { DbConfig } from './db-config.ts';
import { ApiError, databaseUnavailable, errorResponse } from './errors.ts';
import { closest } from './fuzzy.ts';
import { runTransaction } from './execute.ts';
import type { PreparedStatements } from './pipeline.ts';
import { checkStrict, contentTypeFor, handlerLookup, hasDefaultSelect, negotiate, parsePrefer, type Accepted } from './prefer.ts';
import { ANON_ROLE, chooseSchema, identify, transactionSettings } from './request-context.ts';
import { applyResponseGucs } from './respond.ts';
import { planRpc } from './rpc.ts';
import type { PlanOptions } from './read.ts';
import type { SchemaCache } from './schema-cache.ts';
import { planTableRead, type ReadPlan } from './table-read.ts';
import { planTableWrite } from './table-write.ts';

type Target = { kind: 'root' } | { kind: 'table'; name: string } | { kind: 'rpc'; name: string };

function parsePath(path: string): Target {
  const segments = path.split('/').filter((s) => s !== '');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new ApiError(404, 'PGRST125', 'Invalid path specified in request URL');
    }
  };
  if (segments.length === 0) return { kind: 'root' };
  if (segments.length === 1) return { kind: 'table', name: decode(segments[0]!) };
  if (segments.length === 2 && segments[0] === 'rpc') return { kind: 'rpc', name: decode(segments[1]!) };
  throw new ApiError(404, 'PGRST125', 'Invalid path specified in request URL');
}

/** PostgREST's PGRST205 hint: the closest table or view of the schema, at 0.75 similarity or better. */
function tableHint(cache: SchemaCache, schema: string, name: string): string | null {
  const names = [...cache.tables.values()].filter((table) => table.schema === schema).map((table) => table.name);
  const suggestion = closest(name, names, 0.75);
  return suggestion === null ? null : `Perhaps you meant the table '${schema}.${suggestion}'`;
}

function rootDocument(cache: SchemaCache, schema: string): ServiceResponse {
  const paths: Record<string, unknown> = { '/': {} };
  for (const table of cache.tables.values()) if (table.schema === schema) paths[`/${table.name}`] = {};
  for (const [key] of cache.functions) if (key.startsWith(`${schema}.`)) paths[`/rpc/${key.slice(schema.length + 1)}`] = {};
  return {
    status: 200,
    headers: { 'content-type': 'application/openapi+json; charset=utf-8' },
    body: JSON.stringify({ swagger: '2.0', info: { title: 'Local REST', version: '14' }, paths }),
  };
}

export function createHandler(
  ctx: ServiceContext,
  getCache: () => SchemaCache,
  timezones: ReadonlySet<string>,
  getDbConfig: () => DbConfig,
  prepared: PreparedStatements,
): ServiceHandler {

  async function handle(req: ServiceRequest): Promise<ServiceResponse> {
    const target = parsePath(req.path);
    const identity = await identify(req, ctx);
    const schema = chooseSchema(req, ctx.config.api.schemas);
    const cache = getCache();
    const method = req.method;
    if (target.kind === 'root') {
      if (method !== 'GET' && method !== 'HEAD') throw new ApiError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
      return rootDocument(cache, schema);
    }
    const dbConfig = getDbConfig();
    const prefs = parsePrefer(req.headers.prefer, timezones, dbConfig.txEnd);
    checkStrict(prefs);
    const options: PlanOptions = {
      maxRows: dbConfig.maxRows ?? ctx.config.api.maxRows,
      aggregatesEnabled: dbConfig.aggregatesEnabled,
    };
    // As PostgREST, negotiated once the target is known: the database's media type handlers are
    // per table or function; without pgrst.db_plan_enabled the plan media type is not offered at all.
    let accepted: Accepted | undefined;
    const defaultSelect = hasDefaultSelect(req.query);
    const acceptFor = (target: string | undefined): Accepted => {
      accepted = negotiate(req.headers.accept, handlerLookup(cache, target, defaultSelect));
      if (accepted.plan && !dbConfig.planEnabled) {
        throw new ApiError(406, 'PGRST107', `None of these media types are available: ${req.headers.accept}`);
      }
      return accepted;
    };
    let planned: ReadPlan;
    if (target.kind === 'rpc') {
      if (!['GET', 'HEAD', 'POST'].includes(method)) throw new ApiError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
      planned = planRpc(req, cache, schema, target.name, prefs, acceptFor, options);
    } else {
      const table = cache.tables.get(`${schema}.${target.name}`);
      if (!table) {
        throw new ApiError(404, 'PGRST205', `Could not find the table '${schema}.${target.name}' in the schema cache`, null,
          tableHint(cache, schema, target.name));
      }
      if (method === 'GET' || method === 'HEAD') {
        planned = planTableRead(req, cache, schema, table, prefs, acceptFor(table.key), options);
      } else if (method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE') {
        planned = planTableWrite(req, cache, schema, table, prefs, acceptFor(table.key), options);
      } else {
        throw new ApiError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
      }
    }
    accepted ??= acceptFor(undefined);
    const settings = transactionSettings(req, ctx, cache, identity, schema, prefs.timezone);
    if (accepted.plan) {
      const { format, options } = accepted.plan;
      const explained = await runTransaction(ctx.pools.authenticator, {
        ...planned.plan,
        text: `EXPLAIN (${[`FORMAT ${format.toUpperCase()}`, ...options.map((o) => o.toUpperCase())].join(', ')}) ${planned.plan.text}`,
        settings,
        isAnon: identity.role === ANON_ROLE,
        explain: true,
        check: undefined,
        end: prefs.rollback ? 'rollback' : 'commit',
      }, prepared);
      return { status: 200, headers: { 'content-type': contentTypeFor(accepted) }, body: explained.body ?? '' };
    }
    const row = await runTransaction(ctx.pools.authenticator, {
      ...planned.plan,
      settings,
      isAnon: identity.role === ANON_ROLE,
    }, prepared);
    return applyResponseGucs(row, planned.respond(row));
  }

  return async (req) => {
    try {
      return await handle(req);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error);
      const unavailable = databaseUnavailable(error);
      if (unavailable) return errorResponse(unavailable);
      ctx.log.error('rest', `${req.method} ${req.path} failed`, error);
      return errorResponse(new ApiError(500, 'PGRST000', 'Internal error in the local REST service'));
    }
  };
}
