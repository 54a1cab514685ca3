-- At most once: a row whose lease ran out while `sending` may have reached the receiving server before
-- the worker died, so it is not claimed again; it becomes `unknown` for an admin to look at (and retry
-- with public.admin_retry_mail). Due rows are claimed with `skip locked`, so workers running at once share
-- the rows out and never get the same one. A claim makes its recipients' first tokens (app.mail_token)
-- in one order, by person then ticket: two claims making the same people's tokens in different orders
-- would each wait for the other's insert (a deadlock).
create or replace function public.service_role_claim_mail(p_limit integer default 20, p_lease_seconds integer default 60)
returns jsonb language plpgsql security definer set search_path = ''
as $function$
declare
  v_ids bigint[];
  v_recipient record;
  v_result jsonb;
begin
  if p_limit is null or p_limit not between 1 and 500 then
    perform app.raise_error('invalid_input', 'Claim between 1 and 500 mails at a time.');
  end if;
  if p_lease_seconds is null or p_lease_seconds not between 5 and 3600 then
    perform app.raise_error('invalid_input', 'The lease must be between 5 and 3600 seconds.');
  end if;

  update app.mail_outbox o
  set status = 'unknown', locked_until = null, updated_at = clock_timestamp(),
      last_error = left(concat_ws(' ', 'The sender stopped before saying whether this mail went out; it is not re-sent by itself.',
                                  'Last error: ' || o.last_error), 2000)
  where o.id in (
    select s.id from app.mail_outbox s
    where s.status = 'sending' and s.locked_until < now()
    for update skip locked
  );

  with due as (
    select d.id from app.mail_outbox d
    where d.status in ('pending', 'retry') and d.next_attempt_at <= now()
    order by d.next_attempt_at, d.id
    limit p_limit
    for update skip locked
  ), claimed as (
    update app.mail_outbox o
    set status = 'sending', attempts = o.attempts + 1, updated_at = clock_timestamp(),
        locked_until = now() + make_interval(secs => p_lease_seconds)
    from due
    where o.id = due.id
    returning o.id
  )
  select coalesce(array_agg(c.id), '{}') into v_ids from claimed c;

  for v_recipient in
    select distinct o.user_id, o.ticket_id from app.mail_outbox o
    where o.id = any(v_ids) and o.user_id is not null
    order by o.user_id, o.ticket_id nulls first
  loop
    perform app.mail_token('unsubscribe', v_recipient.user_id);
    perform app.mail_token('reply', v_recipient.user_id, v_recipient.ticket_id);
  end loop;

  select coalesce(jsonb_agg(app.mail_message(o) order by o.id), '[]'::jsonb) into v_result
  from app.mail_outbox o where o.id = any(v_ids);
  return v_result;
end $function$;

comment on function public.service_role_claim_mail(integer,integer) is 'Service role (send-mail): claim up to p_limit due mails for p_lease_seconds (status sending, attempts + 1); expired leases become unknown, never re-sent. Returns a JSON array of messages.';

revoke all on function public.service_role_claim_mail(integer,integer) from public, anon, authenticated, service_role;
grant execute on function public.service_role_claim_mail(integer,integer) to service_role;
