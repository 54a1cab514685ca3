-- Reviews are public: a fallback to the e-mail address would publish customers' addresses on the product
-- page. So the public name is the display name or "Customer", and a stored name that is itself an address
-- (accepted at sign-up, see access/functions/app.check_display_name.sql) counts as no name.
create or replace function app.public_name(p_user_id uuid)
returns text language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_name text := (select btrim(p.full_name) from public.profiles p where p.id = p_user_id);
begin
  if v_name is null or v_name = '' or app.looks_like_email(v_name) then
    return 'Customer';
  end if;
  return v_name;
end $function$;

comment on function app.public_name(uuid) is 'Display name for public pages (reviews): full_name, else ''Customer''. Never the e-mail address, unlike app.display_name.';

revoke all on function app.public_name(uuid) from public, anon, authenticated, service_role;
