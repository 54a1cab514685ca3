/**
 * The declarative schema's tools: schema_paths read as the CLI reads them, and the diff — which must
 * see every kind of change a migration can make (migra's part and the privileges and comments added to
 * it), and whose output, applied, must leave nothing to diff.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSchemas } from '../tooling/schema-diff.ts';
import { schemaFiles, unlistedSchemaFiles } from '../tooling/schema.ts';
import { startScratchServer, type ScratchServer } from '../tooling/scratch-db.ts';

const BASE = `
create schema app;
revoke all on schema app from public;
grant usage on schema app to authenticated;
create type public.colour as enum ('red', 'green');
create function app.slug(p_name text) returns text language sql immutable as $$ select lower(p_name) $$;
create table public.things (
  id bigint generated always as identity primary key,
  name text not null check (length(name) <= 50),
  slug text generated always as (app.slug(name)) stored,
  colour public.colour not null default 'red',
  owner_id uuid
);
create index things_owner_idx on public.things (owner_id);
alter table public.things enable row level security;
revoke all on table public.things from anon, authenticated, service_role;
grant select on table public.things to authenticated;
grant update (name) on table public.things to authenticated;
comment on table public.things is 'Things.';
create function app.is_owner(p_owner uuid) returns boolean language sql stable as $$ select p_owner = auth.uid() $$;
revoke all on function app.is_owner(uuid) from public, anon, authenticated, service_role;
grant execute on function app.is_owner(uuid) to authenticated;
create type app.thing_summary as (name text, owner_id uuid);
create function app.summarize(p_thing public.things) returns app.thing_summary language sql stable
  as $$ select p_thing.name, p_thing.owner_id $$;
create function app.touch() returns trigger language plpgsql set search_path = '' as $$ begin return new; end $$;
revoke all on function app.touch() from public, anon, authenticated, service_role;
create trigger things_touch before update on public.things for each row execute function app.touch();
create policy things_select on public.things for select to authenticated using (app.is_owner(owner_id));
create table public.others (id integer primary key, note text);
alter table public.others enable row level security;
revoke all on table public.others from anon, authenticated, service_role;
grant update (note) on table public.others to authenticated;
create policy files_read on storage.objects for select to authenticated
  using (bucket_id = 'files' and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy files_delete on storage.objects for delete to authenticated using (owner_id = (select auth.uid())::text);
`;

// Every kind of change a migration makes, each with what the diff must say about it. They are made
// all at once (each database costs seconds): the patterns tell them apart.
const CHANGES: Array<[string, string, RegExp]> = [
  ['a new column', 'alter table public.things add column size integer not null default 0', /add column "size"/],
  ['an identity that starts elsewhere', 'alter table public.things alter column id set start with 1001', /alter sequence public\.things_id_seq start with 1001 /],
  ['a changed check', 'alter table public.things drop constraint things_name_check, add constraint things_name_check check (length(name) <= 80)', /things_name_check.*80/s],
  ['a new enum label', "alter type public.colour add value 'blue'", /'blue'/],
  ['a dropped index', 'drop index public.things_owner_idx', /drop index .*things_owner_idx/],
  ['a changed function body', "create or replace function app.is_owner(p_owner uuid) returns boolean language sql stable as $$ select p_owner is not null and p_owner = auth.uid() $$", /p_owner is not null/],
  ['a new function', 'create function public.count_things() returns bigint language sql stable as $$ select count(*) from public.things $$', /function public\.count_things\(\)/],
  ['a function granted to another role', 'grant execute on function app.is_owner(uuid) to anon', /grant execute on function app\.is_owner\(uuid\) to anon;/],
  ['a function no longer granted', 'revoke execute on function app.is_owner(uuid) from authenticated', /revoke all on function app\.is_owner\(uuid\) from public, anon, authenticated, service_role;/],
  ['a table grant', 'grant insert on table public.things to authenticated', /grant insert, select on table public\.things to authenticated;/],
  ['a column grant', 'grant update (colour) on table public.things to authenticated', /grant update \(colour\) on table public\.things to authenticated;/],
  ['a revoked column grant', 'revoke update (note) on table public.others from authenticated', /revoke update \(note\) on table public\.others from /],
  ['a schema grant', 'grant usage on schema app to anon', /grant usage on schema app to anon;/],
  ['a changed policy', 'drop policy things_select on public.things; create policy things_select on public.things for select to authenticated using (true)', /create policy "things_select".*using \(true\)/s],
  ['a dropped trigger', 'drop trigger things_touch on public.things', /drop trigger .*things_touch/],
  ['a trigger on a table of Supabase (migra skips their schemas)', 'create trigger on_signup after insert on auth.users for each row execute function app.touch()', /CREATE TRIGGER on_signup AFTER INSERT ON auth\.users/],
  ['a new policy on storage.objects (migra skips Supabase\'s schemas)', 'create policy files_write on storage.objects for insert to authenticated with check (app.is_owner(owner))', /create policy files_write on storage\.objects as permissive for insert to authenticated with check \(app\.is_owner\(owner\)\);/],
  ['a changed policy on storage.objects', "drop policy files_read on storage.objects; create policy files_read on storage.objects for select to anon, authenticated using (bucket_id = 'files')", /drop policy if exists files_read on storage\.objects;[\s\S]*create policy files_read on storage\.objects as permissive for select to anon, authenticated using \(\(bucket_id = 'files'::text\)\);/],
  ['a dropped policy on storage.objects', 'drop policy files_delete on storage.objects', /drop policy if exists files_delete on storage\.objects;/],
  ['row level security turned off', 'alter table public.others disable row level security', /"public"\."others" disable row level security/],
  ['a changed table comment', "comment on table public.things is 'Things people own.'", /comment on table public\.things is 'Things people own\.';/],
  ['a new column comment', "comment on column public.things.name is 'What it is called.'", /comment on column public\.things\.name is 'What it is called\.';/],
  ['a function comment', "comment on function app.is_owner(uuid) is 'Whether the caller owns it.'", /comment on function app\.is_owner\(uuid\) is 'Whether the caller owns it\.';/],
];

let server: ScratchServer;
let databases = 0;

async function run(url: string, ...scripts: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const script of scripts) await client.query(script);
  } finally {
    await client.end();
  }
}

async function database(...scripts: string[]): Promise<string> {
  const url = await server.createDatabase(`diff_${++databases}`);
  await run(url, ...scripts);
  return url;
}

beforeAll(async () => {
  server = await startScratchServer();
}, 120_000);
afterAll(() => server?.stop());

describe('diffSchemas', () => {
  it('finds nothing between two databases built alike', async () => {
    const [a, b] = await Promise.all([database(BASE), database(BASE)]);
    expect((await diffSchemas(a, b)).statements).toEqual([]);
  });

  it('finds every kind of change, and its statements make the schemas agree', async () => {
    const from = await database(BASE);
    const to = await database(BASE, ...CHANGES.map(([, change]) => change));
    const diff = await diffSchemas(from, to);
    for (const [what, , said] of CHANGES) expect(diff.sql, `${what} in:\n${diff.sql}`).toMatch(said);
    await run(from, diff.sql);
    expect((await diffSchemas(from, to)).statements).toEqual([]);
  });

  it('carries the stand-in extensions (pg_net, pg_cron) a migration creates, and nothing of their insides', async () => {
    const extensions = `
      create extension if not exists pg_net with schema extensions;
      create extension if not exists pg_cron with schema pg_catalog;
      create function public.ping() returns bigint language sql as $$ select net.http_get('http://example.invalid/') $$;`;
    const [from, to] = await Promise.all([database(BASE), database(BASE, extensions)]);
    const diff = await diffSchemas(from, to);
    // Without the stand-ins' versions, which say nothing of hosted's.
    expect(diff.sql).toMatch(/create extension if not exists "pg_net" with schema "extensions";/);
    expect(diff.sql).toMatch(/create extension if not exists "pg_cron" with schema "pg_catalog";/);
    expect(diff.sql.indexOf('"pg_net"')).toBeLessThan(diff.sql.indexOf('public.ping()'));
    expect(diff.sql).not.toMatch(/(on|function|table|schema) "?(net|cron)"?[. ;]/);
    await run(from, diff.sql);
    expect((await diffSchemas(from, to)).statements).toEqual([]);
    // And back: dropped after what uses them.
    const back = await diffSchemas(to, await database(BASE));
    expect(back.sql).toMatch(/drop extension if exists "pg_net";\s*(drop extension if exists "pg_cron";\s*)?$/);
  });

  it('builds a whole schema from an empty database', async () => {
    const [empty, full] = await Promise.all([database(), database(BASE)]);
    const diff = await diffSchemas(empty, full);
    // The policies on storage.objects are the project's; the storage schema itself is Supabase's, present
    // in every database (as on hosted), and never written into a migration.
    expect(diff.sql).toMatch(/create policy files_read on storage\.objects /);
    expect(diff.sql).not.toMatch(/(create|alter|drop|grant|revoke|comment on)[^;]*\b(table|function|type|trigger|index|schema)\s+"?storage"?[."\s]/i);
    await run(empty, diff.sql);
    expect((await diffSchemas(empty, full)).statements).toEqual([]);
  });
});

describe('schema_paths', () => {
  const project = mkdtempSync(join(tmpdir(), 'pro-portal-schema-paths-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const write = (path: string, text = '') => {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), text);
  };

  it('lists files in the order given, each glob in name order, each file once', () => {
    write('config.toml', '[db.migrations]\nschema_paths = ["./schemas/b/first.sql", "./schemas/*/*.sql", "./schemas/**/deep.sql"]\n');
    for (const path of ['schemas/a/two.sql', 'schemas/a/one.sql', 'schemas/b/first.sql', 'schemas/c/x/deep.sql']) write(path);
    expect(schemaFiles(project).map((path) => path.slice(project.length + 1))).toEqual([
      'schemas/b/first.sql',
      'schemas/a/one.sql',
      'schemas/a/two.sql',
      'schemas/c/x/deep.sql',
    ]);
    write('schemas/c/x/forgotten.sql');
    expect(unlistedSchemaFiles(project).map((path) => path.slice(project.length + 1))).toEqual(['schemas/c/x/forgotten.sql']);
  });

  it('refuses an entry that matches no file', () => {
    write('config.toml', '[db.migrations]\nschema_paths = ["./schemas/typo/*.sql"]\n');
    expect(() => schemaFiles(project)).toThrow('schema_paths entry "./schemas/typo/*.sql" matches no file');
  });
});
