create or replace function app.handle_user_email_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $function$
begin
  update public.profiles set email = coalesce(new.email, '') where id = new.id;
  return new;
end $function$;

revoke all on function app.handle_user_email_change() from public, anon, authenticated, service_role;
