-- The cleanup's list (cleanup-attachments, the service role): objects to remove from the attachments
-- bucket. Rows nobody finished within a day, and discarded rows, are claimed by marking them discarded
-- first: from then on the bucket's INSERT policy refuses their key, so no upload can land after its
-- object was removed. Objects with no row at all (their ticket was deleted, or an upload slipped past a
-- removal) are listed too once a day old, with a null id. `skip locked` lets two runs share the work.
create or replace function public.service_role_stale_attachments(p_limit integer default 500)
returns table (id uuid, object_name text) language plpgsql security definer set search_path = ''
as $function$
begin
  if p_limit is null or p_limit not between 1 and 1000 then
    perform app.raise_error('invalid_input', 'List between 1 and 1000 files at a time.');
  end if;
  return query
  with stale as (
    select s.id from public.ticket_attachments s
    where s.status <> 'ready' and s.created_at < now() - interval '1 day'
    order by s.created_at
    limit p_limit
    for update skip locked
  ), claimed as (
    update public.ticket_attachments a set status = 'discarded'
    from stale where a.id = stale.id
    returning a.id, a.object_name
  )
  select c.id, c.object_name from claimed c
  union all
  (select null::uuid, o.name from storage.objects o
   where o.bucket_id = 'attachments' and o.created_at < now() - interval '1 day'
     and not exists (select 1 from public.ticket_attachments a where a.object_name = o.name)
   order by o.created_at
   limit p_limit);
end $function$;

comment on function public.service_role_stale_attachments(integer) is 'Cleanup: claim unfinished attachments older than a day (and discarded ones) and list their objects, plus objects with no row.';

revoke all on function public.service_role_stale_attachments(integer) from public, anon, authenticated, service_role;
grant execute on function public.service_role_stale_attachments(integer) to service_role;
