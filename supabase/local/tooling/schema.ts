/**
 * The declarative schema: the SQL files config.toml's `[db.migrations] schema_paths` lists (globs
 * allowed, each glob's matches in name order), applied in that order, as the Supabase CLI applies them
 * to its shadow database for `db diff`. Migrations are generated from these files (`npm run db:diff`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import pg from 'pg';
import { applyMigrations, lineOf, MigrationError } from '../migrations/index.ts';
import { readProjectConfig } from '../core/project-config.ts';
import { startScratchServer } from './scratch-db.ts';

function filesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (pattern.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

const toPosix = (path: string) => path.split(sep).join('/');

/**
 * The schema files in the order they apply. A pattern that matches nothing is an error (a typo would
 * otherwise drop objects silently); a file matched twice applies once, where it was first matched.
 */
export function schemaFiles(supabaseDir: string): string[] {
  const patterns = readProjectConfig(join(supabaseDir, 'config.toml')).db.schemaPaths;
  const all = filesUnder(supabaseDir).map((path) => toPosix(relative(supabaseDir, path)));
  const ordered: string[] = [];
  for (const pattern of patterns) {
    const regexp = globToRegExp(toPosix(pattern).replace(/^\.\//, ''));
    const matches = all.filter((path) => regexp.test(path));
    if (!matches.length) throw new Error(`config.toml: schema_paths entry "${pattern}" matches no file`);
    for (const path of matches) if (!ordered.includes(path)) ordered.push(path);
  }
  return ordered.map((path) => join(supabaseDir, path));
}

/** SQL files under supabase/schemas/ that schema_paths does not list: they would never apply. */
export function unlistedSchemaFiles(supabaseDir: string): string[] {
  const listed = new Set(schemaFiles(supabaseDir));
  return filesUnder(join(supabaseDir, 'schemas')).filter((path) => path.endsWith('.sql') && !listed.has(path));
}

/** Applies every schema file to the database at `dbUrl`, all in one transaction. */
export async function applySchema(dbUrl: string, supabaseDir: string): Promise<void> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    await client.query('begin');
    for (const path of schemaFiles(supabaseDir)) {
      const sql = readFileSync(path, 'utf8');
      try {
        await client.query(sql);
      } catch (error) {
        const pgError = error as pg.DatabaseError;
        throw new MigrationError(relative(supabaseDir, path), lineOf(sql, pgError.position), `${pgError.message} (SQLSTATE ${pgError.code})`);
      }
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Runs `work` with two fresh databases on one scratch server: one with every migration applied, one
 * with the schema files; both start from the same bootstrapped copy of `postgres`.
 */
export async function withMigrationsAndSchema<T>(
  supabaseDir: string,
  work: (urls: { migrations: string; schema: string }) => Promise<T>,
): Promise<T> {
  const server = await startScratchServer();
  try {
    const migrations = await server.createDatabase('from_migrations');
    const schema = await server.createDatabase('from_schema');
    await applyMigrations(migrations, supabaseDir);
    await applySchema(schema, supabaseDir);
    return await work({ migrations, schema });
  } finally {
    await server.stop();
  }
}
