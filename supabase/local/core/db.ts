/**
 * Connection pools for the services. Each service connects as the role its upstream uses (PostgREST as
 * `authenticator`, GoTrue as `supabase_auth_admin`, …), so a service sees exactly what it would see on
 * Supabase; Storage and Realtime will get pools of their own the same way.
 */
import pg from 'pg';
import { isConnectionError } from './db-errors.ts';
import type { Logger } from './logger.ts';

export function createPool(connectionString: string, max: number, log: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  // A connection that breaks while checked out emits `error` on its client, where pg.Pool listens
  // only while the client is idle; unheard, that event would end the process. The query in
  // flight fails by itself, and the service answers it.
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', (error) => {
    if (!isConnectionError(error)) log.error('postgres', 'idle connection failed', error);
  });
  return pool;
}
