create or replace function app.max_balance()
returns integer language sql stable security definer set search_path = ''
as $function$
  select coalesce((select s.max_balance from app.settings s), 1000000)
$function$;

revoke all on function app.max_balance() from public, anon, authenticated, service_role;
