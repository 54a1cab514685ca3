create or replace function app.lock_ticket(p_ticket_id uuid)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_ticket public.tickets;
begin
  if p_ticket_id is null then
    perform app.raise_error('invalid_input', 'Choose a ticket.');
  end if;
  select * into v_ticket from public.tickets t where t.id = p_ticket_id for no key update;
  if v_ticket.id is null then
    perform app.raise_error('not_found', 'There is no such ticket.');
  end if;
  return v_ticket;
end $function$;

revoke all on function app.lock_ticket(uuid) from public, anon, authenticated, service_role;
