create or replace function public.set_notification_preference(p_kind text, p_delivery text)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_kind app.mail_kinds;
begin
  if p_delivery is null or p_delivery not in ('immediately', 'daily', 'never') then
    perform app.raise_error('invalid_input', 'Choose a delivery: immediately, daily or never.');
  end if;
  select * into v_kind from app.mail_kinds k where k.kind = p_kind;
  if v_kind.kind is null then
    perform app.raise_error('invalid_input', format('There is no mail kind "%s".', left(coalesce(p_kind, ''), 50)));
  end if;
  if not v_kind.audience = any (app.mail_audiences(v_uid)) then
    perform app.raise_error('invalid_input', format('"%s" mails are not sent to you, so there is nothing to choose.', v_kind.label), 'not_your_kind');
  end if;
  if not v_kind.optional then
    perform app.raise_error('invalid_input', format('"%s" mails cannot be turned off or delayed.', v_kind.label), 'not_optional');
  end if;
  perform app.set_mail_delivery(v_uid, v_kind.kind, p_delivery);
end $function$;

comment on function public.set_notification_preference(text,text) is 'Choose how the caller gets an optional mail kind of their audience: immediately | daily | never. Other kinds are invalid_input.';

revoke all on function public.set_notification_preference(text,text) from public, anon, authenticated, service_role;
grant execute on function public.set_notification_preference(text,text) to authenticated;
