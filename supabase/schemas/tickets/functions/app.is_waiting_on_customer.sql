-- Priced but not charged: staff do not answer such a ticket (docs/design.md §1.5) until it is charged.
-- One of the status groups described in tickets/functions/app.is_open.sql.
create or replace function app.is_waiting_on_customer(p_status public.ticket_status)
returns boolean language sql immutable set search_path = ''
as $function$
  select p_status in ('awaiting_confirmation', 'awaiting_credits')
$function$;

revoke all on function app.is_waiting_on_customer(public.ticket_status) from public, anon, authenticated, service_role;
