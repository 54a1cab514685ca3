-- A display name is public (reviews show it), so an address is refused when someone sets one. Only on
-- update: sign-up copies whatever name the sign-up form sent, and app.public_name() hides it if needed.
create or replace function app.check_display_name()
returns trigger language plpgsql security definer set search_path = ''
as $function$
begin
  if app.looks_like_email(new.full_name) then
    perform app.raise_error('invalid_input', 'Use a name, not an e-mail address: your display name is shown on your reviews.');
  end if;
  new.full_name := btrim(new.full_name);
  return new;
end $function$;

revoke all on function app.check_display_name() from public, anon, authenticated, service_role;

create trigger profiles_check_display_name BEFORE UPDATE OF full_name ON public.profiles FOR EACH ROW WHEN (old.full_name IS DISTINCT FROM new.full_name) EXECUTE FUNCTION app.check_display_name();
