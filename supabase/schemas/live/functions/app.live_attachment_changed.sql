-- Announces a file appearing on, or disappearing from, a ticket (app.live_announce, reason `attachment`):
-- an upload finished, files sent with a message (attach_to_message runs after the message was posted and
-- announced), a file marked internal or visible again, a finished file discarded. Pending files are the
-- uploader's alone and announce nothing. The customer's channel hears of it when the file was or becomes
-- visible to the customer: a file just hidden must vanish from their screen.
create or replace function app.live_attachment_changed()
returns trigger language plpgsql security definer set search_path = ''
as $function$
begin
  if 'ready' in (old.status, new.status)
     and (old.status, old.message_id, old.internal) is distinct from (new.status, new.message_id, new.internal) then
    perform app.live_announce(new.ticket_id, 'attachment',
      (old.status = 'ready' and not old.internal) or (new.status = 'ready' and not new.internal));
  end if;
  return null;
end $function$;

comment on function app.live_attachment_changed() is 'Trigger: announce a finished file added, sent, hidden, shown or discarded; the customer''s channel only when they could or can see it.';

revoke all on function app.live_attachment_changed() from public, anon, authenticated, service_role;

create trigger ticket_attachments_live_changed AFTER UPDATE OF status, message_id, internal ON public.ticket_attachments FOR EACH ROW EXECUTE FUNCTION app.live_attachment_changed();
