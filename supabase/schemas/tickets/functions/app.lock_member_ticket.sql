create or replace function app.lock_member_ticket(p_ticket_id uuid, p_user_id uuid)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_ticket public.tickets;
begin
  if p_ticket_id is null then
    perform app.raise_error('invalid_input', 'Choose a ticket.');
  end if;
  select t.* into v_ticket from public.tickets t
  where t.id = p_ticket_id
    and exists (select 1 from public.account_members m where m.account_id = t.account_id and m.user_id = p_user_id)
  for no key update of t;
  if v_ticket.id is null then
    perform app.raise_error('not_found', 'There is no such ticket.');
  end if;
  return v_ticket;
end $function$;

revoke all on function app.lock_member_ticket(uuid,uuid) from public, anon, authenticated, service_role;
