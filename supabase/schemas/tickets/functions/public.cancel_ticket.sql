create or replace function public.cancel_ticket(p_ticket_id uuid)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_ticket public.tickets := app.lock_member_ticket(p_ticket_id, v_uid);
begin
  if not app.is_cancelable(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is %s and can no longer be canceled.',
      v_ticket.number, replace(v_ticket.status::text, '_', ' ')));
  end if;
  if v_ticket.charged_credits > 0 then
    perform app.raise_error('invalid_state', format(
      'Ticket #%s was already charged %s; decline the new quote or ask the engineer instead.',
      v_ticket.number, app.credits_text(v_ticket.charged_credits)));
  end if;
  update public.tickets set status = 'canceled', closed_at = now() where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'canceled', '{}');
  return v_ticket;
end $function$;

comment on function public.cancel_ticket(uuid) is 'Customer: withdraw a ticket that has not been charged, while app.is_cancelable(status): new, or waiting on the customer.';

revoke all on function public.cancel_ticket(uuid) from public, anon, authenticated, service_role;
grant execute on function public.cancel_ticket(uuid) to authenticated;
