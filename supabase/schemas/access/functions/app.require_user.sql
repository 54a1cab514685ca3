-- Every RPC starts here (or at app.require_staff / app.require_admin). PL/pgSQL for the plan caching
-- explained in access/functions/app.is_staff.sql.
create or replace function app.require_user()
returns uuid language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_uid uuid := auth.uid();
begin
  if v_uid is null or not exists (select 1 from public.profiles where id = v_uid) then
    perform app.raise_error('forbidden', 'Sign in to do this.');
  end if;
  return v_uid;
end $function$;

revoke all on function app.require_user() from public, anon, authenticated, service_role;
