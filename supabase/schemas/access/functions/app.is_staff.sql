-- The role and caller helpers (app.is_staff, app.is_admin, app.require_*) are security definer so they read
-- profiles without recursing into its RLS. They are PL/pgSQL rather than SQL: a SQL function with a SET
-- clause cannot be inlined and, on PostgreSQL 17, is planned again on every call, while PL/pgSQL caches its
-- plans. That matters on the charge path, which calls several of them.
create or replace function app.is_staff()
returns boolean language plpgsql stable security definer set search_path = ''
as $function$
begin
  return coalesce(
    (select p.role in ('engineer', 'admin') from public.profiles p where p.id = (select auth.uid())),
    false
  );
end $function$;

comment on function app.is_staff() is 'Caller is engineer or admin. Wrap as (select app.is_staff()) in policies.';

revoke all on function app.is_staff() from public, anon, authenticated, service_role;
grant execute on function app.is_staff() to authenticated;
grant execute on function app.is_staff() to service_role;
