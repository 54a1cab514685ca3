create or replace function app.require_admin()
returns uuid language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
begin
  if not app.is_admin() then
    perform app.raise_error('forbidden', 'Only administrators can do this.');
  end if;
  return v_uid;
end $function$;

revoke all on function app.require_admin() from public, anon, authenticated, service_role;
