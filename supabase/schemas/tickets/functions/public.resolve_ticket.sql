-- Resolving charges nothing more: a pending quote or a wait for credits is dropped with the ticket, and what
-- was already charged is kept.
create or replace function public.resolve_ticket(p_ticket_id uuid)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
  v_from public.ticket_status := v_ticket.status;
begin
  if not app.is_open(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is already closed.', v_ticket.number));
  end if;
  update public.tickets set status = 'resolved', resolved_at = now() where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'resolved', jsonb_build_object(
    'from_status', v_from, 'charged_credits', v_ticket.charged_credits));
  perform app.notify(v_ticket.created_by, 'resolved',
    format('Ticket #%s is resolved', v_ticket.number),
    format('"%s" is resolved. Open a new ticket if you need anything else.', v_ticket.subject),
    v_ticket.id, jsonb_build_object('charged_credits', v_ticket.charged_credits));
  return v_ticket;
end $function$;

comment on function public.resolve_ticket(uuid) is 'Staff: resolve an open ticket.';

revoke all on function public.resolve_ticket(uuid) from public, anon, authenticated, service_role;
grant execute on function public.resolve_ticket(uuid) to authenticated;
