-- Every kind of the caller's audiences, including those they cannot turn off (shown as such), with the
-- delivery in force: their row, or "immediately".
create or replace function public.my_notification_preferences()
returns table(kind text, label text, description text, optional boolean, delivery text)
language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_audiences text[] := app.mail_audiences(v_uid);
begin
  return query
  select k.kind, k.label, k.description, k.optional,
         case when k.optional then coalesce(p.delivery, 'immediately') else 'immediately' end
  from app.mail_kinds k
  left join public.notification_preferences p on p.user_id = v_uid and p.kind = k.kind
  where k.audience = any (v_audiences)
  order by array_position(array['customer', 'staff', 'admin'], k.audience), k.optional, k.label;
end $function$;

comment on function public.my_notification_preferences() is 'The caller''s mail kinds (of their audiences) with label, description, whether optional, and delivery (immediately | daily | never; default immediately).';

revoke all on function public.my_notification_preferences() from public, anon, authenticated, service_role;
grant execute on function public.my_notification_preferences() to authenticated;
