/** Transactions on the auth pool (`supabase_auth_admin`, owner of the `auth` schema, as GoTrue connects). */
import type pg from 'pg';
import { isConnectionError } from '../core/db-errors.ts';
import { AuthError, databaseUnavailable } from './errors.ts';

export type Db = pg.PoolClient;

/** GoTrue's instance_id: always the nil UUID since multi-tenancy was removed. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Runs `work` in one transaction. A thrown error rolls back, unless it is a `CommitThenThrow`: GoTrue
 * commits some changes before answering with an error (revoking a token family on refresh-token reuse).
 */
export async function transaction<T>(pool: pg.Pool, work: (db: Db) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await once(pool, work);
    } catch (error) {
      // Postgres picked this transaction as a deadlock victim: nothing was written, so run it again.
      if (attempt >= 3 || (error as { code?: string }).code !== '40P01') throw error;
    }
  }
}

async function once<T>(pool: pg.Pool, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  let broken = false;
  try {
    await db.query('begin');
    try {
      const result = await work(db);
      await db.query('commit');
      return result;
    } catch (error) {
      if (error instanceof CommitThenThrow) {
        await db.query('commit');
        throw error.error;
      }
      await db.query('rollback').catch(() => {
        broken = true;
      });
      throw error;
    }
  } finally {
    db.release(broken);
  }
}

export class CommitThenThrow extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

/**
 * GoTrue's answer when Postgres refuses a write — most often an app's trigger on auth.users failing:
 * a 500 with a fixed message for the client and Postgres' own words in the log.
 */
export function databaseError(message: string, error: unknown): Error {
  if (isConnectionError(error)) return databaseUnavailable().withCause(`${message}: ${String((error as Error).message)}`);
  const pg = error as { code?: unknown; message?: unknown };
  if (typeof pg?.code !== 'string' || !/^[0-9A-Z]{5}$/.test(pg.code)) return error as Error;
  return new AuthError(500, 'unexpected_failure', message).withCause(`${message}: ${String(pg.message)} (SQLSTATE ${pg.code})`);
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}
