-- The uploader takes a file back: an upload they cancel or give up on, or a finished file they remove
-- from the reply they are writing before sending it. A file sent with a message stays (the other side may
-- have read it), and so does one staff made internal (the customer no longer sees it). The row is marked;
-- its bytes go with the next cleanup (cleanup-attachments), and it stops counting against the ticket's
-- limit and being readable at once. Discarding twice changes nothing.
create or replace function public.discard_attachment(p_id uuid)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_row public.ticket_attachments;
begin
  select * into v_row from public.ticket_attachments a where a.id = p_id for update;
  if v_row.id is null or v_row.uploaded_by is distinct from v_uid then
    perform app.raise_error('not_found', 'There is no such file of yours.');
  end if;
  if v_row.status = 'discarded' then
    return;
  end if;
  if v_row.status = 'ready' and v_row.message_id is not null then
    perform app.raise_error('invalid_state', format('"%s" was sent with a message and cannot be removed.', v_row.file_name), 'sent');
  end if;
  if v_row.status = 'ready' and v_row.internal and not app.is_staff() then
    perform app.raise_error('not_found', 'There is no such file of yours.');
  end if;
  update public.ticket_attachments a set status = 'discarded' where a.id = v_row.id;
end $function$;

comment on function public.discard_attachment(uuid) is 'The uploader abandons an upload, or removes a finished file not yet sent with a message; the cleanup removes its bytes.';

revoke all on function public.discard_attachment(uuid) from public, anon, authenticated, service_role;
grant execute on function public.discard_attachment(uuid) to authenticated;
