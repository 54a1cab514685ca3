-- Asks the cleanup-attachments edge function to remove abandoned uploads (pg_cron, every hour). The
-- function removes objects through the Storage API, which keeps the files on disk (or in S3 on hosted
-- Supabase) and their rows together; SQL alone could only delete rows.
create or replace function app.request_attachment_cleanup()
returns void language plpgsql security definer set search_path = ''
as $function$
begin
  perform app.call_edge_function('cleanup-attachments', 60000, 'abandoned attachments stay');
end $function$;

comment on function app.request_attachment_cleanup() is 'Call the cleanup-attachments edge function through pg_net, with the URL and key from Vault.';

revoke all on function app.request_attachment_cleanup() from public, anon, authenticated, service_role;
