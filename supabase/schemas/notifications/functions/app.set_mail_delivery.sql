-- "never" also cancels what is held for this person's digest of that kind: after choosing "never" nothing
-- more of it should arrive, not even tomorrow's roll-up.
create or replace function app.set_mail_delivery(p_user_id uuid, p_kind text, p_delivery text)
returns void language plpgsql security definer set search_path = ''
as $function$
begin
  insert into public.notification_preferences (user_id, kind, delivery, updated_at)
  values (p_user_id, p_kind, p_delivery, now())
  on conflict (user_id, kind) do update set delivery = excluded.delivery, updated_at = excluded.updated_at;
  if p_delivery = 'never' then
    update app.mail_outbox o set status = 'canceled', updated_at = clock_timestamp()
    where o.user_id = p_user_id and o.kind = p_kind and o.status = 'held';
  end if;
end $function$;

comment on function app.set_mail_delivery(uuid,text,text) is 'Store a person''s delivery for a kind; "never" cancels mails of it held for their digest.';

revoke all on function app.set_mail_delivery(uuid,text,text) from public, anon, authenticated, service_role;
