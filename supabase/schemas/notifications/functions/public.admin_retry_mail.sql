-- The admin decides: for an `unknown` mail, that a duplicate is better than nothing; for a dead one, that
-- the cause is gone, so the address's suppression is lifted too. Attempts are kept, so a mail that had used
-- up its attempts gets one more, not six.
create or replace function public.admin_retry_mail(p_id bigint)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_row app.mail_outbox;
begin
  perform app.require_admin();
  select * into v_row from app.mail_outbox o where o.id = p_id for update;
  if v_row.id is null then
    perform app.raise_error('not_found', format('There is no mail %s.', p_id));
  end if;
  if v_row.status not in ('dead', 'unknown') then
    perform app.raise_error('invalid_state', format('Mail %s is %s; only dead or unknown mails are retried.', p_id, v_row.status));
  end if;
  update app.mail_outbox o
  set status = 'pending', next_attempt_at = now(), locked_until = null, updated_at = clock_timestamp()
  where o.id = p_id;
  delete from app.mail_suppressions s where s.email = v_row.to_email;
end $function$;

comment on function public.admin_retry_mail(bigint) is 'Admin: send a dead or unknown mail again (back to pending, attempts kept) and lift its address''s suppression.';

revoke all on function public.admin_retry_mail(bigint) from public, anon, authenticated, service_role;
grant execute on function public.admin_retry_mail(bigint) to authenticated;
