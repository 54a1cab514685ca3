/**
 * Section - The ledger as its own module
 * Why: app.transfer, the ledger's one writer, took p_order_id and p_ticket_id, decided by itself that a
 * system account may go negative, and sent the customer's low-balance notice, so the ledger knew about
 * tickets, orders and notifications. It now knows accounts, amounts, kinds and idempotency keys only:
 * - whether the sender may go below zero is the caller's explicit choice (p_allow_negative), allowed for
 *   system accounts only (a customer account never goes below zero, whatever the arguments say);
 * - what a transfer was for (its order or ticket) is a reference the domain function hands over in one
 *   bundle (app.transfer_reference) for the statement and the invariants to read; the ledger stores it
 *   and never looks at it;
 * - the low-balance notice is sent by the functions that debit a customer (charging a ticket, an admin's
 *   negative adjustment) through app.notify_low_balance.
 * Every caller is redefined here on the new signature, with its previous rules unchanged.
 */

/**
 * What a transfer is for, as the domain function that posts it says: at most one of a purchase's order or
 * a ticket. Stored on the transfer (credit_transfers.order_id / ticket_id, which the customer's statement
 * and app.check_invariants() read); the ledger itself never interprets it.
 */
create type app.transfer_reference as (order_id uuid, ticket_id uuid);
comment on type app.transfer_reference is 'What a ledger transfer is for (an order or a ticket), recorded on it for readers; never read by app.transfer.';

drop function app.transfer(uuid, uuid, integer, public.credit_transfer_kind, text, uuid, text, uuid, uuid, uuid);

/**
 * The only writer of the ledger: moves p_amount (> 0) credits from p_from to p_to as one transfer with two
 * entries that sum to zero. Idempotent on p_key: the transfer recorded under it is returned and nothing
 * changes (a concurrent insert of the same key waits for the first to finish); the same key for another
 * transfer is invalid_state. Rules:
 * - A customer account never goes below zero (insufficient_credits) nor above app.max_balance()
 *   (invalid_state); both undo the whole call.
 * - A sender goes below zero only when the caller says so with p_allow_negative, and only a system account
 *   (issued / consumed / adjustments) may: they are the other side of every customer movement. System
 *   accounts keep no balance column (their balance is the sum of their entries, so charges never queue
 *   on one row); they are never locked or updated here.
 * - Customer accounts are locked through app.lock_account, in id order, only for the balance and entry
 *   writes, after the transfer row is recorded.
 * p_reference is stored on the transfer for its readers; p_id lets a caller that records the transfer
 * elsewhere first (a ticket's charged event) choose its id.
 */
create function app.transfer(
  p_from uuid,
  p_to uuid,
  p_amount integer,
  p_kind public.credit_transfer_kind,
  p_key text,
  p_created_by uuid,
  p_allow_negative boolean default false,
  p_note text default null,
  p_reference app.transfer_reference default null,
  p_id uuid default null
) returns public.credit_transfers
language plpgsql security definer set search_path = '' as $$
declare
  v_transfer public.credit_transfers;
  v_from public.accounts;
  v_to public.accounts;
  v_from_after integer;
  v_to_after integer;
  v_max integer;
begin
  if p_amount is null or p_amount <= 0 then
    perform app.raise_error('invalid_input', 'A transfer moves a positive number of credits.');
  end if;
  if p_from is null or p_to is null or p_from = p_to or p_kind is null or p_key is null or p_allow_negative is null then
    perform app.raise_error('invalid_input', 'A transfer needs two different accounts, a kind, an idempotency key and whether the sender may go negative.');
  end if;
  select * into v_from from public.accounts a where a.id = p_from;
  select * into v_to from public.accounts a where a.id = p_to;
  if v_from.id is null or v_to.id is null then
    perform app.raise_error('not_found', 'There is no such credit account.');
  end if;
  if p_allow_negative and v_from.system_code is null then
    perform app.raise_error('invalid_input', format(
      'Only a system account may go below zero; customer account %s is never debited beyond its balance.', p_from));
  end if;
  if not p_allow_negative and v_from.system_code is not null then
    perform app.raise_error('invalid_input', format(
      'The system account %s keeps no balance to check: a debit from it must allow it to go negative.', v_from.system_code));
  end if;

  insert into public.credit_transfers (
    id, from_account_id, to_account_id, amount, kind, idempotency_key, order_id, ticket_id, note, created_by
  ) values (
    coalesce(p_id, gen_random_uuid()), p_from, p_to, p_amount, p_kind, p_key,
    (p_reference).order_id, (p_reference).ticket_id, p_note, p_created_by
  )
  on conflict (idempotency_key) do nothing
  returning * into v_transfer;
  if v_transfer.id is null then
    select * into v_transfer from public.credit_transfers t where t.idempotency_key = p_key;
    if (v_transfer.from_account_id, v_transfer.to_account_id, v_transfer.amount, v_transfer.kind)
       is distinct from (p_from, p_to, p_amount, p_kind) then
      perform app.raise_error('invalid_state', format('The idempotency key %s was already used for a different transfer.', p_key));
    end if;
    return v_transfer;
  end if;

  if v_from.system_code is null and v_to.system_code is null then
    if p_from < p_to then
      v_from := app.lock_account(p_from);
      v_to := app.lock_account(p_to);
    else
      v_to := app.lock_account(p_to);
      v_from := app.lock_account(p_from);
    end if;
  elsif v_from.system_code is null then
    v_from := app.lock_account(p_from);
  elsif v_to.system_code is null then
    v_to := app.lock_account(p_to);
  end if;
  if v_from.system_code is null and v_from.balance < p_amount then
    perform app.raise_error('insufficient_credits', format(
      'This needs %s credits but the balance is %s (%s missing).', p_amount, v_from.balance, p_amount - v_from.balance
    ));
  end if;
  if v_to.system_code is null then
    v_max := app.max_balance();
    if v_to.balance::bigint + p_amount > v_max then
      perform app.raise_error('invalid_state', format(
        'Adding %s credits would take the balance to %s, above the maximum balance of %s credits (room for %s more).',
        p_amount, v_to.balance::bigint + p_amount, v_max, greatest(v_max - v_to.balance, 0)
      ));
    end if;
  end if;

  if v_from.system_code is null then
    update public.accounts set balance = balance - p_amount where id = p_from returning balance into v_from_after;
  end if;
  if v_to.system_code is null then
    update public.accounts set balance = balance + p_amount where id = p_to returning balance into v_to_after;
  end if;

  insert into public.credit_entries (transfer_id, account_id, amount, balance_after) values
    (v_transfer.id, p_from, -p_amount, v_from_after),
    (v_transfer.id, p_to, p_amount, v_to_after);
  return v_transfer;
end $$;
comment on function app.transfer(uuid, uuid, integer, public.credit_transfer_kind, text, uuid, boolean, text, app.transfer_reference, uuid) is 'Post one idempotent double-entry transfer; the only writer of credit_transfers, credit_entries and accounts.balance. Only a system sender may go negative, and only when the caller allows it.';
revoke execute on function app.transfer(uuid, uuid, integer, public.credit_transfer_kind, text, uuid, boolean, text, app.transfer_reference, uuid) from public;

/** Section - The low-balance notice, sent by the functions that debit a customer */

/**
 * Tells the owners of the debited account that its balance is low, once per downward crossing: when
 * p_transfer took the sender from at or above its threshold to below it (low_balance_threshold 0 = never).
 * Only for a transfer posted in this transaction (created_at = now(), the transaction's start): a retried
 * call that got an existing transfer back from its idempotency key sent the notice the first time.
 */
create function app.notify_low_balance(p_transfer public.credit_transfers) returns void
language plpgsql security definer set search_path = '' as $$
declare
  v_after integer;
  v_threshold integer;
begin
  if p_transfer.id is null or p_transfer.created_at <> now() then
    return;
  end if;
  select ce.balance_after into v_after from public.credit_entries ce
  where ce.transfer_id = p_transfer.id and ce.account_id = p_transfer.from_account_id;
  select a.low_balance_threshold into v_threshold from public.accounts a
  where a.id = p_transfer.from_account_id and a.system_code is null;
  if v_after is null or v_threshold is null or v_threshold = 0 then
    return;
  end if;
  if v_after + p_transfer.amount >= v_threshold and v_after < v_threshold then
    perform app.notify_account(
      p_transfer.from_account_id, 'low_balance', 'Your credit balance is low',
      format('Your balance is %s credits, below %s. Buy more so new tickets are not held up.', v_after, v_threshold),
      jsonb_build_object('balance', v_after, 'threshold', v_threshold)
    );
  end if;
end $$;
comment on function app.notify_low_balance(public.credit_transfers) is 'After a debit of a customer account: the low_balance notice when it crossed the account''s threshold.';
revoke execute on function app.notify_low_balance(public.credit_transfers) from public;

/** Section - The callers, on the new signature (rules unchanged) */

/**
 * As migration 000430's: takes p_amount credits for a locked ticket (given as its row, possibly changed
 * but unsaved) when the balance covers them — in_progress, the customer told — or puts it in
 * awaiting_credits with one collected credits_needed notice. Never raises insufficient_credits: waiting is
 * the policy (docs/design.md §1.6). When an unlocked look at the balance says it covers the charge
 * (p_optimistic), the ticket's bookkeeping is written first and the account is locked only for the
 * transfer; if another charge took the credits in between, the transfer's insufficient_credits rolls
 * that back and the decision is made again under the lock. The charge is the customer's debit, so it
 * also sends the low-balance notice when it crosses the threshold.
 */
create or replace function app.charge_ticket(p_ticket public.tickets, p_amount integer, p_actor uuid, p_optimistic boolean default true)
returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
  v_balance integer;
  v_key text;
  v_transfer public.credit_transfers;
  v_transfer_id uuid := gen_random_uuid();
  v_consumed uuid := app.system_account_id('consumed');
  v_for app.transfer_reference := row(null, p_ticket.id)::app.transfer_reference;
begin
  -- The ticket is locked by the caller, so its charge count (and so the idempotency key) is stable.
  select format('ticket:%s:charge:%s', p_ticket.id, count(*) + 1) into v_key
  from public.credit_transfers ct where ct.ticket_id = p_ticket.id and ct.kind = 'ticket_charge';

  if p_optimistic then
    select a.balance into v_balance from public.accounts a where a.id = p_ticket.account_id;
    if v_balance >= p_amount then
      begin
        v_ticket := app.record_charge(p_ticket, p_amount, p_actor, v_transfer_id);
        v_transfer := app.transfer(p_ticket.account_id, v_consumed, p_amount, 'ticket_charge', v_key, p_actor,
          p_note => format('Ticket #%s', p_ticket.number), p_reference => v_for, p_id => v_transfer_id);
        perform app.notify_low_balance(v_transfer);
        return v_ticket;
      exception when sqlstate 'PT402' then
        null; -- drained by a concurrent charge: decide again under the lock, from the row as given
      end;
    end if;
  end if;

  v_balance := (app.lock_account(p_ticket.account_id)).balance;
  if v_balance < p_amount then
    v_ticket := p_ticket;
    v_ticket.status := 'awaiting_credits';
    v_ticket := app.save_ticket(v_ticket);
    perform app.log_event(v_ticket, p_actor, 'awaiting_credits',
      jsonb_build_object('credits', p_amount, 'balance', v_balance, 'missing', p_amount - v_balance));
    perform app.notify_credits_needed(v_ticket, p_amount, v_balance);
    return v_ticket;
  end if;

  v_transfer := app.transfer(p_ticket.account_id, v_consumed, p_amount, 'ticket_charge', v_key, p_actor,
    p_note => format('Ticket #%s', p_ticket.number), p_reference => v_for, p_id => v_transfer_id);
  perform app.notify_low_balance(v_transfer);
  return app.record_charge(p_ticket, p_amount, p_actor, v_transfer_id);
end $$;

/**
 * As migration 001200's: gives back p_amount of what a locked ticket (its row, possibly changed but
 * unsaved) was charged, from the consumed account (which may go negative: it is a system account, and a
 * refund never exceeds what the ticket paid into it); writes the ticket once.
 */
create or replace function app.refund_ticket_credits(p_ticket public.tickets, p_amount integer, p_actor uuid, p_reason text)
returns public.tickets
language plpgsql security definer set search_path = '' as $$
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
  perform app.notify(v_ticket.created_by, 'refunded',
    format('%s credits refunded for ticket #%s', p_amount, v_ticket.number),
    format('%s credits for ticket #%s "%s" are back in your balance. %s', p_amount, v_ticket.number, v_ticket.subject, p_reason),
    v_ticket.id, jsonb_build_object('credits', p_amount));
  return v_ticket;
end $$;

/**
 * As migration 000400's: records a successful payment by issuing the order's credits from the issued
 * account (the source of all credits, so it goes negative by design) in one purchase transfer (key
 * `order:<id>`), marks the order paid and charges tickets waiting for credits. Idempotent: an order that
 * is already paid is returned unchanged. When the credits would take the balance above the maximum, the
 * order ends failed with refund_due and the customer is told; that is an answer, not an error, so the
 * payment provider stops retrying.
 */
create or replace function public.service_role_fulfil_order(p_order_id uuid, p_provider_payment_id text) returns public.orders
language plpgsql security definer set search_path = '' as $$
declare
  v_order public.orders;
  v_payment text := app.clean_text(p_provider_payment_id, 'The provider payment id', 1, 255);
  v_detail text;
begin
  if p_order_id is null then
    perform app.raise_error('invalid_input', 'Give the order id.');
  end if;
  select * into v_order from public.orders o where o.id = p_order_id for no key update;
  if v_order.id is null then
    perform app.raise_error('not_found', 'There is no such order.');
  end if;
  if v_order.status = 'paid' or v_order.refund_due then
    return v_order;
  end if;

  -- Lock order: order → waiting tickets → account (as every ticket function: ticket → account).
  perform 1 from public.tickets t
  where t.account_id = v_order.account_id and t.status = 'awaiting_credits'
  order by t.created_at, t.number
  for no key update;

  begin
    perform app.transfer(
      app.system_account_id('issued'), v_order.account_id, v_order.credits, 'purchase',
      format('order:%s', v_order.id), v_order.user_id,
      p_allow_negative => true, p_note => format('%s credits purchased', v_order.credits),
      p_reference => row(v_order.id, null)::app.transfer_reference
    );
  exception when sqlstate 'PT409' then
    get stacked diagnostics v_detail = pg_exception_detail;
    perform set_config('app.order_payment', v_order.id::text, true);
    update public.orders
    set status = 'failed', provider_payment_id = v_payment, refund_due = true,
        failure_reason = left(format('Paid but not credited: %s The payment is to be refunded.', v_detail), 500)
    where id = v_order.id
    returning * into v_order;
    perform set_config('app.order_payment', '', true);
    perform app.notify_account(v_order.account_id, 'purchase_failed',
      'Your purchase could not be added',
      format('Your purchase of %s credits would take your balance above the maximum of %s credits, so it was not added. Your payment will be refunded.',
        v_order.credits, app.max_balance()),
      jsonb_build_object('order_id', v_order.id, 'credits', v_order.credits));
    return v_order;
  end;
  perform set_config('app.order_payment', v_order.id::text, true);
  update public.orders
  set status = 'paid', paid_at = now(), provider_payment_id = v_payment, failure_reason = null
  where id = v_order.id
  returning * into v_order;
  perform set_config('app.order_payment', '', true);

  perform app.notify_account(v_order.account_id, 'credits_added',
    format('%s credits added', v_order.credits),
    format('Your purchase of %s credits is complete.', v_order.credits),
    jsonb_build_object('credits', v_order.credits, 'order_id', v_order.id));
  perform app.charge_awaiting_tickets(v_order.account_id);
  return v_order;
end $$;

/**
 * As migration 000420's: an admin corrects a customer's balance by ±p_amount with a note saying why and an
 * idempotency key. Credits come from the adjustments account (a system account, so it may go negative);
 * a negative adjustment cannot take the balance below zero and, as a debit of the customer, sends the
 * low-balance notice when it crosses the threshold; a positive one cannot pass the maximum balance and
 * charges waiting tickets.
 */
create or replace function public.adjust_credits(p_account_id uuid, p_amount integer, p_note text, p_idempotency_key text)
returns public.credit_transfers
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_admin();
  v_prior jsonb;
  v_note text := app.clean_text(p_note, 'The note', 3, 500);
  v_transfer public.credit_transfers;
begin
  if p_idempotency_key is null then
    perform app.raise_error('invalid_input', 'Give an idempotency key (a fresh UUID per adjustment), so a repeated request is applied once.');
  end if;
  v_prior := app.idempotent_result(p_idempotency_key, v_uid, 'adjust_credits');
  if v_prior is not null then
    return jsonb_populate_record(null::public.credit_transfers, v_prior);
  end if;
  if p_amount is null or p_amount = 0 or abs(p_amount) > 1000000 then
    perform app.raise_error('invalid_input', 'Adjust by a non-zero number of credits up to 1000000 either way.');
  end if;
  if p_account_id is null or not exists (
    select 1 from public.accounts a where a.id = p_account_id and a.system_code is null
  ) then
    perform app.raise_error('not_found', 'There is no such customer account.');
  end if;

  if p_amount > 0 then
    perform 1 from public.tickets t
    where t.account_id = p_account_id and t.status = 'awaiting_credits'
    order by t.created_at, t.number
    for no key update;
    v_transfer := app.transfer(app.system_account_id('adjustments'), p_account_id, p_amount, 'adjustment',
      format('adjustment:%s', p_idempotency_key), v_uid, p_allow_negative => true, p_note => v_note);
    perform app.notify_account(p_account_id, 'credits_added', format('%s credits added', p_amount), v_note,
      jsonb_build_object('credits', p_amount, 'transfer_id', v_transfer.id));
    perform app.charge_awaiting_tickets(p_account_id);
  else
    v_transfer := app.transfer(p_account_id, app.system_account_id('adjustments'), -p_amount, 'adjustment',
      format('adjustment:%s', p_idempotency_key), v_uid, p_note => v_note);
    perform app.notify_low_balance(v_transfer);
  end if;
  perform app.remember_result(p_idempotency_key, v_uid, 'adjust_credits', to_jsonb(v_transfer));
  return v_transfer;
end $$;

/** Section - Invariants: migration 001200's, plus the ledger's rule that only system accounts go negative */

/**
 * As migration 001200's, plus: no customer account ever went below zero, at any entry of its history
 * (not only now), and every customer entry carries its running balance. Going negative is a choice a
 * caller of app.transfer may make for a system account only, so an entry breaking this means the ledger
 * was written around app.transfer.
 */
create or replace function app.check_invariants() returns setof text
language sql stable security definer set search_path = '' as $$
  select format('account %s: balance %s but entries sum to %s', a.id, a.balance, coalesce(e.total, 0))
  from public.accounts a
  left join (select account_id, sum(amount) as total from public.credit_entries group by account_id) e
    on e.account_id = a.id
  where a.system_code is null and a.balance <> coalesce(e.total, 0)
  union all
  select format('account %s: negative balance %s', a.id, a.balance)
  from public.accounts a where a.system_code is null and a.balance < 0
  union all
  select format('system account %s: balance column %s (must stay 0)', a.system_code, a.balance)
  from public.accounts a where a.system_code is not null and a.balance <> 0
  union all
  select format('account %s: last balance_after %s but balance %s', a.id, last.balance_after, a.balance)
  from public.accounts a
  join lateral (
    select ce.balance_after from public.credit_entries ce where ce.account_id = a.id order by ce.id desc limit 1
  ) last on true
  where a.system_code is null and last.balance_after is distinct from a.balance
  union all
  select format('transfer %s: entries do not match (count %s, sum %s)', t.id, count(e.id), coalesce(sum(e.amount), 0))
  from public.credit_transfers t
  left join public.credit_entries e on e.transfer_id = t.id
  group by t.id, t.from_account_id, t.to_account_id, t.amount
  having count(e.id) <> 2
      or coalesce(sum(e.amount), 0) <> 0
      or count(*) filter (where e.account_id = t.from_account_id and e.amount = -t.amount) <> 1
      or count(*) filter (where e.account_id = t.to_account_id and e.amount = t.amount) <> 1
  union all
  select format('ticket #%s: charged_credits %s but charges − refunds = %s', tk.number, tk.charged_credits, coalesce(m.net, 0))
  from public.tickets tk
  left join (
    select ticket_id,
           sum(case kind when 'ticket_charge' then amount when 'ticket_refund' then -amount else 0 end) as net
    from public.credit_transfers where ticket_id is not null group by ticket_id
  ) m on m.ticket_id = tk.id
  where tk.charged_credits <> coalesce(m.net, 0)
  union all
  select format('order %s (%s): %s purchase transfers', o.id, o.status, count(t.id))
  from public.orders o
  left join public.credit_transfers t on t.order_id = o.id and t.kind = 'purchase'
  group by o.id, o.status, o.credits
  having (o.status = 'paid' and (count(t.id) <> 1 or sum(t.amount) <> o.credits))
      or (o.status <> 'paid' and count(t.id) <> 0)
  union all
  select format('purchase transfer %s has no order', t.id)
  from public.credit_transfers t where t.kind = 'purchase' and t.order_id is null
  union all
  select format('entry %s: customer account %s %s', e.id, e.account_id,
    case when e.balance_after is null then 'has no running balance' else format('went below zero (%s)', e.balance_after) end)
  from public.credit_entries e join public.accounts a on a.id = e.account_id
  where a.system_code is null and (e.balance_after is null or e.balance_after < 0)
  union all
  select format('event %s of ticket #%s: account %s but the ticket''s is %s', ev.id, tk.number, ev.account_id, tk.account_id)
  from public.ticket_events ev join public.tickets tk on tk.id = ev.ticket_id
  where ev.account_id <> tk.account_id
$$;
