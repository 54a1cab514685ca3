-- Security definer and PL/pgSQL for the reasons given in access/functions/app.is_staff.sql, which also
-- explains the second factor (aal2) admin rights need.
create or replace function app.is_admin()
returns boolean language plpgsql stable security definer set search_path = ''
as $function$
begin
  if coalesce((select auth.jwt() ->> 'aal'), '') <> 'aal2' then
    return false;
  end if;
  return coalesce(
    (select p.role = 'admin' from public.profiles p where p.id = (select auth.uid())),
    false
  );
end $function$;

comment on function app.is_admin() is 'Caller is admin and signed in with a second factor (aal2). Wrap as (select app.is_admin()) in policies.';

revoke all on function app.is_admin() from public, anon, authenticated, service_role;
grant execute on function app.is_admin() to authenticated;
grant execute on function app.is_admin() to service_role;
