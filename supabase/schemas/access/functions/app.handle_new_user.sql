-- Runs as the table owner (security definer), so GoTrue's role needs no rights on public.
create or replace function app.handle_new_user()
returns trigger language plpgsql security definer set search_path = ''
as $function$
declare
  v_name text := left(btrim(coalesce(new.raw_user_meta_data ->> 'full_name', new.raw_user_meta_data ->> 'name', '')), 200);
  v_account_id uuid;
begin
  insert into public.profiles (id, email, full_name)
  values (new.id, coalesce(new.email, ''), v_name);

  insert into public.accounts (name)
  values (left(coalesce(nullif(v_name, ''), nullif(new.email, ''), 'Personal account'), 200))
  returning id into v_account_id;

  insert into public.account_members (account_id, user_id, role)
  values (v_account_id, new.id, 'owner');
  return new;
end $function$;

comment on function app.handle_new_user() is 'AFTER INSERT on auth.users: profile + personal account + owner membership.';

revoke all on function app.handle_new_user() from public, anon, authenticated, service_role;

create trigger on_auth_user_created AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION app.handle_new_user();
