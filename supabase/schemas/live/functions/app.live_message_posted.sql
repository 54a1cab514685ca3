-- Announces a new message (app.live_announce); an internal note only to staff, on the queue.
create or replace function app.live_message_posted()
returns trigger language plpgsql security definer set search_path = ''
as $function$
begin
  perform app.live_announce(new.ticket_id, 'message', not new.internal);
  return null;
end $function$;

comment on function app.live_message_posted() is 'Trigger: announce a new message; internal notes on queue only.';

revoke all on function app.live_message_posted() from public, anon, authenticated, service_role;

create trigger ticket_messages_live_posted AFTER INSERT ON public.ticket_messages FOR EACH ROW EXECUTE FUNCTION app.live_message_posted();
