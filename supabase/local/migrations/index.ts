/**
 * Applies supabase/migrations/<digits>_<name>.sql in order, each in its own transaction as `postgres`,
 * recording them in supabase_migrations.schema_migrations as the Supabase CLI does; then, on a fresh
 * database, supabase/seed.sql. A failing file stops start-up with the file, line and Postgres error.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import pg from 'pg';

const MIGRATION_FILE = /^([0-9]+)_(.*)\.sql$/;

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly pgMessage: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${pgMessage}`);
    this.name = 'MigrationError';
  }
}

/** The database records migrations the project no longer has (e.g. after history was folded). */
export class MigrationHistoryError extends Error {
  constructor(readonly versions: string[]) {
    super(
      `The database has migrations that supabase/migrations/ no longer has (${versions.slice(0, 3).join(', ')}${
        versions.length > 3 ? `, and ${versions.length - 3} more` : ''
      }): its history was rewritten. Start with --reset to rebuild the local database (this deletes its data).`,
    );
    this.name = 'MigrationHistoryError';
  }
}

export interface MigrationFile {
  version: string;
  name: string;
  path: string;
}

export function listMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((file) => ({ file, match: MIGRATION_FILE.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({ version: match[1]!, name: match[2]!, path: join(dir, file) }))
    .sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }));
}

export function lineOf(sql: string, position: string | undefined): number | undefined {
  const offset = Number(position);
  if (!Number.isInteger(offset) || offset < 1) return undefined;
  return sql.slice(0, offset - 1).split('\n').length;
}

async function runFile(
  client: pg.Client,
  path: string,
  root: string,
  record?: MigrationFile,
  after?: { text: string; values: unknown[] },
): Promise<void> {
  const sql = readFileSync(path, 'utf8');
  await client.query('begin');
  try {
    await client.query(sql);
    if (record) {
      await client.query(
        'insert into supabase_migrations.schema_migrations (version, statements, name) values ($1, $2, $3)',
        [record.version, [sql], record.name],
      );
    }
    if (after) await client.query(after.text, after.values);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    const pgError = error as pg.DatabaseError;
    const detail = [pgError.message, pgError.detail && `DETAIL: ${pgError.detail}`, pgError.hint && `HINT: ${pgError.hint}`]
      .filter(Boolean)
      .join('\n');
    throw new MigrationError(relative(root, path), lineOf(sql, pgError.position), `${detail} (SQLSTATE ${pgError.code})`);
  }
}

/** Applies the migrations not yet recorded. Returns the versions applied now. */
export async function applyMigrations(dbUrl: string, supabaseDir: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const done = new Set(
      (await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).rows.map(
        (row) => row.version,
      ),
    );
    const files = listMigrations(join(supabaseDir, 'migrations'));
    const unknown = [...done].filter((version) => !files.some((file) => file.version === version)).sort();
    if (unknown.length) {
      // Like `supabase db push` against a remote whose history the project no longer has: applying the
      // rest over it would fail half-way (e.g. a baseline re-creating what exists).
      throw new MigrationHistoryError(unknown);
    }
    const applied: string[] = [];
    for (const migration of files) {
      if (done.has(migration.version)) continue;
      await runFile(client, migration.path, supabaseDir, migration);
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await client.end();
  }
}

/** Runs supabase/seed.sql once per database (recorded in supabase_migrations.seed_files). */
export async function applySeed(dbUrl: string, supabaseDir: string): Promise<boolean> {
  const seed = join(supabaseDir, 'seed.sql');
  if (!existsSync(seed)) return false;
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const seeded = await client.query("select 1 from supabase_migrations.seed_files where path = 'seed.sql'");
    if (seeded.rowCount) return false;
    const hash = createHash('sha256').update(readFileSync(seed)).digest('hex');
    await runFile(client, seed, supabaseDir, undefined, {
      text: "insert into supabase_migrations.seed_files (path, hash) values ('seed.sql', $1)",
      values: [hash],
    });
    return true;
  } finally {
    await client.end();
  }
}
