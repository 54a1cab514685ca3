-- Announces a new notification to its recipient alone, on `user:<id>`: event `changed` with
-- {"notification_id"}; the bell refetches the count and the list through RLS. realtime.send delivers
-- after commit and never raises, so a notice cannot fail the action that caused it.
create or replace function app.live_notification_added()
returns trigger language plpgsql security definer set search_path = ''
as $function$
begin
  perform realtime.send(jsonb_build_object('notification_id', new.id), 'changed', 'user:' || new.user_id, true);
  return null;
end $function$;

comment on function app.live_notification_added() is 'Trigger: announce a new notification on user:<recipient>.';

revoke all on function app.live_notification_added() from public, anon, authenticated, service_role;

create trigger notifications_live_added AFTER INSERT ON public.notifications FOR EACH ROW EXECUTE FUNCTION app.live_notification_added();
