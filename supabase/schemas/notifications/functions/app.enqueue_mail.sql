-- Called in the transaction of the event the mail reports, so the mail exists exactly when the event
-- committed. Per the recipient's choice: immediately -> pending, daily -> held for the digest, never ->
-- nothing. Nothing either for an address that is not a plain address or that failed permanently
-- (app.mail_suppressions): the in-app notice still tells the person. A second call with the same
-- dedupe key adds nothing. Returns the row's id, or null when none was added.
create or replace function app.enqueue_mail(p_user_id uuid, p_kind text, p_dedupe_key text, p_ticket_id uuid default NULL::uuid, p_notification_id uuid default NULL::uuid, p_data jsonb default '{}'::jsonb)
returns bigint language plpgsql security definer set search_path = ''
as $function$
declare
  v_profile public.profiles;
  v_delivery text := app.mail_delivery(p_user_id, p_kind);
begin
  if p_user_id is null or v_delivery is null or v_delivery = 'never' then
    return null;
  end if;
  select * into v_profile from public.profiles p where p.id = p_user_id;
  if v_profile.id is null then
    return null;
  end if;
  return app.enqueue_mail_to(lower(btrim(v_profile.email)), v_profile.full_name, p_kind, p_dedupe_key, p_data,
    p_user_id, p_ticket_id, p_notification_id, case v_delivery when 'daily' then 'held' else 'pending' end);
end $function$;

comment on function app.enqueue_mail(uuid,text,text,uuid,uuid,jsonb) is 'Enqueue a mail of a kind to a person per their preference (pending, held for the digest, or nothing); ignored for a repeated dedupe key.';

revoke all on function app.enqueue_mail(uuid,text,text,uuid,uuid,jsonb) from public, anon, authenticated, service_role;
