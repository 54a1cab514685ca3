/**
 * A throwaway database with a project's migrations applied, for tools that need only the schema
 * (`db-types`, `db-lint`): Postgres on a free port in a temp dir, bootstrapped like Supabase, no
 * REST/Auth/Functions and no seed. Stopped and deleted by `stop()`.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap } from '../bootstrap/index.ts';
import { applyMigrations } from '../migrations/index.ts';
import { asSuperuser, startPostgres, type PostgresServer } from '../postgres/index.ts';
import { freePort } from '../core/ports.ts';
import { createLogger } from '../core/logger.ts';
import { findProjectDir } from '../core/project-config.ts';

export interface ScratchDb {
  dbUrl: string;
  stop(): Promise<void>;
}

export interface ScratchServer {
  /** A new database copied from the bootstrapped `postgres` one: roles, `auth` and `extensions`, nothing else. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** A bootstrapped Postgres with nothing of the project's applied, for tools that compare databases. */
export async function startScratchServer(): Promise<ScratchServer & { dbUrl: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-scratch-'));
  // As root, Postgres runs as its own OS user, which must be able to enter the (0700) temp dir.
  chmodSync(dataDir, 0o755);
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  let server: PostgresServer;
  try {
    server = await startPostgres({ dataDir, port: await freePort(), reset: true, log: createLogger(true) });
  } catch (error) {
    removeDir();
    throw error;
  }
  const stop = async () => {
    await server.stop();
    removeDir();
  };
  try {
    await bootstrap(server);
  } catch (error) {
    await stop();
    throw error;
  }
  const dbUrl = server.url('postgres');
  // Copying a template needs it to have no other session, so copies are made one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const createDatabase = (name: string): Promise<string> => {
    const created = queue.then(() => copyPostgres(name));
    queue = created.catch(() => undefined);
    return created;
  };
  const copyPostgres = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain database name`);
    await asSuperuser(server, async (client) => {
      // Owned and granted like `postgres`, so the migrations run in it as they do there.
      const { rows } = await client.query<{ owner: string; grants: string[] }>(
        `select pg_get_userbyid(datdba) as owner,
                array(select format('grant %s on database %%I to %I', x.privilege_type, pg_get_userbyid(x.grantee))
                      from aclexplode(datacl) x where x.grantee <> 0 and x.grantee <> datdba) as grants
         from pg_database where datname = 'postgres'`,
      );
      const template = rows[0]!;
      await client.query(`create database ${name} template postgres owner "${template.owner}"`);
      for (const grant of template.grants) await client.query(grant.replace('%I', name));
    });
    const url = new URL(dbUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return { dbUrl, createDatabase, stop };
}

/** `supabaseDir` defaults to the project the current folder lies in (see findProjectDir). */
export async function startScratchDb(supabaseDir = join(findProjectDir(), 'supabase')): Promise<ScratchDb> {
  const { dbUrl, stop } = await startScratchServer();
  try {
    await applyMigrations(dbUrl, supabaseDir);
    return { dbUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `--db-url URL` on the command line (or `SUPABASE_DB_URL`) reuses a running database instead. */
export function dbUrlArgument(argv: string[]): string | undefined {
  const index = argv.indexOf('--db-url');
  if (index >= 0) {
    const value = argv[index + 1];
    if (!value) throw new Error('--db-url needs a value');
    return value;
  }
  return process.env.SUPABASE_DB_URL || undefined;
}

/** Runs `work` against `--db-url` if given, else against a scratch database of `supabaseDir`'s migrations. */
export async function withDatabase<T>(
  argv: string[],
  work: (dbUrl: string) => Promise<T>,
  supabaseDir?: string,
): Promise<T> {
  const given = dbUrlArgument(argv);
  if (given) return work(given);
  const db = await startScratchDb(supabaseDir);
  try {
    return await work(db.dbUrl);
  } finally {
    await db.stop();
  }
}
