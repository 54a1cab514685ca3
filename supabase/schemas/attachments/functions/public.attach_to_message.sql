-- Sends finished files with a reply: the caller's own message (written at most an hour ago, so files are not
-- slipped into an old message the other side has read), and the caller's own finished files of the same
-- ticket not sent with another message. Files sent with an internal note become internal, like the note.
-- Attaching the same files to the same message again changes nothing.
create or replace function public.attach_to_message(p_message_id uuid, p_attachment_ids uuid[])
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_message public.ticket_messages;
  v_row public.ticket_attachments;
  v_id uuid;
begin
  if p_attachment_ids is null or cardinality(p_attachment_ids) = 0 or array_position(p_attachment_ids, null) is not null then
    perform app.raise_error('invalid_input', 'Choose the files to send with the message.');
  end if;
  if cardinality(p_attachment_ids) > 100 then
    perform app.raise_error('invalid_input', 'At most 100 files can be sent with one message.');
  end if;
  select * into v_message from public.ticket_messages m where m.id = p_message_id;
  if v_message.id is null or v_message.author_id is distinct from v_uid then
    perform app.raise_error('not_found', 'There is no such message of yours.');
  end if;
  if v_message.created_at < now() - interval '1 hour' then
    perform app.raise_error('invalid_state', 'Files can be added to a message only within an hour of writing it; send them with a new message.', 'message_too_old');
  end if;

  for v_id in select distinct u.id from unnest(p_attachment_ids) as u(id) order by u.id loop
    select * into v_row from public.ticket_attachments a where a.id = v_id for update;
    if v_row.id is null or v_row.uploaded_by is distinct from v_uid or v_row.status = 'discarded' then
      perform app.raise_error('not_found', 'There is no such file of yours.');
    end if;
    if v_row.ticket_id <> v_message.ticket_id then
      perform app.raise_error('invalid_input', format('"%s" was added to another ticket, so it cannot be sent with this message.', v_row.file_name), 'other_ticket');
    end if;
    if v_row.status <> 'ready' then
      perform app.raise_error('invalid_state', format('"%s" has not finished uploading.', v_row.file_name), 'not_ready');
    end if;
    if v_row.message_id is not null and v_row.message_id <> v_message.id then
      perform app.raise_error('invalid_state', format('"%s" was sent with another message already.', v_row.file_name), 'attached_elsewhere');
    end if;
    update public.ticket_attachments a
    set message_id = v_message.id, internal = a.internal or v_message.internal
    where a.id = v_row.id;
  end loop;
end $function$;

comment on function public.attach_to_message(uuid,uuid[]) is 'Send the caller''s finished files of a ticket with their own message (within an hour of writing it).';

revoke all on function public.attach_to_message(uuid,uuid[]) from public, anon, authenticated, service_role;
grant execute on function public.attach_to_message(uuid,uuid[]) to authenticated;
