-- Finishes an upload: the object must be in the bucket with exactly the declared size (the size the
-- ticket's limit counted) and the declared content type, so what is shown and served is what was checked.
-- Storage writes the object's row after the bytes are in place, so a row here means a whole file.
-- Completing a finished upload again returns it unchanged (a retried request after a lost answer).
create or replace function public.complete_attachment(p_id uuid)
returns jsonb language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_row public.ticket_attachments;
  v_metadata jsonb;
  v_size text;
  v_type text;
begin
  select * into v_row from public.ticket_attachments a where a.id = p_id for update;
  if v_row.id is null or v_row.uploaded_by is distinct from v_uid then
    perform app.raise_error('not_found', 'There is no such upload of yours.');
  end if;
  if v_row.status = 'ready' then
    return to_jsonb(v_row);
  end if;
  if v_row.status = 'discarded' then
    perform app.raise_error('invalid_state', 'This upload was discarded; add the file again.', 'discarded');
  end if;

  select o.metadata into v_metadata from storage.objects o
  where o.bucket_id = 'attachments' and o.name = v_row.object_name;
  if not found then
    perform app.raise_error('invalid_state', 'The file has not been uploaded (or its upload has not finished); upload it, then complete it.', 'not_uploaded');
  end if;
  v_size := v_metadata ->> 'size';
  if v_size is null or v_size !~ '^[0-9]{1,18}$' or v_size::bigint <> v_row.size_bytes then
    perform app.raise_error('invalid_state', format(
      'The uploaded file has %s bytes, not the %s declared when it was started; discard it and add the file again.',
      coalesce(v_size, 'an unknown number of'), v_row.size_bytes), 'size_mismatch');
  end if;
  v_type := btrim(split_part(lower(v_metadata ->> 'mimetype'), ';', 1));
  if v_type is not null and v_type <> btrim(split_part(lower(v_row.content_type), ';', 1)) then
    perform app.raise_error('invalid_state', format(
      'The file was uploaded as %s, not as the %s declared when it was started; discard it and add the file again.',
      v_type, btrim(split_part(lower(v_row.content_type), ';', 1))), 'type_mismatch');
  end if;

  update public.ticket_attachments a set status = 'ready', completed_at = now()
  where a.id = v_row.id
  returning * into v_row;
  return to_jsonb(v_row);
end $function$;

comment on function public.complete_attachment(uuid) is 'Finish an upload once its object is stored with the declared size and type; returns the ticket_attachments row.';

revoke all on function public.complete_attachment(uuid) from public, anon, authenticated, service_role;
grant execute on function public.complete_attachment(uuid) to authenticated;
