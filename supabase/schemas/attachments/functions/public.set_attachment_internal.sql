-- Staff hide a file from the customer (a log with another customer's data, a file meant for colleagues)
-- or show it again. The file's object follows at once: the bucket's read policy asks the same row.
create or replace function public.set_attachment_internal(p_id uuid, p_internal boolean)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_row public.ticket_attachments;
begin
  perform app.require_staff();
  if p_internal is null then
    perform app.raise_error('invalid_input', 'Say whether the file is internal.');
  end if;
  select * into v_row from public.ticket_attachments a where a.id = p_id for update;
  if v_row.id is null or v_row.status <> 'ready' then
    perform app.raise_error('not_found', 'There is no such file.');
  end if;
  update public.ticket_attachments a set internal = p_internal where a.id = v_row.id;
end $function$;

comment on function public.set_attachment_internal(uuid,boolean) is 'Staff: mark a finished file internal (hidden from the customer, bytes included) or visible again.';

revoke all on function public.set_attachment_internal(uuid,boolean) from public, anon, authenticated, service_role;
grant execute on function public.set_attachment_internal(uuid,boolean) to authenticated;
