/**
 * `db-diff <name>` as a developer runs it, on a small project of its own: it writes the migration that
 * takes the migrations to the schema files, then finds nothing more to write; it refuses a bad name and
 * a schema file that config.toml does not list, writing nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '..', 'cli', 'db-diff.ts');
const project = mkdtempSync(join(tmpdir(), 'pro-portal-db-diff-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(dirname(join(project, path)), { recursive: true });
  writeFileSync(join(project, path), text);
}

function dbDiff(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args, '--workdir', project], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

const migrations = () => readdirSync(join(project, 'supabase', 'migrations')).sort();

write('supabase/config.toml', '[db.migrations]\nschema_paths = ["./schemas/*.sql"]\n');
write(
  'supabase/migrations/20260101000000_notes.sql',
  'create table public.notes (id bigint generated always as identity primary key, body text not null);\n',
);
write(
  'supabase/schemas/notes.sql',
  `create table public.notes (id bigint generated always as identity primary key, body text not null, pinned boolean not null default false);
revoke all on table public.notes from anon, authenticated, service_role;
grant select on table public.notes to authenticated;
comment on column public.notes.pinned is 'Shown first.';
`,
);

describe('db-diff', () => {
  it('writes the next migration from the schema files, and then has nothing more to write', () => {
    const first = dbDiff('pin_notes');
    expect(first.status, first.err).toBe(0);
    expect(first.out).toMatch(/Wrote \S*supabase\/migrations\/\d{14}_pin_notes\.sql \(\d+ statements\)/);
    const written = migrations().at(-1)!;
    expect(written).toMatch(/^\d{14}_pin_notes\.sql$/);
    const sql = readFileSync(join(project, 'supabase', 'migrations', written), 'utf8');
    expect(sql).toMatch(/add column "pinned" boolean not null default false/);
    expect(sql).toMatch(/grant select on table public\.notes to authenticated;/);
    expect(sql).toMatch(/comment on column public\.notes\.pinned is 'Shown first\.';/);

    const again = dbDiff('pin_notes_again');
    expect(again.status, again.err).toBe(0);
    expect(again.out).toMatch(/No changes/);
    expect(migrations()).toHaveLength(2);
  }, 240_000);

  it('refuses a name that is not lower-case words, and a schema file config.toml does not list', () => {
    const before = migrations();
    const badName = dbDiff('Add Notes');
    expect(badName.status).toBe(2);
    expect(badName.err).toMatch(/Usage: npm run db:diff -- <name>/);

    write('supabase/schemas/extra/forgotten.sql', 'create table public.forgotten (id int);\n');
    const unlisted = dbDiff('forgotten');
    expect(unlisted.status).toBe(1);
    expect(unlisted.err).toMatch(/not in config\.toml's \[db\.migrations\] schema_paths[\s\S]*forgotten\.sql/);
    expect(migrations()).toEqual(before);
  }, 120_000);
});
