-- The attachments bucket's own size limit follows app.settings.attachment_max_file_bytes, so raising the
-- limit in one place raises it for Storage too (otherwise Storage would refuse, 413, files the database
-- just allowed) and lowering it makes Storage refuse larger bodies as well.
create or replace function app.sync_attachment_bucket()
returns trigger language plpgsql security definer set search_path = ''
as $function$
begin
  update storage.buckets b set file_size_limit = new.attachment_max_file_bytes, updated_at = now()
  where b.id = 'attachments';
  return null;
end $function$;

create trigger settings_sync_attachment_bucket AFTER UPDATE OF attachment_max_file_bytes ON app.settings FOR EACH ROW WHEN (old.attachment_max_file_bytes IS DISTINCT FROM new.attachment_max_file_bytes) EXECUTE FUNCTION app.sync_attachment_bucket();

comment on function app.sync_attachment_bucket() is 'Trigger: copy the per-file attachment limit to the attachments bucket''s file_size_limit.';

revoke all on function app.sync_attachment_bucket() from public, anon, authenticated, service_role;
