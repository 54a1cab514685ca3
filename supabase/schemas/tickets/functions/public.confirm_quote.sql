-- The confirmation carries the price the customer saw (p_credits): charging whatever the ticket cost at the
-- moment of the click would charge a price the engineer changed between the customer's view and their
-- click. A mismatch changes nothing and says so (invalid_state), so the app shows the new quote and asks
-- again. The idempotency key makes a repeated click return the first result. The engineer in charge is told
-- (quote_confirmed).
create or replace function public.confirm_quote(p_ticket_id uuid, p_credits integer, p_idempotency_key text default NULL::text)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_prior jsonb := app.idempotent_result(p_idempotency_key, v_uid, 'confirm_quote');
  v_ticket public.tickets;
begin
  if v_prior is not null then
    return jsonb_populate_record(null::public.tickets, v_prior);
  end if;
  if p_credits is null then
    perform app.raise_error('invalid_input', 'Give the price you are confirming, in credits, as the quote showed it.');
  end if;
  v_ticket := app.lock_member_ticket(p_ticket_id, v_uid);
  if v_ticket.status <> 'awaiting_confirmation' then
    perform app.raise_error('invalid_state', format('Ticket #%s has no quote waiting for confirmation.', v_ticket.number));
  end if;
  if p_credits <> v_ticket.quoted_credits then
    perform app.raise_error('invalid_state', format(
      'The quote for ticket #%s changed: it now costs %s, not %s. Nothing was charged; review the new quote and confirm again.',
      v_ticket.number, app.credits_text(v_ticket.quoted_credits), p_credits));
  end if;
  perform app.log_event(v_ticket, v_uid, 'quote_confirmed', jsonb_build_object(
    'category', v_ticket.category, 'credits', v_ticket.quoted_credits));
  if v_ticket.quoted_credits <= v_ticket.charged_credits then
    v_ticket.status := 'in_progress';
    v_ticket := app.save_ticket(v_ticket);
  else
    v_ticket := app.charge_ticket(v_ticket, v_ticket.quoted_credits - v_ticket.charged_credits, v_uid);
  end if;
  perform app.notify(app.ticket_engineer(v_ticket), 'quote_confirmed',
    format('Quote confirmed on ticket #%s', v_ticket.number),
    format('%s confirmed %s for "%s"%s.', app.display_name(v_uid), app.credits_text(v_ticket.quoted_credits), v_ticket.subject,
      case when v_ticket.status = 'awaiting_credits' then '; it waits for credits before it is charged' else '' end),
    v_ticket.id, jsonb_build_object('credits', v_ticket.quoted_credits, 'status', v_ticket.status));
  perform app.remember_result(p_idempotency_key, v_uid, 'confirm_quote', to_jsonb(v_ticket));
  return v_ticket;
end $function$;

comment on function public.confirm_quote(uuid,integer,text) is 'Customer: accept the quote of an awaiting_confirmation ticket at the price they saw (p_credits); charges it (or awaiting_credits). A changed price is invalid_state.';

revoke all on function public.confirm_quote(uuid,integer,text) from public, anon, authenticated, service_role;
grant execute on function public.confirm_quote(uuid,integer,text) to authenticated;
