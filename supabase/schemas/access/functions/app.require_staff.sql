-- One look at the profile, not one query per role check: every staff call, the charge path included, passes
-- through here. Staff without a second factor in this session (aal1, see access/functions/app.is_staff.sql)
-- are told what is missing rather than that they are not staff.
create or replace function app.require_staff()
returns uuid language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_uid uuid := auth.uid();
  v_role public.app_role;
begin
  select p.role into v_role from public.profiles p where p.id = v_uid;
  if v_role is null then
    perform app.raise_error('forbidden', 'Sign in to do this.');
  end if;
  if v_role not in ('engineer', 'admin') then
    perform app.raise_error('forbidden', 'Only support engineers can do this.');
  end if;
  if coalesce((select auth.jwt() ->> 'aal'), '') <> 'aal2' then
    perform app.raise_error('mfa_required', 'Staff actions need a second factor: sign in again and enter the code from your authenticator app.');
  end if;
  return v_uid;
end $function$;

revoke all on function app.require_staff() from public, anon, authenticated, service_role;
