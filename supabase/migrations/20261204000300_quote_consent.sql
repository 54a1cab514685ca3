/**
 * Section - The customer is charged only a price they agreed to
 * Why:
 *  1. confirm_quote charged whatever the ticket cost at the moment of the click, so an engineer
 *     re-pricing between the customer's view and their click charged the new price. The confirmation now
 *     carries the credits the customer saw; a mismatch changes nothing and says so.
 *  2. A pre-approved ticket assessed as an upgrade without versions was charged whatever the engineer
 *     typed, and a pre-approved upgrade across many versions was charged its full price (50 credits for
 *     4.3.1 → 4.3.9, hundreds for more) without asking. An upgrade is now always priced from two versions
 *     of the release list, and pre-approval has a ceiling the customer sees and may raise when opening the
 *     ticket: above it, a pre-approved ticket waits for confirmation exactly like a cost-first one.
 */

alter table public.tickets
  add column pre_approval_ceiling integer check (pre_approval_ceiling between 1 and 100000);
comment on column public.tickets.pre_approval_ceiling is 'For pre-approved tickets: the most credits charged without asking (chosen when opening, default the dearest fixed category). Null = that default.';

/** The dearest fixed-price category (20 credits with the seed): the default pre-approval ceiling. */
create function app.default_pre_approval_ceiling() returns integer
language sql stable security definer set search_path = '' as $$
  select coalesce(max(c.credits), 20) from public.ticket_categories c
  where c.min_credits is null and c.per_step_credits is null
$$;
comment on function app.default_pre_approval_ceiling() is 'Default pre-approval ceiling: the price of the dearest fixed category.';
revoke execute on function app.default_pre_approval_ceiling() from public;

/** The default ceiling, for the new-ticket form to show before the customer chooses. */
create function public.default_pre_approval_ceiling() returns integer
language sql stable security definer set search_path = '' as $$
  select app.default_pre_approval_ceiling()
$$;
comment on function public.default_pre_approval_ceiling() is 'Signed-in users: the default pre-approval ceiling in credits (the dearest fixed category).';
revoke execute on function public.default_pre_approval_ceiling() from public, anon;
grant execute on function public.default_pre_approval_ceiling() to authenticated;

-- Tickets opened before the ceiling existed get the default, so what governs them is written down.
update public.tickets set pre_approval_ceiling = app.default_pre_approval_ceiling()
where pre_approved and pre_approval_ceiling is null;

/** Section - Pricing: an upgrade always from the release list */

/**
 * The credits a ticket costs in a category: fixed categories cost `credits` (p_credits must be absent or
 * equal); price-agreed ones (min_credits) take the engineer's p_credits ≥ min_credits; upgrades cost
 * upgrade_cost(from, to), so both versions must be given and be in the release list.
 */
create or replace function app.price_for(
  p_category public.ticket_categories, p_credits integer, p_upgrade_from text, p_upgrade_to text
) returns integer
language plpgsql stable security definer set search_path = '' as $$
declare
  v_price integer;
begin
  if p_credits is not null and (p_credits <= 0 or p_credits > 100000) then
    perform app.raise_error('invalid_input', 'Credits must be between 1 and 100000.');
  end if;
  if p_category.min_credits is not null then
    if p_credits is null or p_credits < p_category.min_credits then
      perform app.raise_error('invalid_input', format(
        '%s is priced by agreement: propose at least %s credits.', p_category.name, p_category.min_credits
      ));
    end if;
    return p_credits;
  end if;
  if p_category.per_step_credits is not null then
    if p_upgrade_from is null or p_upgrade_to is null then
      perform app.raise_error('invalid_input',
        'An upgrade is priced from the release list: give the current and the target version.');
    end if;
    v_price := public.upgrade_cost(p_upgrade_from, p_upgrade_to);
    if p_credits is not null and p_credits <> v_price then
      perform app.raise_error('invalid_input', format(
        'An upgrade from %s to %s costs %s credits.', p_upgrade_from, p_upgrade_to, v_price
      ));
    end if;
    return v_price;
  end if;
  if p_credits is not null and p_credits <> p_category.credits then
    perform app.raise_error('invalid_input', format('%s costs %s credits.', p_category.name, p_category.credits));
  end if;
  return p_category.credits;
end $$;

/**
 * The versions an assessment in p_category prices: for an upgrade, the ones the engineer gives or else
 * the ticket's own (both must then be in the release list, checked by price_for); other categories take
 * no versions.
 */
create function app.assessed_versions(
  p_ticket public.tickets, p_category public.ticket_categories, p_from text, p_to text
) returns public.tickets
language plpgsql stable security definer set search_path = '' as $$
declare
  v_ticket public.tickets := p_ticket;
  v_from text := nullif(btrim(p_from), '');
  v_to text := nullif(btrim(p_to), '');
begin
  if (v_from is null) <> (v_to is null) then
    perform app.raise_error('invalid_input', 'For an upgrade give both the current and the target version.');
  end if;
  if p_category.per_step_credits is null then
    if v_from is not null then
      perform app.raise_error('invalid_input', format('Versions are given only for an upgrade, not for %s.', p_category.name));
    end if;
    return v_ticket;
  end if;
  if v_from is not null then
    v_ticket.upgrade_from := v_from;
    v_ticket.upgrade_to := v_to;
  end if;
  if v_ticket.upgrade_from is null then
    perform app.raise_error('invalid_input', format(
      'Ticket #%s names no versions: an upgrade assessment needs the current and the target version from the release list.',
      v_ticket.number));
  end if;
  return v_ticket;
end $$;
revoke execute on function app.assessed_versions(public.tickets, public.ticket_categories, text, text) from public;

/** As migration 001200's, and it now also writes the versions an upgrade assessment named. */
create or replace function app.save_ticket(p_ticket public.tickets) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
begin
  update public.tickets t
  set status = p_ticket.status, category = p_ticket.category, quoted_credits = p_ticket.quoted_credits,
      charged_credits = p_ticket.charged_credits, assignee_id = p_ticket.assignee_id,
      assessed_at = p_ticket.assessed_at, resolved_at = p_ticket.resolved_at, closed_at = p_ticket.closed_at,
      upgrade_from = p_ticket.upgrade_from, upgrade_to = p_ticket.upgrade_to
  where t.id = p_ticket.id
  returning * into v_ticket;
  return v_ticket;
end $$;

/**
 * As migration 001200's, with the ceiling: a pre-approved ticket whose price is above the customer's
 * pre-approval ceiling waits for confirmation like a cost-first one.
 */
create or replace function app.apply_quote(p_ticket public.tickets, p_actor uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
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
end $$;

/** Section - The ticket API */

drop function public.create_ticket(text, text, boolean, text, text, uuid);

/**
 * Opens a ticket on the caller's personal account (or an account they belong to). The customer chooses
 * pre-approval ("I agree in advance") — up to a ceiling in credits they see and may change, default the
 * dearest fixed category — or cost first; an upgrade ticket may name the versions so the engineer's
 * assessment is priced from the release list.
 */
create function public.create_ticket(
  p_subject text,
  p_body text,
  p_pre_approved boolean,
  p_upgrade_from text default null,
  p_upgrade_to text default null,
  p_account_id uuid default null,
  p_pre_approval_ceiling integer default null
) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_user();
  v_subject text := app.clean_text(p_subject, 'The subject', 3, 200);
  v_body text := app.clean_body(p_body, 'The description');
  v_from text := nullif(btrim(p_upgrade_from), '');
  v_to text := nullif(btrim(p_upgrade_to), '');
  v_account_id uuid := p_account_id;
  v_ceiling integer;
  v_ticket public.tickets;
begin
  if p_pre_approved is null then
    perform app.raise_error('invalid_input', 'Choose "I agree in advance with the assessment" or "Tell me the cost first".');
  end if;
  if p_pre_approval_ceiling is not null and not p_pre_approved then
    perform app.raise_error('invalid_input', 'A pre-approval ceiling applies only when you agree in advance with the assessment.');
  end if;
  if p_pre_approval_ceiling is not null and p_pre_approval_ceiling not between 1 and 100000 then
    perform app.raise_error('invalid_input', 'The pre-approval ceiling must be between 1 and 100000 credits.');
  end if;
  if p_pre_approved then
    v_ceiling := coalesce(p_pre_approval_ceiling, app.default_pre_approval_ceiling());
  end if;
  if (v_from is null) <> (v_to is null) then
    perform app.raise_error('invalid_input', 'For an upgrade give both the current and the target version.');
  end if;
  if v_from is not null then
    perform public.upgrade_cost(v_from, v_to); -- unknown versions or a backwards upgrade: invalid_input
  end if;
  if v_account_id is null then
    v_account_id := app.personal_account_id(v_uid);
    if v_account_id is null then
      perform app.raise_error('invalid_state', 'You have no credit account.');
    end if;
  elsif not exists (select 1 from public.account_members m where m.account_id = v_account_id and m.user_id = v_uid) then
    perform app.raise_error('not_found', 'There is no such credit account.');
  end if;

  insert into public.tickets (account_id, created_by, subject, body, pre_approved, pre_approval_ceiling, upgrade_from, upgrade_to)
  values (v_account_id, v_uid, v_subject, v_body, p_pre_approved, v_ceiling, v_from, v_to)
  returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'created', jsonb_build_object(
    'pre_approved', p_pre_approved, 'pre_approval_ceiling', v_ceiling, 'upgrade_from', v_from, 'upgrade_to', v_to));
  return v_ticket;
end $$;
comment on function public.create_ticket(text, text, boolean, text, text, uuid, integer) is 'Customer: open a ticket (subject 3–200, body 1–20000, pre_approved required; optional upgrade versions, account and pre-approval ceiling 1–100000).';
revoke execute on function public.create_ticket(text, text, boolean, text, text, uuid, integer) from public, anon;
grant execute on function public.create_ticket(text, text, boolean, text, text, uuid, integer) to authenticated;

drop function public.confirm_quote(uuid);

/**
 * The customer accepts the quote they saw: p_credits is the ticket's price as shown to them. If the
 * engineer changed the price since, nothing happens and the answer says so (invalid_state), so the app
 * shows the new quote and asks again. Otherwise the (remaining) credits are charged now, or the ticket
 * waits for credits. With an idempotency key, a repeated call returns the first result.
 */
create function public.confirm_quote(p_ticket_id uuid, p_credits integer, p_idempotency_key text default null)
returns public.tickets
language plpgsql security definer set search_path = '' as $$
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
      'The quote for ticket #%s changed: it now costs %s credits, not %s. Nothing was charged; review the new quote and confirm again.',
      v_ticket.number, v_ticket.quoted_credits, p_credits));
  end if;
  perform app.log_event(v_ticket, v_uid, 'quote_confirmed', jsonb_build_object(
    'category', v_ticket.category, 'credits', v_ticket.quoted_credits));
  if v_ticket.quoted_credits <= v_ticket.charged_credits then
    v_ticket.status := 'in_progress';
    v_ticket := app.save_ticket(v_ticket);
  else
    v_ticket := app.charge_ticket(v_ticket, v_ticket.quoted_credits - v_ticket.charged_credits, v_uid);
  end if;
  perform app.remember_result(p_idempotency_key, v_uid, 'confirm_quote', to_jsonb(v_ticket));
  return v_ticket;
end $$;
comment on function public.confirm_quote(uuid, integer, text) is 'Customer: accept the quote of an awaiting_confirmation ticket at the price they saw (p_credits); charges it (or awaiting_credits). A changed price is invalid_state.';
revoke execute on function public.confirm_quote(uuid, integer, text) from public, anon;
grant execute on function public.confirm_quote(uuid, integer, text) to authenticated;

drop function public.assess_ticket(uuid, text, integer, text);

/** Staff categorize a new ticket; an upgrade is priced from two versions in the release list (given here or on the ticket). */
create function public.assess_ticket(
  p_ticket_id uuid, p_category text, p_credits integer default null, p_note text default null,
  p_upgrade_from text default null, p_upgrade_to text default null
) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_staff();
  v_note text := case when nullif(btrim(p_note), '') is null then null else app.clean_text(p_note, 'The note', 1, 2000) end;
  v_category public.ticket_categories := app.category(p_category);
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
  v_price integer;
begin
  if v_ticket.status <> 'new' then
    perform app.raise_error('invalid_state', format('Ticket #%s is already assessed; reassess it instead.', v_ticket.number));
  end if;
  v_ticket := app.assessed_versions(v_ticket, v_category, p_upgrade_from, p_upgrade_to);
  v_price := app.price_for(v_category, p_credits, v_ticket.upgrade_from, v_ticket.upgrade_to);
  v_ticket.category := v_category.code;
  v_ticket.quoted_credits := v_price;
  v_ticket.assessed_at := now();
  v_ticket.assignee_id := coalesce(v_ticket.assignee_id, v_uid);
  perform app.log_event(v_ticket, v_uid, 'assessed', jsonb_build_object(
    'category', v_category.code, 'level', v_category.level, 'credits', v_price, 'note', v_note)
    || case when v_category.per_step_credits is not null
         then jsonb_build_object('upgrade_from', v_ticket.upgrade_from, 'upgrade_to', v_ticket.upgrade_to) else '{}' end);
  return app.apply_quote(v_ticket, v_uid);
end $$;
comment on function public.assess_ticket(uuid, text, integer, text, text, text) is 'Staff: categorize a new ticket and apply the consent rules (charge, awaiting_credits or awaiting_confirmation). Upgrades need two versions from the release list.';
revoke execute on function public.assess_ticket(uuid, text, integer, text, text, text) from public, anon;
grant execute on function public.assess_ticket(uuid, text, integer, text, text, text) to authenticated;

drop function public.reassess_ticket(uuid, text, integer, text);

/** Staff re-categorize an assessed open ticket; an upgrade is priced from two versions in the release list. */
create function public.reassess_ticket(
  p_ticket_id uuid, p_category text, p_credits integer default null, p_reason text default null,
  p_upgrade_from text default null, p_upgrade_to text default null
) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_staff();
  v_reason text := app.clean_text(p_reason, 'The reason', 3, 2000);
  v_category public.ticket_categories := app.category(p_category);
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
  v_before public.tickets;
  v_price integer;
begin
  if v_ticket.status = 'new' then
    perform app.raise_error('invalid_state', format('Ticket #%s is not assessed yet; assess it first.', v_ticket.number));
  end if;
  if not app.is_open(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is closed.', v_ticket.number));
  end if;
  v_before := v_ticket;
  v_ticket := app.assessed_versions(v_ticket, v_category, p_upgrade_from, p_upgrade_to);
  v_price := app.price_for(v_category, p_credits, v_ticket.upgrade_from, v_ticket.upgrade_to);
  if v_category.code = v_before.category and v_price = v_before.quoted_credits then
    perform app.raise_error('invalid_input', format('Ticket #%s is already %s for %s credits.', v_ticket.number, v_category.name, v_price));
  end if;
  v_ticket.category := v_category.code;
  v_ticket.quoted_credits := v_price;
  perform app.log_event(v_ticket, v_uid, 'reassessed', jsonb_build_object(
    'from_category', v_before.category, 'to_category', v_category.code,
    'from_credits', v_before.quoted_credits, 'to_credits', v_price, 'reason', v_reason));
  return app.apply_quote(v_ticket, v_uid);
end $$;
comment on function public.reassess_ticket(uuid, text, integer, text, text, text) is 'Staff: re-categorize an assessed open ticket (reason 3–2000); refunds or charges the difference, or asks the customer to confirm. Upgrades need two versions from the release list.';
revoke execute on function public.reassess_ticket(uuid, text, integer, text, text, text) from public, anon;
grant execute on function public.reassess_ticket(uuid, text, integer, text, text, text) to authenticated;
