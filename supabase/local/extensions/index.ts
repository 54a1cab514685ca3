/**
 * Stand-ins for the extensions hosted Supabase has and embedded Postgres lacks — pg_net, pg_cron and
 * Supabase Vault — so that the same migrations run here and there: SQL-only extensions with the
 * originals' schemas, tables and functions (sql/, installed by the Postgres start-up), and the parts
 * that the originals run in the server, run by the stack: pg_net's worker and pg_cron's scheduler.
 */
import pg from 'pg';
import type { Logger } from '../core/logger.ts';
import { startPgCronScheduler, type PgCronOptions } from './pg-cron.ts';
import { startPgNetWorker, type PgNetOptions } from './pg-net.ts';
import { upsertStackSecrets } from './vault.ts';

export type { PgCronOptions } from './pg-cron.ts';
export type { PgNetOptions } from './pg-net.ts';
export { PROJECT_URL_SECRET, SERVICE_ROLE_KEY_SECRET } from './vault.ts';

export interface ExtensionOptions {
  pgNet?: PgNetOptions;
  pgCron?: PgCronOptions;
}

export interface ExtensionWorkers {
  close(): Promise<void>;
}

/** `superuserUrl`: the `postgres` database as the bootstrap superuser (pg_net's and pg_cron's workers connect so). */
export function startExtensionWorkers(superuserUrl: string, password: string, log: Logger, options: ExtensionOptions = {}): ExtensionWorkers {
  const net = startPgNetWorker(superuserUrl, log, options.pgNet);
  const cron = startPgCronScheduler(superuserUrl, password, log, options.pgCron);
  return {
    async close() {
      await Promise.all([cron.close(), net.close()]);
    },
  };
}

export async function setStackSecrets(superuserUrl: string, apiUrl: string, serviceRoleKey: string): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await upsertStackSecrets(client, apiUrl, serviceRoleKey);
  } finally {
    await client.end();
  }
}
