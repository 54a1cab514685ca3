-- Asks the cleanup-attachments edge function to remove abandoned uploads (pg_cron, every hour). The
-- function removes objects through the Storage API, which keeps the files on disk (or in S3 on hosted
-- Supabase) and their rows together; SQL alone could only delete rows. URL and key come from Vault, as
-- for mail (notifications/functions/app.request_mail_delivery.sql); without them nothing is removed and the
-- warning says why.
create or replace function app.request_attachment_cleanup()
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_url text;
  v_key text;
begin
  select s.decrypted_secret into v_url from vault.decrypted_secrets s where s.name = 'project_url';
  select s.decrypted_secret into v_key from vault.decrypted_secrets s where s.name = 'service_role_key';
  if v_url is null or v_key is null then
    raise warning 'abandoned attachments stay: Vault has no project_url or service_role_key secret';
    return;
  end if;
  perform net.http_post(
    url := rtrim(v_url, '/') || '/functions/v1/cleanup-attachments',
    body := '{}'::jsonb,
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_key),
    timeout_milliseconds := 60000
  );
end $function$;

comment on function app.request_attachment_cleanup() is 'Call the cleanup-attachments edge function through pg_net, with the URL and key from Vault.';

revoke all on function app.request_attachment_cleanup() from public, anon, authenticated, service_role;
