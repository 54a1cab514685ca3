create or replace function app.is_open(p_status public.ticket_status)
returns boolean
language sql
immutable
set search_path = ''
as $function$
  select p_status in ('new', 'awaiting_confirmation', 'awaiting_credits', 'in_progress')
$function$;

revoke all on function app.is_open(public.ticket_status) from public, anon, authenticated, service_role;
