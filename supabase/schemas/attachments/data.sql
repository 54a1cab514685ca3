-- The private bucket of ticket attachments. Its size limit is the per-file limit of app.settings (kept in
-- step by app.sync_attachment_bucket); allowed types are left open because the refused ones are decided
-- by public.begin_attachment, whose messages say why.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
select 'attachments', 'attachments', false, s.attachment_max_file_bytes, null from app.settings s
on conflict (id) do update set public = excluded.public, file_size_limit = excluded.file_size_limit,
  allowed_mime_types = excluded.allowed_mime_types;

-- Abandoned uploads (never finished, or discarded) are removed after a day: every hour, at 17 past so it
-- does not meet the mail jobs on the hour, the cleanup-attachments function is asked.
select cron.schedule('cleanup-attachments', '17 * * * *', $$select app.request_attachment_cleanup()$$);
