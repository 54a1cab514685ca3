create or replace function app.handle_user_email_change()
returns trigger language plpgsql security definer set search_path = ''
as $function$
begin
  update public.profiles set email = coalesce(new.email, '') where id = new.id;
  return new;
end $function$;

revoke all on function app.handle_user_email_change() from public, anon, authenticated, service_role;

create trigger on_auth_user_email_changed AFTER UPDATE OF email ON auth.users FOR EACH ROW WHEN (old.email::text IS DISTINCT FROM new.email::text) EXECUTE FUNCTION app.handle_user_email_change();
