/**
 * How storage runs SQL, as storage-api does: a caller's statements in a transaction as their JWT role
 * with their claims (so RLS on storage.objects and storage.buckets decides), and the API's own writes as
 * the tables' owner, `supabase_storage_admin` (no RLS), with deletes allowed past protect_delete.
 */
import type pg from 'pg';
import { errors, fromDatabaseError } from './errors.ts';

export interface StorageCaller {
  /** JWT role claim; 'anon' when there is no valid JWT on a route that allows that. */
  role: string;
  sub: string | null;
  claims: Record<string, unknown>;
  token: string | null;
  /** Lower-cased request headers (request.headers). */
  headers: Record<string, string>;
  method: string;
  path: string;
}

export interface StoragePools {
  /** As `authenticator` (member of anon, authenticated and service_role), switching role per transaction. */
  user: pg.Pool;
  /** As `supabase_storage_admin`, owner of the storage tables. */
  admin: pg.Pool;
}

async function transaction<T>(pool: pg.Pool, settings: Array<[string, string]>, work: (client: pg.PoolClient) => Promise<T>, commit: boolean): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw fromDatabaseError(error) ?? errors.slowDown();
  }
  let broken = false;
  try {
    await client.query('begin');
    if (settings.length) {
      await client.query(
        `select ${settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
        settings.flat(),
      );
    }
    const result = await work(client);
    await client.query(commit ? 'commit' : 'rollback');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {
      broken = true;
    });
    throw fromDatabaseError(error) ?? error;
  } finally {
    client.release(broken);
  }
}

/** The transaction-local settings storage-api sets for a request (its `scope.ts`). */
function callerSettings(caller: StorageCaller, operation: string): Array<[string, string]> {
  const settings: Array<[string, string]> = [
    ['role', caller.role],
    ['request.jwt.claim.role', caller.role],
    ['request.jwt', caller.token ?? ''],
    ['request.jwt.claims', JSON.stringify(caller.claims)],
    ['request.headers', JSON.stringify(caller.headers)],
    ['request.method', caller.method],
    ['request.path', caller.path],
    ['storage.operation', operation],
    ['storage.allow_delete_query', 'true'],
  ];
  if (caller.sub !== null) settings.push(['request.jwt.claim.sub', caller.sub]);
  return settings;
}

/** Runs `work` as the caller; `commit: false` rolls it back (permission probes). */
export function asCaller<T>(
  pools: StoragePools,
  caller: StorageCaller,
  operation: string,
  work: (client: pg.PoolClient) => Promise<T>,
  commit = true,
): Promise<T> {
  return transaction(pools.user, callerSettings(caller, operation), work, commit);
}

/** Runs `work` as the storage tables' owner: storage-api's "superuser" paths. */
export function asAdmin<T>(pools: StoragePools, operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return transaction(pools.admin, [['storage.operation', operation], ['storage.allow_delete_query', 'true']], work, true);
}
