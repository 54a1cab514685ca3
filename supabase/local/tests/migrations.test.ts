/** The migration runner: order, recording as the CLI does, and a failing file reported with its line. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrationError, applyMigrations, listMigrations } from '../migrations/index.ts';
import { sql, stack } from './helpers.ts';

const project = mkdtempSync(join(tmpdir(), 'pro-portal-migrations-'));
mkdirSync(join(project, 'migrations'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

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
    const error = await applyMigrations(stack.dbUrl, project).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    const failure = error as MigrationError;
    expect(failure.file).toBe(join('migrations', '99990103000000_broken.sql'));
    expect(failure.line).toBe(4);
    expect(failure.message).toMatch(/relation "public.conf_mig_missing" does not exist \(SQLSTATE 42P01\)/);

    const recorded = await sql<{ version: string }>(
      "select version from supabase_migrations.schema_migrations where version like '9999%' order by version",
    );
    expect(recorded.map((row) => row.version)).toEqual(['99990101000000', '99990102000000']);
    const partial = await sql("select to_regclass('public.conf_mig_partial') as t");
    expect(partial[0]?.t, 'the failing file rolled back whole').toBeNull();

    rmSync(join(project, 'migrations', '99990103000000_broken.sql'));
    expect(await applyMigrations(stack.dbUrl, project), 'nothing is applied twice').toEqual([]);
  });
});
