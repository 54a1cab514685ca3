-- The customer may withdraw a ticket only before an engineer works on it (and only if nothing was charged,
-- checked by public.cancel_ticket). One of the status groups described in tickets/functions/app.is_open.sql.
create or replace function app.is_cancelable(p_status public.ticket_status)
returns boolean language sql immutable set search_path = ''
as $function$
  select p_status = 'new' or app.is_waiting_on_customer(p_status)
$function$;

revoke all on function app.is_cancelable(public.ticket_status) from public, anon, authenticated, service_role;
