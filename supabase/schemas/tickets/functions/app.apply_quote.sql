create or replace function app.apply_quote(p_ticket public.tickets, p_actor uuid)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_ticket public.tickets := p_ticket;
  v_category public.ticket_categories := app.category(p_ticket.category);
  v_due integer := p_ticket.quoted_credits - p_ticket.charged_credits;
  v_ceiling integer := coalesce(p_ticket.pre_approval_ceiling, app.default_pre_approval_ceiling());
  v_over_ceiling boolean := p_ticket.pre_approved and p_ticket.quoted_credits > v_ceiling;
begin
  if v_due < 0 then
    v_ticket.status := 'in_progress';
    v_ticket := app.refund_ticket_credits(v_ticket, -v_due, p_actor,
      format('The ticket now costs %s credits.', v_ticket.quoted_credits));
    perform app.charge_awaiting_tickets(v_ticket.account_id, v_ticket.id);
    return v_ticket;
  end if;

  if v_due = 0 then
    v_ticket.status := 'in_progress';
    return app.save_ticket(v_ticket);
  end if;

  if v_category.min_credits is not null or v_over_ceiling
     or (not v_ticket.pre_approved and (v_ticket.charged_credits > 0 or v_category.level > 1)) then
    v_ticket.status := 'awaiting_confirmation';
    v_ticket := app.save_ticket(v_ticket);
    perform app.notify(v_ticket.created_by, 'quote_ready',
      format('Ticket #%s: please confirm %s credits', v_ticket.number, v_ticket.quoted_credits),
      format('Ticket #%s "%s" is assessed as %s for %s credits%s%s. Confirm to have it answered, or decline.',
        v_ticket.number, v_ticket.subject, v_category.name, v_ticket.quoted_credits,
        case when v_ticket.charged_credits > 0
          then format(' (%s already charged, %s more)', v_ticket.charged_credits, v_due) else '' end,
        case when v_over_ceiling
          then format(', above the %s credits you agreed to in advance', v_ceiling) else '' end),
      v_ticket.id, jsonb_build_object('category', v_category.code, 'credits', v_ticket.quoted_credits, 'due', v_due));
    return v_ticket;
  end if;

  return app.charge_ticket(v_ticket, v_due, p_actor);
end $function$;

revoke all on function app.apply_quote(public.tickets,uuid) from public, anon, authenticated, service_role;
