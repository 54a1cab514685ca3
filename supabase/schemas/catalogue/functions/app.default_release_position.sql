-- A new release without a position goes after the newest one, so admins can just add a version.
create or replace function app.default_release_position()
returns trigger language plpgsql security definer set search_path = ''
as $function$
begin
  if new.position is null or new.position = 0 then
    select coalesce(max(r.position), 0) + 1 into new.position from public.product_releases r;
  end if;
  return new;
end $function$;

revoke all on function app.default_release_position() from public, anon, authenticated, service_role;

create trigger product_releases_default_position BEFORE INSERT ON public.product_releases FOR EACH ROW EXECUTE FUNCTION app.default_release_position();
