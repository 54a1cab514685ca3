-- Customers read a ticket's thread and audit trail, which name who wrote or did what. Falling back to the
-- e-mail address there would show a customer the address of the engineer answering them, so staff without
-- a display name (or with an address as one) appear as "Pro Portal support". A customer without one still
-- appears by their address, which only their own account's members and staff can read. Public pages use
-- app.public_name instead (access/functions/app.public_name.sql).
create or replace function app.display_name(p_user_id uuid)
returns text language plpgsql stable security definer set search_path = ''
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
