-- The consent rules are decided in this one function: app.apply_quote acts on its outcome and
-- public.preview_quote reports it without acting, so the assess dialogs never re-implement the rules in the
-- browser (a copy there, with the default ceiling as a number, drifts at the first change). The balance is
-- read without a lock: app.apply_quote hands charge and awaiting_credits to app.charge_ticket, which decides
-- again under the account lock.
create or replace function app.quote_outcome(p_ticket public.tickets, p_category public.ticket_categories)
returns app.quote_outcome language plpgsql stable security definer set search_path = ''
as $function$
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
end $function$;

comment on function app.quote_outcome(public.tickets,public.ticket_categories) is 'The consent rules: what pricing this ticket (category and quoted_credits already set) does — acted on by app.apply_quote, reported by public.preview_quote.';

revoke all on function app.quote_outcome(public.tickets,public.ticket_categories) from public, anon, authenticated, service_role;
