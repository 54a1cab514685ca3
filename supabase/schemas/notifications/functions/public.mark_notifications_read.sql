create or replace function public.mark_notifications_read(p_ids uuid[] default NULL::uuid[])
returns integer language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_count integer;
begin
  if p_ids is not null and cardinality(p_ids) > 1000 then
    perform app.raise_error('invalid_input', 'Mark at most 1000 notifications at a time.');
  end if;
  update public.notifications n
  set read_at = now()
  where n.user_id = v_uid
    and n.read_at is null
    and (p_ids is null or n.id = any (p_ids));
  get diagnostics v_count = row_count;
  return v_count;
end $function$;

comment on function public.mark_notifications_read(uuid[]) is 'Mark the caller''s notifications read (all unread when p_ids is null). Returns the number marked.';

revoke all on function public.mark_notifications_read(uuid[]) from public, anon, authenticated, service_role;
grant execute on function public.mark_notifications_read(uuid[]) to authenticated;
