-- An `unknown` row (its lease ran out) may still be reported sent by a slow worker: that settles it.
create or replace function public.service_role_mail_sent(p_id bigint, p_provider_id text)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_row app.mail_outbox;
begin
  select * into v_row from app.mail_outbox o where o.id = p_id for update;
  if v_row.id is null then
    perform app.raise_error('not_found', format('There is no mail %s.', p_id));
  end if;
  if v_row.status = 'sent' then
    return;
  end if;
  if v_row.status not in ('sending', 'unknown') then
    perform app.raise_error('invalid_state', format('Mail %s is %s, not being sent.', p_id, v_row.status));
  end if;
  update app.mail_outbox o
  set status = 'sent', sent_at = clock_timestamp(), updated_at = clock_timestamp(), locked_until = null,
      provider_id = left(nullif(btrim(p_provider_id), ''), 500)
  where o.id = p_id;
end $function$;

comment on function public.service_role_mail_sent(bigint,text) is 'Service role (send-mail): a claimed mail was accepted by the mail server (status sent). Repeating it is a no-op.';

revoke all on function public.service_role_mail_sent(bigint,text) from public, anon, authenticated, service_role;
grant execute on function public.service_role_mail_sent(bigint,text) to service_role;
