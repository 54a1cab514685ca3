/**
 * Section - What an assessment will do, decided once
 * Why: the assess and re-categorize dialogs showed the engineer what committing would do (charge now,
 * wait for credits, send a quote, refund, nothing) by re-implementing app.apply_quote's consent rules in
 * the browser, with the default pre-approval ceiling copied in as a number. The two drifted the moment
 * the ceiling came in. The decision is now one function, app.quote_outcome, which app.apply_quote acts
 * on and public.preview_quote reports without acting, so the dialog shows exactly what the database
 * will do.
 */

/**
 * One outcome of pricing a ticket: what happens, and the figures the engineer is shown.
 *   kind: charge | awaiting_credits | quote | refund | no_change
 *   credits: what moves or is asked for: charged now or awaited (the due), the price quoted, or refunded
 *   due: price − charged so far (negative for a refund)
 *   ceiling/over_ceiling: the pre-approval ceiling that applied (null when not pre-approved)
 *   balance: the account's balance when decided; balance_after (charge) and missing (awaiting_credits)
 */
create type app.quote_outcome as (
  kind text,
  category text,
  price integer,
  charged integer,
  due integer,
  credits integer,
  ceiling integer,
  over_ceiling boolean,
  balance integer,
  balance_after integer,
  missing integer
);
comment on type app.quote_outcome is 'What pricing a ticket does (app.quote_outcome): the kind (charge, awaiting_credits, quote, refund, no_change) and its figures.';

/**
 * The consent rules of pricing a ticket (docs/design.md §1.5–1.7), for a ticket whose category and
 * quoted_credits are the new ones: a lower price refunds the difference, the same price changes nothing;
 * a higher one asks the customer first when the category's price is agreed case by case, when it is
 * above a pre-approved customer's ceiling, or when the customer asked for the cost first and either
 * something is already charged or the category is above level 1; otherwise it is charged now if the
 * balance covers it, else the ticket waits for credits. The balance is read without a lock: app.apply_quote
 * hands charge and awaiting_credits to app.charge_ticket, which decides again under the account lock.
 */
create function app.quote_outcome(p_ticket public.tickets, p_category public.ticket_categories)
returns app.quote_outcome
language plpgsql stable security definer set search_path = '' as $$
declare
  v_out app.quote_outcome;
begin
  v_out.category := p_category.code;
  v_out.price := p_ticket.quoted_credits;
  v_out.charged := p_ticket.charged_credits;
  v_out.due := p_ticket.quoted_credits - p_ticket.charged_credits;
  select a.balance into v_out.balance from public.accounts a where a.id = p_ticket.account_id;
  if p_ticket.pre_approved then
    v_out.ceiling := coalesce(p_ticket.pre_approval_ceiling, app.default_pre_approval_ceiling());
  end if;
  v_out.over_ceiling := coalesce(p_ticket.quoted_credits > v_out.ceiling, false);

  if v_out.due < 0 then
    v_out.kind := 'refund';
    v_out.credits := -v_out.due;
  elsif v_out.due = 0 then
    v_out.kind := 'no_change';
    v_out.credits := 0;
  elsif p_category.min_credits is not null or v_out.over_ceiling
        or (not p_ticket.pre_approved and (p_ticket.charged_credits > 0 or p_category.level > 1)) then
    v_out.kind := 'quote';
    v_out.credits := p_ticket.quoted_credits;
  elsif v_out.balance >= v_out.due then
    v_out.kind := 'charge';
    v_out.credits := v_out.due;
    v_out.balance_after := v_out.balance - v_out.due;
  else
    v_out.kind := 'awaiting_credits';
    v_out.credits := v_out.due;
    v_out.missing := v_out.due - v_out.balance;
  end if;
  return v_out;
end $$;
comment on function app.quote_outcome(public.tickets, public.ticket_categories) is 'The consent rules: what pricing this ticket (category and quoted_credits already set) does — acted on by app.apply_quote, reported by public.preview_quote.';
revoke execute on function app.quote_outcome(public.tickets, public.ticket_categories) from public;

/**
 * As migration 20261204000300's, with the decision taken by app.quote_outcome: this function only acts
 * on it (refund, save, ask the customer, or charge).
 */
create or replace function app.apply_quote(p_ticket public.tickets, p_actor uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets := p_ticket;
  v_category public.ticket_categories := app.category(p_ticket.category);
  v_outcome app.quote_outcome := app.quote_outcome(p_ticket, v_category);
begin
  if v_outcome.kind = 'refund' then
    v_ticket.status := 'in_progress';
    v_ticket := app.refund_ticket_credits(v_ticket, v_outcome.credits, p_actor,
      format('The ticket now costs %s credits.', v_ticket.quoted_credits));
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
      format('Ticket #%s: please confirm %s credits', v_ticket.number, v_ticket.quoted_credits),
      format('Ticket #%s "%s" is assessed as %s for %s credits%s%s. Confirm to have it answered, or decline.',
        v_ticket.number, v_ticket.subject, v_category.name, v_ticket.quoted_credits,
        case when v_ticket.charged_credits > 0
          then format(' (%s already charged, %s more)', v_ticket.charged_credits, v_outcome.due) else '' end,
        case when v_outcome.over_ceiling
          then format(', above the %s credits you agreed to in advance', v_outcome.ceiling) else '' end),
      v_ticket.id, jsonb_build_object('category', v_category.code, 'credits', v_ticket.quoted_credits, 'due', v_outcome.due));
    return v_ticket;
  end if;

  -- charge or awaiting_credits: app.charge_ticket takes the account lock and decides between them again.
  return app.charge_ticket(v_ticket, v_outcome.due, p_actor);
end $$;

/**
 * Staff: what assessing (a new ticket) or re-categorizing (an assessed open one) at p_category would do,
 * changing nothing. Takes the arguments assess_ticket / reassess_ticket take and refuses what they would
 * refuse with the same errors (a closed ticket, an unknown category, a price below an agreed category's
 * minimum, an upgrade without two versions of the release list in order, a re-categorization to the same
 * category and price). Returns app.quote_outcome as JSON: kind, category, price, charged, due, credits,
 * ceiling, over_ceiling, balance, balance_after, missing.
 */
create function public.preview_quote(
  p_ticket_id uuid, p_category text, p_credits integer default null,
  p_upgrade_from text default null, p_upgrade_to text default null
) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_staff();
  v_category public.ticket_categories;
  v_ticket public.tickets;
  v_before public.tickets;
  v_price integer;
begin
  select * into v_ticket from public.tickets t where t.id = p_ticket_id;
  if v_ticket.id is null then
    perform app.raise_error('not_found', 'There is no such ticket.');
  end if;
  if not app.is_open(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is closed.', v_ticket.number));
  end if;
  v_category := app.category(p_category);
  v_before := v_ticket;
  v_ticket := app.assessed_versions(v_ticket, v_category, p_upgrade_from, p_upgrade_to);
  v_price := app.price_for(v_category, p_credits, v_ticket.upgrade_from, v_ticket.upgrade_to);
  if v_before.status <> 'new' and v_category.code = v_before.category and v_price = v_before.quoted_credits then
    perform app.raise_error('invalid_input', format('Ticket #%s is already %s for %s credits.', v_ticket.number, v_category.name, v_price));
  end if;
  v_ticket.category := v_category.code;
  v_ticket.quoted_credits := v_price;
  return to_jsonb(app.quote_outcome(v_ticket, v_category));
end $$;
comment on function public.preview_quote(uuid, text, integer, text, text) is 'Staff: what assess_ticket (new ticket) or reassess_ticket (assessed open ticket) would do at this category and price — kind charge | awaiting_credits | quote | refund | no_change with its figures; changes nothing.';
revoke execute on function public.preview_quote(uuid, text, integer, text, text) from public, anon;
grant execute on function public.preview_quote(uuid, text, integer, text, text) to authenticated;
