-- Starts an upload: everything about the file is decided here, before a byte moves, and the pending row
-- it writes is what the bucket's INSERT policy asks for. Who: the ticket's account members while the
-- ticket is open (as for posting a message), or staff on any ticket; p_internal (staff only) makes the file
-- internal from the start, so a file meant for an internal note is never visible to the customer.
-- Limits come from app.settings; the ticket's total counts unfinished uploads too, and the ticket row is
-- locked so two uploads started at once cannot both fit into the last free bytes.
create or replace function public.begin_attachment(p_ticket_id uuid, p_file_name text, p_content_type text, p_size_bytes bigint, p_internal boolean default false)
returns jsonb language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_staff boolean := app.is_staff();
  v_settings app.settings;
  v_ticket public.tickets;
  v_type text := coalesce(nullif(btrim(p_content_type), ''), 'application/octet-stream');
  v_refusal text[];
  v_used bigint;
  v_size_text text;
  v_max_text text;
  v_id uuid := gen_random_uuid();
  v_object text;
begin
  if p_internal is null then
    perform app.raise_error('invalid_input', 'Say whether the file is internal.');
  end if;
  if p_internal and not v_staff then
    perform app.raise_error('forbidden', 'Only support engineers can add internal files.');
  end if;
  if v_staff then
    v_ticket := app.lock_ticket(p_ticket_id);
  else
    v_ticket := app.lock_member_ticket(p_ticket_id, v_uid);
    if not app.is_open(v_ticket.status) then
      perform app.raise_error('invalid_state', format('Ticket #%s is closed; open a new ticket to send files.', v_ticket.number), 'ticket_closed');
    end if;
  end if;

  select * into v_settings from app.settings;
  v_refusal := app.attachment_refusal(p_file_name, v_type, v_settings);
  if v_refusal is not null then
    perform app.raise_error('invalid_input', v_refusal[2], v_refusal[1]);
  end if;
  if p_size_bytes is null or p_size_bytes < 0 then
    perform app.raise_error('invalid_input', 'Give the file''s size in bytes (0 or more).', 'size');
  end if;
  if p_size_bytes > v_settings.attachment_max_file_bytes then
    v_size_text := pg_size_pretty(p_size_bytes);
    v_max_text := pg_size_pretty(v_settings.attachment_max_file_bytes);
    -- Just over the limit rounds to the limit ("25 MB; at most 25 MB"): then the bytes say it.
    if v_size_text = v_max_text then
      v_size_text := format('%s bytes', p_size_bytes);
      v_max_text := format('%s bytes', v_settings.attachment_max_file_bytes);
    end if;
    perform app.raise_error('invalid_input', format('The file is %s; a file may be at most %s.', v_size_text, v_max_text), 'file_too_large');
  end if;
  select coalesce(sum(a.size_bytes), 0) into v_used from public.ticket_attachments a
  where a.ticket_id = v_ticket.id and a.status in ('pending', 'ready');
  if v_used + p_size_bytes > v_settings.attachment_max_ticket_bytes then
    perform app.raise_error('invalid_input', format(
      'Ticket #%s already holds %s of files; this one (%s) would pass its limit of %s.',
      v_ticket.number, pg_size_pretty(v_used), pg_size_pretty(p_size_bytes), pg_size_pretty(v_settings.attachment_max_ticket_bytes)),
      'ticket_full');
  end if;

  -- Storage learns an upload's true size only once it is written (a multipart body's length is not the
  -- file's), so the bytes behind a pending row are bounded by the bucket's per-file limit, not by what was
  -- declared; complete_attachment refuses a wrong size, and the cleanup removes it a day later. Capping
  -- unfinished uploads per person bounds what one account can park meanwhile.
  if (select count(*) from public.ticket_attachments a where a.uploaded_by = v_uid and a.status = 'pending') >= 50 then
    perform app.raise_error('invalid_state', 'You have 50 uploads that have not finished; let them finish or cancel some, then try again.', 'too_many_uploads');
  end if;

  v_object := v_ticket.id::text || '/' || v_id::text;
  insert into public.ticket_attachments (id, ticket_id, account_id, object_name, file_name, content_type, size_bytes, internal, uploaded_by)
  values (v_id, v_ticket.id, v_ticket.account_id, v_object, btrim(p_file_name), v_type, p_size_bytes, p_internal, v_uid);
  return jsonb_build_object('id', v_id, 'object_name', v_object, 'bucket', 'attachments');
end $function$;

comment on function public.begin_attachment(uuid,text,text,bigint,boolean) is 'Start an upload to a ticket: checks access, name, type and limits; returns {id, object_name, bucket}. Upload to attachments/object_name, then complete_attachment.';

revoke all on function public.begin_attachment(uuid,text,text,bigint,boolean) from public, anon, authenticated, service_role;
grant execute on function public.begin_attachment(uuid,text,text,bigint,boolean) to authenticated;
