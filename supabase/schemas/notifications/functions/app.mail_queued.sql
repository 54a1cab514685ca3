-- Statement trigger on app.mail_outbox: when a statement leaves mail due now (pending) — an event's mail, a
-- digest, an admin's retry — ask for delivery, once per transaction however many statements queue mail.
-- Held (daily) mail waits for the digest; retries wait for their backoff and the minute's cron call.
create or replace function app.mail_queued()
returns trigger language plpgsql security definer set search_path = ''
as $function$
begin
  if exists (select 1 from changed where status = 'pending')
     and coalesce(current_setting('app.mail_delivery_requested', true), '') is distinct from txid_current()::text then
    perform set_config('app.mail_delivery_requested', txid_current()::text, true);
    perform app.request_mail_delivery();
  end if;
  return null;
end $function$;

comment on function app.mail_queued() is 'Trigger: request mail delivery once per transaction that leaves pending mail in the outbox.';

revoke all on function app.mail_queued() from public, anon, authenticated, service_role;

create trigger mail_queued_on_insert AFTER INSERT ON app.mail_outbox REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION app.mail_queued();

create trigger mail_queued_on_update AFTER UPDATE ON app.mail_outbox REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION app.mail_queued();
