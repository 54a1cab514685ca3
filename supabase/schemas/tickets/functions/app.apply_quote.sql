-- Only acts on app.quote_outcome's decision (refund, save, ask the customer, or charge), so what the assess
-- dialog previews (public.preview_quote) is exactly what happens.
create or replace function app.apply_quote(p_ticket public.tickets, p_actor uuid)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_ticket public.tickets := p_ticket;
  v_category public.ticket_categories := app.category(p_ticket.category);
  v_outcome app.quote_outcome := app.quote_outcome(p_ticket, v_category);
begin
  if v_outcome.kind = 'refund' then
    v_ticket.status := 'in_progress';
    v_ticket := app.refund_ticket_credits(v_ticket, v_outcome.credits, p_actor,
      format('The ticket now costs %s.', app.credits_text(v_ticket.quoted_credits)));
    perform app.charge_awaiting_tickets(v_ticket.account_id, v_ticket.id);
    return v_ticket;
  end if;

  if v_outcome.kind = 'no_change' then
    v_ticket.status := 'in_progress';
    return app.save_ticket(v_ticket);
  end if;

  if v_outcome.kind = 'quote' then
    v_ticket.status := 'awaiting_confirmation';
    v_ticket := app.save_ticket(v_ticket);
    perform app.notify(v_ticket.created_by, 'quote_ready',
      format('Ticket #%s: please confirm %s', v_ticket.number, app.credits_text(v_ticket.quoted_credits)),
      format('Ticket #%s "%s" is assessed as %s for %s%s%s. Confirm to have it answered, or decline.',
        v_ticket.number, v_ticket.subject, v_category.name, app.credits_text(v_ticket.quoted_credits),
        case when v_ticket.charged_credits > 0
          then format(' (%s already charged, %s more)', v_ticket.charged_credits, v_outcome.due) else '' end,
        case when v_outcome.over_ceiling
          then format(', above the %s you agreed to in advance', app.credits_text(v_outcome.ceiling)) else '' end),
      v_ticket.id, jsonb_build_object('category', v_category.code, 'credits', v_ticket.quoted_credits, 'due', v_outcome.due));
    return v_ticket;
  end if;

  -- charge or awaiting_credits: app.charge_ticket takes the account lock and decides between them again.
  return app.charge_ticket(v_ticket, v_outcome.due, p_actor);
end $function$;

revoke all on function app.apply_quote(public.tickets,uuid) from public, anon, authenticated, service_role;
