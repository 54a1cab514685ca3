create or replace function public.assign_ticket(p_ticket_id uuid, p_assignee_id uuid)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
begin
  if p_assignee_id is not null and not exists (
    select 1 from public.profiles p where p.id = p_assignee_id and p.role in ('engineer', 'admin')
  ) then
    perform app.raise_error('invalid_input', 'Tickets can only be assigned to support engineers.');
  end if;
  if v_ticket.assignee_id is not distinct from p_assignee_id then
    return v_ticket;
  end if;
  update public.tickets set assignee_id = p_assignee_id where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'assigned', jsonb_build_object(
    'assignee_id', p_assignee_id, 'assignee_name', app.display_name(p_assignee_id)), true);
  return v_ticket;
end $function$;

comment on function public.assign_ticket(uuid,uuid) is 'Staff: assign a ticket to a staff member (null = unassign).';

revoke all on function public.assign_ticket(uuid,uuid) from public, anon, authenticated, service_role;
grant execute on function public.assign_ticket(uuid,uuid) to authenticated;
