/**
 * Section - Charging tickets (private)
 * How a ticket's price meets the ledger: charge it (or make it wait for credits), refund part of it,
 * charge waiting tickets when credits arrive, and apply a quote under the consent rules (docs/design.md §1.5–1.7).
 * Every function here expects its ticket locked by the caller; the account is locked inside app.transfer.
 */

/**
 * The bookkeeping of a charge on the ticket itself: charged_credits, in_progress, the audit event and the
 * customer's notice. Kept apart from the ledger transfer so it can run before the account is locked.
 */
create function app.record_charge(p_ticket_id uuid, p_amount integer, p_actor uuid, p_transfer_id uuid)
returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
begin
  update public.tickets
  set status = 'in_progress', charged_credits = charged_credits + p_amount
  where id = p_ticket_id
  returning * into v_ticket;
  perform app.log_event(v_ticket, p_actor, 'charged', jsonb_build_object(
    'credits', p_amount, 'charged_credits', v_ticket.charged_credits, 'transfer_id', p_transfer_id,
    'automatic', p_actor is null));
  perform app.notify(v_ticket.created_by, 'charged',
    format('Ticket #%s was charged %s credits', v_ticket.number, p_amount),
    format('%s credits were taken for ticket #%s "%s"%s; an engineer is working on it.', p_amount, v_ticket.number,
      v_ticket.subject, case when p_actor is null then ' now that your balance covers it' else '' end),
    v_ticket.id, jsonb_build_object('credits', p_amount, 'transfer_id', p_transfer_id));
  return v_ticket;
end $$;
revoke execute on function app.record_charge(uuid, integer, uuid, uuid) from public;

/**
 * Takes p_amount credits for a (locked) ticket when its balance covers them — the ticket goes to
 * in_progress and the customer is told — or puts it in awaiting_credits and tells the customer how many
 * credits are missing. Never raises insufficient_credits: waiting is the policy (docs/design.md §1.6).
 *
 * Every charge on an account queues on its row lock, so the work done while holding it is kept small:
 * when an unlocked look at the balance says it covers the charge (p_optimistic), the ticket's own
 * bookkeeping is written first and the account is locked only for the transfer; if another charge took
 * the credits in between, the transfer's insufficient_credits rolls that back and the decision is made
 * again under the lock. Callers that already hold the account lock pass p_optimistic = false.
 */
create function app.charge_ticket(p_ticket_id uuid, p_amount integer, p_actor uuid, p_optimistic boolean default true)
returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
  v_balance integer;
  v_key text;
  v_transfer_id uuid := gen_random_uuid();
  v_consumed uuid := app.system_account_id('consumed');
begin
  select * into v_ticket from public.tickets t where t.id = p_ticket_id for no key update;
  -- The ticket is locked, so its charge count (and so the idempotency key) is stable.
  select format('ticket:%s:charge:%s', p_ticket_id, count(*) + 1) into v_key
  from public.credit_transfers ct where ct.ticket_id = p_ticket_id and ct.kind = 'ticket_charge';

  if p_optimistic then
    select a.balance into v_balance from public.accounts a where a.id = v_ticket.account_id;
    if v_balance >= p_amount then
      begin
        v_ticket := app.record_charge(p_ticket_id, p_amount, p_actor, v_transfer_id);
        perform app.transfer(v_ticket.account_id, v_consumed, p_amount, 'ticket_charge', v_key, p_actor,
          format('Ticket #%s', v_ticket.number), null, p_ticket_id, v_transfer_id);
        return v_ticket;
      exception when sqlstate 'PT402' then
        null; -- drained by a concurrent charge: decide again under the lock
      end;
    end if;
  end if;

  select a.balance into v_balance from public.accounts a where a.id = v_ticket.account_id for no key update;
  if v_balance < p_amount then
    update public.tickets set status = 'awaiting_credits' where id = p_ticket_id returning * into v_ticket;
    perform app.log_event(v_ticket, p_actor, 'awaiting_credits',
      jsonb_build_object('credits', p_amount, 'balance', v_balance, 'missing', p_amount - v_balance));
    perform app.notify(v_ticket.created_by, 'credits_needed',
      format('Ticket #%s needs %s more credits', v_ticket.number, p_amount - v_balance),
      format('Ticket #%s costs %s credits and your balance is %s. Add %s credits and it will be charged automatically.',
        v_ticket.number, p_amount, v_balance, p_amount - v_balance),
      v_ticket.id, jsonb_build_object('credits', p_amount, 'balance', v_balance, 'missing', p_amount - v_balance));
    return v_ticket;
  end if;

  perform app.transfer(v_ticket.account_id, v_consumed, p_amount, 'ticket_charge', v_key, p_actor,
    format('Ticket #%s', v_ticket.number), null, p_ticket_id, v_transfer_id);
  return app.record_charge(p_ticket_id, p_amount, p_actor, v_transfer_id);
end $$;
revoke execute on function app.charge_ticket(uuid, integer, uuid, boolean) from public;

/** Gives back p_amount of what a (locked) ticket was charged. */
create function app.refund_ticket_credits(p_ticket_id uuid, p_amount integer, p_actor uuid, p_reason text)
returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
  v_n integer;
  v_transfer public.credit_transfers;
begin
  select * into v_ticket from public.tickets t where t.id = p_ticket_id for no key update;
  select count(*) + 1 into v_n from public.credit_transfers ct
  where ct.ticket_id = p_ticket_id and ct.kind = 'ticket_refund';
  v_transfer := app.transfer(
    app.system_account_id('consumed'), v_ticket.account_id, p_amount, 'ticket_refund',
    format('ticket:%s:refund:%s', p_ticket_id, v_n), p_actor, p_reason, null, p_ticket_id
  );
  update public.tickets set charged_credits = charged_credits - p_amount where id = p_ticket_id
  returning * into v_ticket;
  perform app.log_event(v_ticket, p_actor, 'refunded', jsonb_build_object(
    'credits', p_amount, 'charged_credits', v_ticket.charged_credits, 'reason', p_reason, 'transfer_id', v_transfer.id));
  perform app.notify(v_ticket.created_by, 'refunded',
    format('%s credits refunded for ticket #%s', p_amount, v_ticket.number),
    format('%s credits for ticket #%s "%s" are back in your balance. %s', p_amount, v_ticket.number, v_ticket.subject, p_reason),
    v_ticket.id, jsonb_build_object('credits', p_amount));
  return v_ticket;
end $$;
revoke execute on function app.refund_ticket_credits(uuid, integer, uuid, text) from public;

/**
 * After credits are added to an account: charge its awaiting_credits tickets, oldest first, each one the
 * balance now covers (a ticket the balance cannot cover yet keeps waiting without blocking cheaper, newer
 * ones). Tickets another transaction holds are skipped — that transaction will see the new balance itself —
 * so this never deadlocks with it.
 */
create function app.charge_awaiting_tickets(p_account_id uuid, p_except_ticket_id uuid default null)
returns integer
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
  v_balance integer;
  v_charged integer := 0;
begin
  for v_ticket in
    select * from public.tickets t
    where t.account_id = p_account_id and t.status = 'awaiting_credits'
      and t.id is distinct from p_except_ticket_id
    order by t.created_at, t.number
    for no key update skip locked
  loop
    select a.balance into v_balance from public.accounts a where a.id = p_account_id;
    exit when v_balance <= 0;
    if v_ticket.quoted_credits - v_ticket.charged_credits between 1 and v_balance then
      perform app.charge_ticket(v_ticket.id, v_ticket.quoted_credits - v_ticket.charged_credits, null, false);
      v_charged := v_charged + 1;
    end if;
  end loop;
  return v_charged;
end $$;
comment on function app.charge_awaiting_tickets(uuid, uuid) is 'Charge an account''s awaiting_credits tickets oldest first, as far as the balance goes. Returns how many were charged.';
revoke execute on function app.charge_awaiting_tickets(uuid, uuid) from public;

/**
 * Moves a (locked) ticket to where its quote puts it under the consent rules: a lower price than already
 * charged refunds the difference; an equal one means work goes on; a higher one is charged at once when
 * no confirmation is needed, otherwise the ticket waits for the customer. Confirmation is needed for
 * price-agreed categories (code_modification) always, and for "tell me the cost first" tickets unless
 * it is a first charge of a level-1 category.
 */
create function app.apply_quote(p_ticket_id uuid, p_actor uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
  v_category public.ticket_categories;
  v_due integer;
begin
  select * into v_ticket from public.tickets t where t.id = p_ticket_id for no key update;
  v_category := app.category(v_ticket.category);
  v_due := v_ticket.quoted_credits - v_ticket.charged_credits;

  if v_due < 0 then
    v_ticket := app.refund_ticket_credits(p_ticket_id, -v_due, p_actor,
      format('The ticket now costs %s credits.', v_ticket.quoted_credits));
    update public.tickets set status = 'in_progress' where id = p_ticket_id returning * into v_ticket;
    perform app.charge_awaiting_tickets(v_ticket.account_id, p_ticket_id);
    return v_ticket;
  end if;

  if v_due = 0 then
    update public.tickets set status = 'in_progress' where id = p_ticket_id returning * into v_ticket;
    return v_ticket;
  end if;

  if v_category.min_credits is not null
     or (not v_ticket.pre_approved and (v_ticket.charged_credits > 0 or v_category.level > 1)) then
    update public.tickets set status = 'awaiting_confirmation' where id = p_ticket_id returning * into v_ticket;
    perform app.notify(v_ticket.created_by, 'quote_ready',
      format('Ticket #%s: please confirm %s credits', v_ticket.number, v_ticket.quoted_credits),
      format('Ticket #%s "%s" is assessed as %s for %s credits%s. Confirm to have it answered, or decline.',
        v_ticket.number, v_ticket.subject, v_category.name, v_ticket.quoted_credits,
        case when v_ticket.charged_credits > 0
          then format(' (%s already charged, %s more)', v_ticket.charged_credits, v_due) else '' end),
      v_ticket.id, jsonb_build_object('category', v_category.code, 'credits', v_ticket.quoted_credits, 'due', v_due));
    return v_ticket;
  end if;

  return app.charge_ticket(p_ticket_id, v_due, p_actor);
end $$;
revoke execute on function app.apply_quote(uuid, uuid) from public;
