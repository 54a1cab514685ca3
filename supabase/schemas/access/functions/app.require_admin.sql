create or replace function app.require_admin()
returns uuid language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
begin
  if not exists (select 1 from public.profiles p where p.id = v_uid and p.role = 'admin') then
    perform app.raise_error('forbidden', 'Only administrators can do this.');
  end if;
  -- An administrator at aal1 is told what is missing; app.is_admin() is the rule itself.
  if not app.is_admin() then
    perform app.raise_error('mfa_required', 'Admin actions need a second factor: sign in again and enter the code from your authenticator app.');
  end if;
  return v_uid;
end $function$;

revoke all on function app.require_admin() from public, anon, authenticated, service_role;
