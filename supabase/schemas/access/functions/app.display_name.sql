create or replace function app.display_name(p_user_id uuid)
returns text
language plpgsql
stable security definer
set search_path = ''
as $function$
declare
  v_profile public.profiles;
begin
  select * into v_profile from public.profiles p where p.id = p_user_id;
  if v_profile.id is null then
    return '';
  end if;
  if v_profile.role in ('engineer', 'admin') then
    if nullif(btrim(v_profile.full_name), '') is null or app.looks_like_email(v_profile.full_name) then
      return 'Pro Portal support';
    end if;
    return btrim(v_profile.full_name);
  end if;
  return coalesce(nullif(btrim(v_profile.full_name), ''), v_profile.email, '');
end $function$;

comment on function app.display_name(uuid) is 'How a person is named on a ticket: their display name; staff without one are "Pro Portal support", never their e-mail address.';

revoke all on function app.display_name(uuid) from public, anon, authenticated, service_role;
