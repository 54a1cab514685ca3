-- Asks the send-mail edge function to drain the outbox, after the calling transaction commits (so the
-- mail it reads is already visible). Without Vault's secrets mail waits in the outbox, which is not an
-- error for the event that queued it.
create or replace function app.request_mail_delivery()
returns void language plpgsql security definer set search_path = ''
as $function$
begin
  perform app.call_edge_function('send-mail', 30000, 'mail waits in the outbox');
end $function$;

comment on function app.request_mail_delivery() is 'Call the send-mail edge function through pg_net (after commit), with the URL and key from Vault.';

revoke all on function app.request_mail_delivery() from public, anon, authenticated, service_role;
