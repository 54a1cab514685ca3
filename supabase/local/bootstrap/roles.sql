-- Roles as on Supabase (supabase/postgres init scripts): the API roles cannot log in; PostgREST logs in
-- as `authenticator` (noinherit) and switches with SET LOCAL ROLE; `postgres` is the console's role —
-- not a superuser, but it bypasses RLS so security definer functions owned by it see every row.
-- Runs once, as the bootstrap superuser `supabase_admin`, on a fresh cluster.

create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role authenticator login noinherit password 'postgres';
grant anon, authenticated, service_role to authenticator;

create role postgres login nosuperuser createdb createrole replication bypassrls password 'postgres';
grant anon, authenticated, service_role to postgres with admin option;
create role supabase_auth_admin login noinherit createrole password 'postgres';

alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
alter role postgres set search_path = "$user", public, extensions;

alter database postgres owner to postgres;
alter schema public owner to postgres;
grant usage on schema public to anon, authenticated, service_role;
-- No `alter default privileges … grant … to anon, authenticated`: since 2026 Supabase no longer exposes
-- new public objects automatically, so a migration that forgets its GRANT must fail here too.

create schema extensions authorization supabase_admin;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
create extension pgcrypto with schema extensions;
create extension "uuid-ossp" with schema extensions;

create schema graphql_public authorization supabase_admin;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;

create schema supabase_migrations authorization postgres;
create table supabase_migrations.schema_migrations (
  version text primary key,
  statements text[],
  name text
);
alter table supabase_migrations.schema_migrations owner to postgres;
-- Which seed files ran (the CLI keeps the same table), so an interrupted first start still seeds once.
create table supabase_migrations.seed_files (path text primary key, hash text not null);
alter table supabase_migrations.seed_files owner to postgres;
