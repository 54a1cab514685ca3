/**
 * The PostgREST-compatible REST service (`/rest/v1`): what supabase-js's query builder and `rpc` send,
 * answered with PostgREST v14's shapes, status codes and errors. The schema cache is kept in memory
 * and reloaded on `NOTIFY pgrst, 'reload schema'` (sent by the bootstrap's DDL event triggers).
 *
 * Not supported, and answered rather than ignored: aggregates (400 PGRST123, as Supabase's default
 * config); spreading a to-many embed, ordering by an embedded column, limit/offset on PATCH/DELETE
 * (400 PGRST100); PUT (405 PGRST117); embedding through views (400 PGRST200, no relationship found);
 * `.explain()` and non-JSON request bodies (406/415 PGRST107); filters on scalar RPC results (400).
 * `count=planned` reads table statistics for unfiltered tables and counts exactly otherwise;
 * `count=estimated` counts exactly; `return=headers-only` answers like `return=minimal`.
 */
import { isServerShutdown } from '../shared/logger.ts';
import pg from 'pg';
import type { ServiceContext, ServiceHandler } from '../shared/service.ts';
import { createHandler } from './handler.ts';
import { loadSchemaCache, loadTimezoneNames, type SchemaCache } from './schema-cache.ts';

export interface RestService {
  handle: ServiceHandler;
  reloadSchema(): Promise<void>;
  close(): Promise<void>;
}

export async function createRestService(ctx: ServiceContext): Promise<RestService> {
  const schemas = ctx.config.api.schemas;
  let cache: SchemaCache = await loadSchemaCache(ctx.pools.authenticator, schemas);
  const timezones = await loadTimezoneNames(ctx.pools.authenticator);
  let closed = false;
  let listener: pg.Client | undefined;
  let reloading: Promise<void> | undefined;
  let again = false;

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
        } while (again && !closed);
      } finally {
        reloading = undefined;
      }
    })();
    return reloading;
  }

  async function listen(): Promise<void> {
    if (closed) return;
    const client = new pg.Client({ connectionString: ctx.dbUrl, application_name: 'local-rest-listener' });
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      if (payload === '' || payload === 'reload schema') {
        reloadSchema().catch((error) => ctx.log.error('rest', 'schema cache reload failed', error));
      }
    });
    client.on('error', (error) => {
      if (closed) return;
      if (isServerShutdown(error)) ctx.log.info('rest', 'Postgres is shutting down; schema listener will reconnect');
      else ctx.log.error('rest', 'schema listener connection lost; reconnecting', error);
      listener = undefined;
      client.end().catch(() => undefined);
      setTimeout(() => void listen().catch(() => undefined), 500);
    });
    try {
      await client.connect();
      await client.query('LISTEN pgrst');
      listener = client;
      // DDL may have happened while no one was listening.
      await reloadSchema();
    } catch (error) {
      client.end().catch(() => undefined);
      if (closed) return;
      ctx.log.error('rest', 'could not LISTEN pgrst; retrying', error);
      setTimeout(() => void listen().catch(() => undefined), 1000);
    }
  }

  await listen();

  return {
    handle: createHandler(ctx, () => cache, timezones),
    reloadSchema,
    async close() {
      closed = true;
      await reloading?.catch(() => undefined);
      await listener?.end().catch(() => undefined);
    },
  };
}
