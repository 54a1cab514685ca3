/**
 * The PostgREST-compatible REST service (`/rest/v1`): what supabase-js's query builder and `rpc` send,
 * answered with PostgREST v14's shapes, status codes and errors. The schema cache is kept in memory
 * and reloaded on `NOTIFY pgrst, 'reload schema'` (sent by the bootstrap's DDL event triggers); the
 * in-database configuration (`pgrst.*` role settings, db-config.ts) on `NOTIFY pgrst, 'reload config'`.
 *
 * Media types beyond JSON and CSV come from the database, as PostgREST's media type handlers: a
 * function returning a domain named like a media type (`"text/html"`) answers it raw, an aggregate
 * returning one answers a table's rows in it (schema-cache.ts finds them, prefer.ts negotiates).
 * Aggregates (400 PGRST123) and `.explain()` (406 PGRST107) are refused unless enabled by
 * `pgrst.db_aggregates_enabled` / `pgrst.db_plan_enabled`, as PostgREST. PUT is PostgREST's
 * single-row upsert; limit/offset on writes are read and ignored, as PostgREST v13+ (table-write.ts).
 * Aggregates in a to-one spread are hoisted into the resource above, as PostgREST hoists them; in a
 * to-many spread they are PostgREST's 400 PGRST127. Not supported, and answered rather than ignored:
 * request bodies other than JSON, or text/xml/bytea for a single unnamed parameter (415 PGRST107);
 * filters on scalar RPC results (400 PGRST100; PostgREST cannot filter them either and answers 42703).
 * `count=planned` is the planner's estimate (EXPLAIN), `count=estimated` exact up to max-rows,
 * then the larger; `return=headers-only` on an insert answers the new row's Location.
 */
import pg from 'pg';
import { isConnectionError } from '../core/db-errors.ts';
import type { ServiceContext, ServiceHandler } from '../core/service.ts';
import { defaultDbConfig, loadDbConfig, type DbConfig } from './db-config.ts';
import { createHandler } from './handler.ts';
import { PreparedStatements } from './pipeline.ts';
import { loadSchemaCache, loadTimezoneNames, type SchemaCache } from './schema-cache.ts';

export interface RestService {
  handle: ServiceHandler;
  reloadSchema(): Promise<void>;
  reloadConfig(): Promise<void>;
  close(): Promise<void>;
}

export async function createRestService(ctx: ServiceContext): Promise<RestService> {
  const schemas = ctx.config.api.schemas;
  let cache: SchemaCache = await loadSchemaCache(ctx.pools.authenticator, schemas);
  const timezones = await loadTimezoneNames(ctx.pools.authenticator);
  const warn = (message: string) => ctx.log.info('rest', `in-database configuration: ${message}`);
  let dbConfig: DbConfig = await loadDbConfig(ctx.pools.authenticator, warn).catch((error: unknown) => {
    ctx.log.error('rest', 'reading the in-database configuration failed', error);
    return defaultDbConfig;
  });
  let closed = false;
  let listener: pg.Client | undefined;
  let reloading: Promise<void> | undefined;
  let again = false;
  const prepared = new PreparedStatements();

  /** Reloads now; a reload asked for while one runs triggers exactly one more afterwards. */
  function reloadSchema(): Promise<void> {
    if (reloading) {
      again = true;
      return reloading;
    }
    reloading = (async () => {
      try {
        do {
          again = false;
          cache = await loadSchemaCache(ctx.pools.authenticator, schemas);
          prepared.invalidate();
        } while (again && !closed);
      } finally {
        reloading = undefined;
      }
    })();
    return reloading;
  }

  /** As PostgREST: a configuration that cannot be read keeps the one in force. */
  async function reloadConfig(): Promise<void> {
    dbConfig = await loadDbConfig(ctx.pools.authenticator, warn);
  }

  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  // One reconnection at a time, however many ways a connection reports its end.
  function reconnectSoon(): void {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void listen();
    }, failures <= 1 ? 100 : 1000);
  }

  async function listen(): Promise<void> {
    if (closed) return;
    const client = new pg.Client({ connectionString: ctx.dbUrl, application_name: 'local-rest-listener' });
    let dropped = false;
    const drop = (error: unknown) => {
      if (dropped) return;
      dropped = true;
      if (listener === client) listener = undefined;
      client.end().catch(() => undefined);
      if (closed || ctx.stopping?.()) return;
      // While Postgres restarts every attempt fails the same way: say so once.
      if (failures === 0) {
        if (isConnectionError(error)) ctx.log.info('rest', 'schema listener lost its connection; reconnecting');
        else ctx.log.error('rest', 'schema listener failed; reconnecting', error);
      }
      failures += 1;
      reconnectSoon();
    };
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      if (payload === '' || payload === 'reload schema') {
        reloadSchema().catch((error) => ctx.log.error('rest', 'schema cache reload failed', error));
      } else if (payload === 'reload config') {
        reloadConfig().catch((error) => ctx.log.error('rest', 'in-database configuration reload failed', error));
      }
    });
    client.on('error', drop);
    try {
      await client.connect();
      await client.query('LISTEN pgrst');
      if (dropped) return;
      listener = client;
      // DDL or ALTER ROLE may have happened while no one was listening.
      await reloadSchema();
      await reloadConfig().catch((error) => ctx.log.error('rest', 'in-database configuration reload failed', error));
      if (failures > 0) ctx.log.info('rest', 'schema listener reconnected');
      failures = 0;
    } catch (error) {
      drop(error);
    }
  }

  await listen();

  return {
    handle: createHandler(ctx, () => cache, timezones, () => dbConfig, prepared),
    reloadSchema,
    reloadConfig,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await reloading?.catch(() => undefined);
      await listener?.end().catch(() => undefined);
    },
  };
}
