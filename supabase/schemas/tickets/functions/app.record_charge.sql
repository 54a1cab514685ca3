-- The ticket's side of a charge is kept apart from the ledger transfer so it can be written before the
-- account is locked (see tickets/functions/app.charge_ticket.sql). A charge made by re-categorizing this
-- ticket is told by public.reassess_ticket's recategorized notice instead.
create or replace function app.record_charge(p_ticket public.tickets, p_amount integer, p_actor uuid, p_transfer_id uuid)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_ticket public.tickets := p_ticket;
begin
  v_ticket.status := 'in_progress';
  v_ticket.charged_credits := v_ticket.charged_credits + p_amount;
  v_ticket := app.save_ticket(v_ticket);
  perform app.log_event(v_ticket, p_actor, 'charged', jsonb_build_object(
    'credits', p_amount, 'charged_credits', v_ticket.charged_credits, 'transfer_id', p_transfer_id,
    'automatic', p_actor is null));
  if current_setting('app.recategorizing', true) is distinct from v_ticket.id::text then
    perform app.notify(v_ticket.created_by, 'charged',
      format('Ticket #%s was charged %s', v_ticket.number, app.credits_text(p_amount)),
      format('%s %s taken for ticket #%s "%s"%s; an engineer is working on it.', app.credits_text(p_amount),
        case when p_amount = 1 then 'was' else 'were' end, v_ticket.number,
        v_ticket.subject, case when p_actor is null then ' now that your balance covers it' else '' end),
      v_ticket.id, jsonb_build_object('credits', p_amount, 'transfer_id', p_transfer_id));
  end if;
  return v_ticket;
end $function$;

revoke all on function app.record_charge(public.tickets,integer,uuid,uuid) from public, anon, authenticated, service_role;
