create or replace function app.is_cancelable(p_status public.ticket_status)
returns boolean
language sql
immutable
set search_path = ''
as $function$
  select p_status = 'new' or app.is_waiting_on_customer(p_status)
$function$;

revoke all on function app.is_cancelable(public.ticket_status) from public, anon, authenticated, service_role;
