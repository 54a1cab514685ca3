-- Tells open screens that a ticket changed, never what changed: event `changed` with
-- {"ticket_id", "reason"} on `queue` (staff) and, when the customer may see the change, on
-- `ticket:<id>` (the ticket's customer and staff). Screens answer by refetching through RLS, so a
-- broadcast can leak nothing, and a repeated one costs a refetch at most.
-- Once per (topic, ticket, reason) and transaction: an action writes several rows (an assessment updates
-- the ticket, logs an event and may charge), and each would otherwise send its own message. The set of
-- what was sent lives in a transaction-local setting, so it ends with the transaction and a rolled-back
-- savepoint takes its entries back with its messages.
-- realtime.send delivers only after commit and never raises (a broadcast that cannot be stored is a
-- warning), so announcing cannot undo or fail the action it reports.
create or replace function app.live_announce(p_ticket_id uuid, p_reason text, p_customer_sees boolean)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_sent text := coalesce(nullif(current_setting('app.live_sent', true), ''), ';');
  v_topic text;
  v_key text;
begin
  foreach v_topic in array case when p_customer_sees then array['queue', 'ticket:' || p_ticket_id] else array['queue'] end loop
    v_key := format('%s|%s|%s;', v_topic, p_ticket_id, p_reason);
    if position(';' || v_key in v_sent) = 0 then
      perform realtime.send(jsonb_build_object('ticket_id', p_ticket_id, 'reason', p_reason), 'changed', v_topic, true);
      v_sent := v_sent || v_key;
    end if;
  end loop;
  perform set_config('app.live_sent', v_sent, true);
end $function$;

comment on function app.live_announce(uuid,text,boolean) is 'Broadcast `changed` {ticket_id, reason} on queue (and ticket:<id> when the customer may see it), once per topic, ticket and reason per transaction.';

revoke all on function app.live_announce(uuid,text,boolean) from public, anon, authenticated, service_role;
