-- Asks the send-mail edge function to drain the outbox. pg_net sends the request only after the calling
-- transaction commits, so a rolled-back event never calls it and the mail it reads is already visible.
-- The project's URL and service role key come from Vault, where hosted projects keep them (created once,
-- README "Mail"; the local stack writes its own at start). Without them mail waits in the outbox, which
-- is not an error for the event that queued it: the warning says why nothing goes out.
create or replace function app.request_mail_delivery()
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_url text;
  v_key text;
begin
  select s.decrypted_secret into v_url from vault.decrypted_secrets s where s.name = 'project_url';
  select s.decrypted_secret into v_key from vault.decrypted_secrets s where s.name = 'service_role_key';
  if v_url is null or v_key is null then
    raise warning 'mail waits in the outbox: Vault has no project_url or service_role_key secret';
    return;
  end if;
  perform net.http_post(
    url := rtrim(v_url, '/') || '/functions/v1/send-mail',
    body := '{}'::jsonb,
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_key),
    timeout_milliseconds := 30000
  );
end $function$;

comment on function app.request_mail_delivery() is 'Call the send-mail edge function through pg_net (after commit), with the URL and key from Vault.';

revoke all on function app.request_mail_delivery() from public, anon, authenticated, service_role;
