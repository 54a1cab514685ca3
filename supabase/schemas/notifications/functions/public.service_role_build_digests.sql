-- One digest per person per (UTC) day: what was held for them since their last digest, rolled into one
-- `digest` row that the worker sends like any other (its items are read when it is claimed). A second run
-- the same day finds that day's digest and leaves newer held mails for the next day.
create or replace function public.service_role_build_digests()
returns integer language plpgsql security definer set search_path = ''
as $function$
declare
  v_user uuid;
  v_day date := (now() at time zone 'utc')::date;
  v_id bigint;
  v_count integer := 0;
begin
  for v_user in select distinct o.user_id from app.mail_outbox o where o.status = 'held' and o.user_id is not null order by 1 loop
    v_id := app.enqueue_mail(v_user, 'digest', format('digest:%s:%s', v_user, v_day), null, null,
      jsonb_build_object('date', v_day));
    if v_id is not null then
      update app.mail_outbox o set status = 'digested', digest_id = v_id, updated_at = clock_timestamp()
      where o.user_id = v_user and o.status = 'held';
      v_count := v_count + 1;
    end if;
  end loop;
  return v_count;
end $function$;

comment on function public.service_role_build_digests() is 'Service role (daily cron): roll each person''s held mails into one digest mail for today. Returns the number of digests made.';

revoke all on function public.service_role_build_digests() from public, anon, authenticated, service_role;
grant execute on function public.service_role_build_digests() to service_role;
