-- The credits come back from the consumed system account, which may go negative: a refund never exceeds
-- what the ticket paid into it. A refund made by re-categorizing this ticket is told by
-- public.reassess_ticket's recategorized notice instead.
create or replace function app.refund_ticket_credits(p_ticket public.tickets, p_amount integer, p_actor uuid, p_reason text)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_ticket public.tickets := p_ticket;
  v_n integer;
  v_transfer public.credit_transfers;
begin
  select count(*) + 1 into v_n from public.credit_transfers ct
  where ct.ticket_id = p_ticket.id and ct.kind = 'ticket_refund';
  v_transfer := app.transfer(
    app.system_account_id('consumed'), p_ticket.account_id, p_amount, 'ticket_refund',
    format('ticket:%s:refund:%s', p_ticket.id, v_n), p_actor,
    p_allow_negative => true, p_note => p_reason, p_reference => row(null, p_ticket.id)::app.transfer_reference
  );
  v_ticket.charged_credits := v_ticket.charged_credits - p_amount;
  v_ticket := app.save_ticket(v_ticket);
  perform app.log_event(v_ticket, p_actor, 'refunded', jsonb_build_object(
    'credits', p_amount, 'charged_credits', v_ticket.charged_credits, 'reason', p_reason, 'transfer_id', v_transfer.id));
  if current_setting('app.recategorizing', true) is distinct from v_ticket.id::text then
    perform app.notify(v_ticket.created_by, 'refunded',
      format('%s refunded for ticket #%s', app.credits_text(p_amount), v_ticket.number),
      format('%s for ticket #%s "%s" %s back in your balance. %s', app.credits_text(p_amount), v_ticket.number, v_ticket.subject,
        case when p_amount = 1 then 'is' else 'are' end, p_reason),
      v_ticket.id, jsonb_build_object('credits', p_amount));
  end if;
  return v_ticket;
end $function$;

revoke all on function app.refund_ticket_credits(public.tickets,integer,uuid,text) from public, anon, authenticated, service_role;
