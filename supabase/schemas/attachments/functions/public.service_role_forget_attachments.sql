-- The cleanup's last step, after it removed the objects through the Storage API: the discarded rows whose
-- object is gone are deleted. A row whose object is still there (its removal failed) stays discarded and
-- is listed again by the next run, so a row never outlives its file unnoticed and no file loses its row.
create or replace function public.service_role_forget_attachments(p_ids uuid[])
returns integer language plpgsql security definer set search_path = ''
as $function$
declare
  v_count integer;
begin
  if p_ids is null then
    perform app.raise_error('invalid_input', 'Give the ids of the files to forget.');
  end if;
  delete from public.ticket_attachments a
  where a.id = any (p_ids) and a.status = 'discarded'
    and not exists (select 1 from storage.objects o where o.bucket_id = 'attachments' and o.name = a.object_name);
  get diagnostics v_count = row_count;
  return v_count;
end $function$;

comment on function public.service_role_forget_attachments(uuid[]) is 'Cleanup: delete discarded attachment rows whose object was removed; returns how many.';

revoke all on function public.service_role_forget_attachments(uuid[]) from public, anon, authenticated, service_role;
grant execute on function public.service_role_forget_attachments(uuid[]) to service_role;
