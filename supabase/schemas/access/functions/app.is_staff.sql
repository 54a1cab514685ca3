-- The role and caller helpers (app.is_staff, app.is_admin, app.require_*) are security definer so they read
-- profiles without recursing into its RLS. They are PL/pgSQL rather than SQL: a SQL function with a SET
-- clause cannot be inlined and, on PostgreSQL 17, is planned again on every call, while PL/pgSQL caches its
-- plans. That matters on the charge path, which calls several of them.
-- Staff rights need a second factor: the session's `aal` claim must be `aal2` (a TOTP code verified after
-- the password). An engineer signed in with a password alone is nobody special, so a stolen password moves
-- no credits and reads no other account. Every staff policy and function asks here (or app.require_staff /
-- app.require_admin), which keeps this rule in one place.
create or replace function app.is_staff()
returns boolean language plpgsql stable security definer set search_path = ''
as $function$
begin
  if coalesce((select auth.jwt() ->> 'aal'), '') <> 'aal2' then
    return false;
  end if;
  return coalesce(
    (select p.role in ('engineer', 'admin') from public.profiles p where p.id = (select auth.uid())),
    false
  );
end $function$;

comment on function app.is_staff() is 'Caller is engineer or admin and signed in with a second factor (aal2). Wrap as (select app.is_staff()) in policies.';

revoke all on function app.is_staff() from public, anon, authenticated, service_role;
grant execute on function app.is_staff() to authenticated;
grant execute on function app.is_staff() to service_role;
