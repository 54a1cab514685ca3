/**
 * Realtime's janitor: hosted Realtime keeps `realtime.messages` for 72 hours (daily partitions, dropped
 * when they age out). The stack's table is not partitioned, so it deletes rows past that age instead,
 * once at start and then every hour, keeping a busy project's local table from growing for ever. The
 * column is a `timestamp` filled with `now()`, so the cut-off is computed the same way.
 */
import type pg from 'pg';
import { isConnectionError } from '../core/db-errors.ts';
import type { Logger } from '../core/logger.ts';

export const RETENTION_HOURS = 72;
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export interface MessageRetention {
  /** Deletes what has aged out now; resolves with how many rows went. */
  sweep(): Promise<number>;
  stop(): void;
}

export function startMessageRetention(options: { pool: pg.Pool; log: Logger; everyMs?: number }): MessageRetention {
  const { pool, log } = options;
  const sweep = async () => {
    const result = await pool.query(
      `delete from realtime.messages where inserted_at < now()::timestamp - make_interval(hours => $1)`,
      [RETENTION_HOURS],
    );
    return result.rowCount ?? 0;
  };
  const run = () =>
    void sweep().catch((error: unknown) => {
      // Postgres restarting (the stack says so itself): the next sweep catches up.
      if (!isConnectionError(error)) log.error('realtime', 'removing broadcasts older than 72 hours failed', error);
    });
  const first = setTimeout(run, 1000);
  const timer = setInterval(run, options.everyMs ?? SWEEP_EVERY_MS);
  first.unref();
  timer.unref();
  return {
    sweep,
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
