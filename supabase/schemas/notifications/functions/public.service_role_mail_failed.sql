-- Temporary failures (a 4xx from the server, a connection error) are retried after 30 s, 1, 2, 4, 8 min,
-- at most an hour apart, and the mail is dead after its 6th attempt. A permanent failure (a 5xx, an address
-- the server refuses) is dead at once, and the address is suppressed: nothing more is enqueued to it, and
-- what was queued to it is dead too, since mailing a bouncing address only hurts the sender's standing with
-- receiving servers.
create or replace function public.service_role_mail_failed(p_id bigint, p_error text, p_permanent boolean)
returns jsonb language plpgsql security definer set search_path = ''
as $function$
declare
  v_row app.mail_outbox;
  v_error text := left(coalesce(nullif(btrim(p_error), ''), 'No error given.'), 2000);
  v_status text;
begin
  if p_permanent is null then
    perform app.raise_error('invalid_input', 'Say whether the failure is permanent.');
  end if;
  select * into v_row from app.mail_outbox o where o.id = p_id for update;
  if v_row.id is null then
    perform app.raise_error('not_found', format('There is no mail %s.', p_id));
  end if;
  if v_row.status not in ('sending', 'unknown') then
    perform app.raise_error('invalid_state', format('Mail %s is %s, not being sent.', p_id, v_row.status));
  end if;
  v_status := case when p_permanent or v_row.attempts >= 6 then 'dead' else 'retry' end;
  update app.mail_outbox o
  set status = v_status, last_error = v_error, locked_until = null, updated_at = clock_timestamp(),
      next_attempt_at = case when v_status = 'retry'
        then now() + least(make_interval(secs => 30 * power(2, greatest(v_row.attempts, 1) - 1)), interval '1 hour')
        else o.next_attempt_at end
  where o.id = p_id;
  if p_permanent then
    insert into app.mail_suppressions (email, reason) values (v_row.to_email, v_error)
    on conflict (email) do update set reason = excluded.reason, created_at = now();
    -- Mails already queued to it would only bounce again; they end with this one (admins see them all).
    update app.mail_outbox o
    set status = 'dead', updated_at = clock_timestamp(),
        last_error = left(format('Not sent: the address failed permanently with mail %s: %s', p_id, v_error), 2000)
    where o.to_email = v_row.to_email and o.status in ('pending', 'retry', 'held') and o.id <> p_id;
  end if;
  return jsonb_build_object('status', v_status);
end $function$;

comment on function public.service_role_mail_failed(bigint,text,boolean) is 'Service role (send-mail): a claimed mail failed. Temporary: retry with backoff (30 s doubling, at most 1 h), dead after 6 attempts; permanent: dead and the address suppressed. Returns {status: retry | dead}.';

revoke all on function public.service_role_mail_failed(bigint,text,boolean) from public, anon, authenticated, service_role;
grant execute on function public.service_role_mail_failed(bigint,text,boolean) to service_role;
