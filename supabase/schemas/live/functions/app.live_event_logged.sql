-- Announces a new audit event (app.live_announce) under the reason of the change it records, so that an
-- action's ticket update and its event make one message, not two; kinds with no such change (a split)
-- are `event`. Internal events (an assignment) go to staff only, on the queue; a ticket's creation too,
-- as for the ticket row itself.
create or replace function app.live_event_logged()
returns trigger language plpgsql security definer set search_path = ''
as $function$
declare
  v_reason text := case new.kind
    when 'created' then 'created'
    when 'assessed' then 'quote'
    when 'reassessed' then 'quote'
    when 'quote_confirmed' then 'quote'
    when 'quote_declined' then 'quote'
    when 'charged' then 'charge'
    when 'refunded' then 'charge'
    when 'awaiting_credits' then 'status'
    when 'resolved' then 'status'
    when 'canceled' then 'status'
    when 'assigned' then 'assigned'
    else 'event'
  end;
begin
  perform app.live_announce(new.ticket_id, v_reason, not new.internal and v_reason <> 'created');
  return null;
end $function$;

comment on function app.live_event_logged() is 'Trigger: announce a new audit event under the reason of the change it records; internal ones on queue only.';

revoke all on function app.live_event_logged() from public, anon, authenticated, service_role;

create trigger ticket_events_live_logged AFTER INSERT ON public.ticket_events FOR EACH ROW EXECUTE FUNCTION app.live_event_logged();
