-- A kind nobody may turn off is always sent at once, whatever row a person might have for it.
create or replace function app.mail_delivery(p_user_id uuid, p_kind text)
returns text language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_optional boolean;
  v_delivery text;
begin
  select k.optional into v_optional from app.mail_kinds k where k.kind = p_kind;
  if v_optional is null then
    return null;
  end if;
  if not v_optional then
    return 'immediately';
  end if;
  select p.delivery into v_delivery from public.notification_preferences p where p.user_id = p_user_id and p.kind = p_kind;
  return coalesce(v_delivery, 'immediately');
end $function$;

comment on function app.mail_delivery(uuid,text) is 'How a mail of this kind goes to this person: immediately | daily | never (null: not a mail kind).';

revoke all on function app.mail_delivery(uuid,text) from public, anon, authenticated, service_role;
