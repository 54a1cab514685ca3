/** The migration runner: order, recording as the CLI does, and a failing file reported with its line. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationError, MigrationHistoryError, applyMigrations, listMigrations } from '../migrations/index.ts';
import { startScratchServer, type ScratchServer } from '../tooling/scratch-db.ts';
import { sql, stack } from './helpers.ts';

const project = mkdtempSync(join(tmpdir(), 'pro-portal-migrations-'));
mkdirSync(join(project, 'migrations'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

// The runner's own cases run on a database of their own, not the shared stack's.
let server: ScratchServer;
let dbUrl: string;
beforeAll(async () => {
  server = await startScratchServer();
  dbUrl = await server.createDatabase('migrations_test');
}, 120_000);
afterAll(() => server?.stop());

async function scratchSql(text: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it("records the project's migrations in supabase_migrations.schema_migrations", async () => {
    const files = listMigrations(join(stack.supabaseDir, 'migrations'));
    const rows = await sql<{ version: string; name: string }>(
      'select version, name from supabase_migrations.schema_migrations order by version',
    );
    expect(rows.map((row) => row.version)).toEqual(expect.arrayContaining(files.map((file) => file.version)));
  });

  it('applies in numeric order, once, and stops at a failing file with its line', async () => {
    writeFileSync(join(project, 'migrations', '99990102000000_second.sql'), 'create table public.conf_mig_second (id int);\n');
    writeFileSync(join(project, 'migrations', '99990101000000_first.sql'), 'create table public.conf_mig_first (id int);\n');
    writeFileSync(
      join(project, 'migrations', '99990103000000_broken.sql'),
      'create table public.conf_mig_partial (id int);\n\nselect 1;\nselect * from public.conf_mig_missing;\n',
    );
    const error = await applyMigrations(dbUrl, project).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    const failure = error as MigrationError;
    expect(failure.file).toBe(join('migrations', '99990103000000_broken.sql'));
    expect(failure.line).toBe(4);
    expect(failure.message).toMatch(/relation "public.conf_mig_missing" does not exist \(SQLSTATE 42P01\)/);

    const recorded = await scratchSql('select version from supabase_migrations.schema_migrations order by version');
    expect(recorded.map((row) => row.version)).toEqual(['99990101000000', '99990102000000']);
    const partial = await scratchSql("select to_regclass('public.conf_mig_partial') as t");
    expect(partial[0]?.t, 'the failing file rolled back whole').toBeNull();

    rmSync(join(project, 'migrations', '99990103000000_broken.sql'));
    expect(await applyMigrations(dbUrl, project), 'nothing is applied twice').toEqual([]);
  });

  it('refuses a database that recorded migrations the project no longer has, and says how to recover', async () => {
    rmSync(join(project, 'migrations', '99990101000000_first.sql'));
    writeFileSync(join(project, 'migrations', '99990104000000_third.sql'), 'create table public.conf_mig_third (id int);\n');
    const error = await applyMigrations(dbUrl, project).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationHistoryError);
    expect((error as Error).message).toMatch(/no longer has \(99990101000000\).*--reset/);
    const third = await scratchSql("select to_regclass('public.conf_mig_third') as t");
    expect(third[0]?.t, 'nothing applied').toBeNull();
  });
});
