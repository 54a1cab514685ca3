-- Nobody changes their own role, so an admin cannot lock the portal out of its last admin by accident; an
-- operator in the console (postgres) may still edit profiles.role directly.
create or replace function public.set_user_role(p_user_id uuid, p_role public.app_role)
returns public.profiles language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_admin();
  v_profile public.profiles;
begin
  if p_user_id is null or p_role is null then
    perform app.raise_error('invalid_input', 'Choose a person and a role.');
  end if;
  if p_user_id = v_uid then
    perform app.raise_error('invalid_state', 'You cannot change your own role; ask another administrator.');
  end if;
  update public.profiles set role = p_role where id = p_user_id returning * into v_profile;
  if v_profile.id is null then
    perform app.raise_error('not_found', 'There is no such person.');
  end if;
  return v_profile;
end $function$;

comment on function public.set_user_role(uuid,public.app_role) is 'Admin only: set another person''s role. Returns the profile.';

revoke all on function public.set_user_role(uuid,public.app_role) from public, anon, authenticated, service_role;
grant execute on function public.set_user_role(uuid,public.app_role) to authenticated;
