-- The one-click link in a mail has no session: the token (from app.mail_tokens, 244 random bits) stands for
-- the person. Unsubscribing from the digest turns every "daily" choice into "never", since the digest is
-- only those mails rolled up.
create or replace function public.unsubscribe_by_token(p_token text, p_kind text)
returns jsonb language plpgsql security definer set search_path = ''
as $function$
declare
  v_user uuid;
  v_kind app.mail_kinds;
  v_daily text;
begin
  select t.user_id into v_user from app.mail_tokens t
  where t.purpose = 'unsubscribe' and t.token = p_token;
  if v_user is null then
    perform app.raise_error('invalid_unsubscribe_token', 'This unsubscribe link is not valid. Sign in and choose your mails on the notifications settings page.');
  end if;
  select * into v_kind from app.mail_kinds k where k.kind = p_kind;
  if v_kind.kind is null then
    perform app.raise_error('invalid_input', format('There is no mail kind "%s".', left(coalesce(p_kind, ''), 50)));
  end if;
  if not v_kind.optional then
    perform app.raise_error('invalid_input', format('"%s" mails cannot be turned off.', v_kind.label), 'not_optional');
  end if;
  if v_kind.kind = 'digest' then
    for v_daily in select p.kind from public.notification_preferences p where p.user_id = v_user and p.delivery = 'daily' loop
      perform app.set_mail_delivery(v_user, v_daily, 'never');
    end loop;
  else
    perform app.set_mail_delivery(v_user, v_kind.kind, 'never');
  end if;
  return jsonb_build_object('kind', v_kind.kind, 'label', v_kind.label, 'delivery', 'never');
end $function$;

comment on function public.unsubscribe_by_token(text,text) is 'Anyone with a mail''s unsubscribe token: stop that optional kind for its person (delivery never). Unknown token: invalid_unsubscribe_token.';

revoke all on function public.unsubscribe_by_token(text,text) from public, anon, authenticated, service_role;
grant execute on function public.unsubscribe_by_token(text,text) to anon;
grant execute on function public.unsubscribe_by_token(text,text) to authenticated;
-- The unsubscribe edge function may call it with either key.
grant execute on function public.unsubscribe_by_token(text,text) to service_role;
