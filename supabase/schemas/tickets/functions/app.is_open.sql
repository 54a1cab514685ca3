-- The ticket status groups (this, app.is_waiting_on_customer, app.is_cancelable) are the only lists of
-- those statuses: every SQL rule asks them rather than writing its own literal list. The app's groupings
-- (src/lib/ticket-status.ts) are checked against them for every value of the enum by
-- supabase/tests/17-ticket-event-vocabulary.test.ts.
create or replace function app.is_open(p_status public.ticket_status)
returns boolean language sql immutable set search_path = ''
as $function$
  select p_status in ('new', 'awaiting_confirmation', 'awaiting_credits', 'in_progress')
$function$;

revoke all on function app.is_open(public.ticket_status) from public, anon, authenticated, service_role;
