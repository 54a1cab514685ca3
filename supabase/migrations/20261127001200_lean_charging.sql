/**
 * Section - Charging with one write per row
 * Why: on one busy account, charges queued far behind what a row lock allows (46 charges/s from 50
 * clients, bench/README.md). Two causes, both fixed here without changing any rule:
 *  1. A charge updated its ticket twice (the quote, then the charge). The second UPDATE of a row written
 *     earlier in the same transaction re-runs every foreign-key check of that row, so it took a KEY SHARE
 *     lock on the customer's account while other charges held it for update — each one turning the
 *     account's lock into a growing MultiXact. Now the functions below pass the locked ticket row along,
 *     change it in memory, and write it once (app.save_ticket).
 *  2. Every audit event took the same KEY SHARE lock through ticket_events.account_id's foreign key.
 *     That column is a copy of its ticket's account (so the policy needs no join); the ticket's own
 *     foreign key already guarantees the account, and app.check_invariants() now checks the copy.
 *  3. Fifty charges waiting for one account's row lock did not form a queue: each waiter sleeps on the
 *     row version it saw, and every commit makes a new version, so they woke in herds and chased the
 *     update chain (Lock:tuple / transactionid / LockManager waits; 4 ms per hand-over). A customer
 *     account is now locked by app.lock_account: a transaction-scoped advisory lock on the account (a
 *     plain FIFO lock queue), then the row, which nobody else is then waiting for. app.transfer is the
 *     only writer of a balance and locks through it, as does charging under the lock.
 *  4. The transfer row itself is now written before the account is locked, so the lock covers only the
 *     balance and the entries. Its from/to foreign keys would take that same KEY SHARE lock on the
 *     account from outside the queue, so they are dropped: the references are carried by the entries
 *     (credit_entries.account_id keeps its foreign key, written under the lock), and
 *     app.check_invariants() already requires each transfer's two entries to be on its from/to accounts.
 * Also: the staff check is one query instead of three.
 */

alter table public.ticket_events drop constraint ticket_events_account_id_fkey;
alter table public.credit_transfers
  drop constraint credit_transfers_from_account_id_fkey,
  drop constraint credit_transfers_to_account_id_fkey;
comment on column public.credit_transfers.from_account_id is 'Debited account. No foreign key on purpose (see migration 001200): its entry references the account, and app.check_invariants() ties the two.';
comment on column public.credit_transfers.to_account_id is 'Credited account. No foreign key on purpose (see migration 001200): its entry references the account, and app.check_invariants() ties the two.';
comment on column public.ticket_events.account_id is 'Its ticket''s account, copied by app.log_event so the policy needs no join. No foreign key on purpose (see migration 001200); app.check_invariants() checks it matches the ticket.';

/** Section - Callers */

/** The signed-in caller if they are staff (engineer or admin), or forbidden: one look at the profile. */
create or replace function app.require_staff() returns uuid
language plpgsql stable security definer set search_path = '' as $$
declare
  v_uid uuid := auth.uid();
  v_role public.app_role;
begin
  select p.role into v_role from public.profiles p where p.id = v_uid;
  if v_role is null then
    perform app.raise_error('forbidden', 'Sign in to do this.');
  end if;
  if v_role not in ('engineer', 'admin') then
    perform app.raise_error('forbidden', 'Only support engineers can do this.');
  end if;
  return v_uid;
end $$;

/** Section - Locking and posting (replacing migration 000400's app.transfer, same signature and rules) */

/**
 * Locks one customer account for the rest of the transaction and returns it as locked (its current
 * balance). First a transaction-scoped advisory lock keyed on the account (namespace 1 = accounts), so
 * concurrent lockers wait in one FIFO queue, then the row itself (FOR NO KEY UPDATE: inserts elsewhere
 * hold FOR KEY SHARE on the account through their foreign keys, and a full UPDATE lock would deadlock
 * against them). Everything that locks an account goes through here; two accounts are locked in id
 * order. (Two accounts whose ids hash alike merely share a queue.)
 */
create function app.lock_account(p_account_id uuid) returns public.accounts
language plpgsql security definer set search_path = '' as $$
declare
  v_account public.accounts;
begin
  perform pg_advisory_xact_lock(1, hashtext(p_account_id::text));
  select * into v_account from public.accounts a where a.id = p_account_id for no key update;
  return v_account;
end $$;
comment on function app.lock_account(uuid) is 'Lock a customer account (advisory FIFO queue, then the row) until the transaction ends; returns the locked row.';
revoke execute on function app.lock_account(uuid) from public;

/**
 * The only writer of the ledger. Checks the accounts, records the transfer under its idempotency key —
 * or returns the transfer already recorded under it (so retries are no-ops; a concurrent insert of the
 * same key waits for the first to finish) — then locks the customer account(s) involved in id order,
 * refuses to take a customer account below zero (insufficient_credits, which undoes the whole call),
 * writes the balance and the two entries with balance_after, and sends the low-balance notice when a
 * debit crosses the account's threshold. The lock is held only for those last writes. p_id lets a caller
 * that records the transfer elsewhere first (a ticket's charged event) choose its id. System accounts
 * (issued / consumed / adjustments) are never locked or updated: their balance is the sum of their entries.
 */
create or replace function app.transfer(
  p_from uuid,
  p_to uuid,
  p_amount integer,
  p_kind public.credit_transfer_kind,
  p_key text,
  p_created_by uuid,
  p_note text default null,
  p_order_id uuid default null,
  p_ticket_id uuid default null,
  p_id uuid default null
) returns public.credit_transfers
language plpgsql security definer set search_path = '' as $$
declare
  v_transfer public.credit_transfers;
  v_from public.accounts;
  v_to public.accounts;
  v_from_after integer;
  v_to_after integer;
begin
  if p_amount is null or p_amount <= 0 then
    perform app.raise_error('invalid_input', 'A transfer moves a positive number of credits.');
  end if;
  if p_from is null or p_to is null or p_from = p_to or p_kind is null or p_key is null then
    perform app.raise_error('invalid_input', 'A transfer needs two different accounts, a kind and an idempotency key.');
  end if;
  select * into v_from from public.accounts a where a.id = p_from;
  select * into v_to from public.accounts a where a.id = p_to;
  if v_from.id is null or v_to.id is null then
    perform app.raise_error('not_found', 'There is no such credit account.');
  end if;

  insert into public.credit_transfers (
    id, from_account_id, to_account_id, amount, kind, idempotency_key, order_id, ticket_id, note, created_by
  ) values (coalesce(p_id, gen_random_uuid()), p_from, p_to, p_amount, p_kind, p_key, p_order_id, p_ticket_id, p_note, p_created_by)
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

  if v_from.system_code is null then
    update public.accounts set balance = balance - p_amount where id = p_from returning balance into v_from_after;
  end if;
  if v_to.system_code is null then
    update public.accounts set balance = balance + p_amount where id = p_to returning balance into v_to_after;
  end if;

  insert into public.credit_entries (transfer_id, account_id, amount, balance_after) values
    (v_transfer.id, p_from, -p_amount, v_from_after),
    (v_transfer.id, p_to, p_amount, v_to_after);

  if v_from.system_code is null and v_from.low_balance_threshold > 0
     and v_from.balance >= v_from.low_balance_threshold and v_from_after < v_from.low_balance_threshold then
    perform app.notify_account(
      p_from, 'low_balance', 'Your credit balance is low',
      format('Your balance is %s credits, below %s. Buy more so new tickets are not held up.', v_from_after, v_from.low_balance_threshold),
      jsonb_build_object('balance', v_from_after, 'threshold', v_from.low_balance_threshold)
    );
  end if;

  return v_transfer;
end $$;

/** Section - Charging tickets (private), replacing migration 000620's versions that took ticket ids */

drop function app.apply_quote(uuid, uuid);
drop function app.charge_ticket(uuid, integer, uuid, boolean);
drop function app.record_charge(uuid, integer, uuid, uuid);
drop function app.refund_ticket_credits(uuid, integer, uuid, text);

/**
 * Writes a locked ticket's changeable fields (status, category, price, charges, assignee, dates) in one
 * UPDATE. The functions below change the row in memory and call this once per transaction and ticket.
 */
create function app.save_ticket(p_ticket public.tickets) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
begin
  update public.tickets t
  set status = p_ticket.status, category = p_ticket.category, quoted_credits = p_ticket.quoted_credits,
      charged_credits = p_ticket.charged_credits, assignee_id = p_ticket.assignee_id,
      assessed_at = p_ticket.assessed_at, resolved_at = p_ticket.resolved_at, closed_at = p_ticket.closed_at
  where t.id = p_ticket.id
  returning * into v_ticket;
  return v_ticket;
end $$;
revoke execute on function app.save_ticket(public.tickets) from public;

/**
 * The bookkeeping of a charge on the (locked, possibly changed but unsaved) ticket: charged_credits,
 * in_progress, one write, the audit event and the customer's notice. Kept apart from the ledger transfer
 * so it can run before the account is locked.
 */
create function app.record_charge(p_ticket public.tickets, p_amount integer, p_actor uuid, p_transfer_id uuid)
returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets := p_ticket;
begin
  v_ticket.status := 'in_progress';
  v_ticket.charged_credits := v_ticket.charged_credits + p_amount;
  v_ticket := app.save_ticket(v_ticket);
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
revoke execute on function app.record_charge(public.tickets, integer, uuid, uuid) from public;

/**
 * Takes p_amount credits for a locked ticket (given as its row, possibly changed but unsaved) when the
 * balance covers them — the ticket goes to in_progress and the customer is told — or puts it in
 * awaiting_credits and tells the customer how many credits are missing. Never raises
 * insufficient_credits: waiting is the policy (docs/design.md §1.6). Writes the ticket once either way.
 *
 * Every charge on an account queues on its row lock, so the work done while holding it is kept small:
 * when an unlocked look at the balance says it covers the charge (p_optimistic), the ticket's own
 * bookkeeping is written first and the account is locked only for the transfer; if another charge took
 * the credits in between, the transfer's insufficient_credits rolls that back and the decision is made
 * again under the lock. Callers that already hold the account lock pass p_optimistic = false.
 */
create function app.charge_ticket(p_ticket public.tickets, p_amount integer, p_actor uuid, p_optimistic boolean default true)
returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
  v_balance integer;
  v_key text;
  v_transfer_id uuid := gen_random_uuid();
  v_consumed uuid := app.system_account_id('consumed');
begin
  -- The ticket is locked by the caller, so its charge count (and so the idempotency key) is stable.
  select format('ticket:%s:charge:%s', p_ticket.id, count(*) + 1) into v_key
  from public.credit_transfers ct where ct.ticket_id = p_ticket.id and ct.kind = 'ticket_charge';

  if p_optimistic then
    select a.balance into v_balance from public.accounts a where a.id = p_ticket.account_id;
    if v_balance >= p_amount then
      begin
        v_ticket := app.record_charge(p_ticket, p_amount, p_actor, v_transfer_id);
        perform app.transfer(p_ticket.account_id, v_consumed, p_amount, 'ticket_charge', v_key, p_actor,
          format('Ticket #%s', p_ticket.number), null, p_ticket.id, v_transfer_id);
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
    perform app.notify(v_ticket.created_by, 'credits_needed',
      format('Ticket #%s needs %s more credits', v_ticket.number, p_amount - v_balance),
      format('Ticket #%s costs %s credits and your balance is %s. Add %s credits and it will be charged automatically.',
        v_ticket.number, p_amount, v_balance, p_amount - v_balance),
      v_ticket.id, jsonb_build_object('credits', p_amount, 'balance', v_balance, 'missing', p_amount - v_balance));
    return v_ticket;
  end if;

  perform app.transfer(p_ticket.account_id, v_consumed, p_amount, 'ticket_charge', v_key, p_actor,
    format('Ticket #%s', p_ticket.number), null, p_ticket.id, v_transfer_id);
  return app.record_charge(p_ticket, p_amount, p_actor, v_transfer_id);
end $$;
revoke execute on function app.charge_ticket(public.tickets, integer, uuid, boolean) from public;

/** Gives back p_amount of what a locked ticket (its row, possibly changed but unsaved) was charged; writes the ticket once. */
create function app.refund_ticket_credits(p_ticket public.tickets, p_amount integer, p_actor uuid, p_reason text)
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
    format('ticket:%s:refund:%s', p_ticket.id, v_n), p_actor, p_reason, null, p_ticket.id
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
revoke execute on function app.refund_ticket_credits(public.tickets, integer, uuid, text) from public;

/**
 * After credits are added to an account: charge its awaiting_credits tickets, oldest first, each one the
 * balance now covers (a ticket the balance cannot cover yet keeps waiting without blocking cheaper, newer
 * ones). Tickets another transaction holds are skipped — that transaction will see the new balance itself —
 * so this never deadlocks with it.
 */
create or replace function app.charge_awaiting_tickets(p_account_id uuid, p_except_ticket_id uuid default null)
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
      perform app.charge_ticket(v_ticket, v_ticket.quoted_credits - v_ticket.charged_credits, null, false);
      v_charged := v_charged + 1;
    end if;
  end loop;
  return v_charged;
end $$;

/**
 * Moves a locked ticket (its row with the new category and price, unsaved) to where its quote puts it
 * under the consent rules, writing it once: a lower price than already charged refunds the difference;
 * an equal one means work goes on; a higher one is charged at once when no confirmation is needed,
 * otherwise the ticket waits for the customer. Confirmation is needed for price-agreed categories
 * (code_modification) always, and for "tell me the cost first" tickets unless it is a first charge of a
 * level-1 category.
 */
create function app.apply_quote(p_ticket public.tickets, p_actor uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket public.tickets := p_ticket;
  v_category public.ticket_categories := app.category(p_ticket.category);
  v_due integer := p_ticket.quoted_credits - p_ticket.charged_credits;
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

  if v_category.min_credits is not null
     or (not v_ticket.pre_approved and (v_ticket.charged_credits > 0 or v_category.level > 1)) then
    v_ticket.status := 'awaiting_confirmation';
    v_ticket := app.save_ticket(v_ticket);
    perform app.notify(v_ticket.created_by, 'quote_ready',
      format('Ticket #%s: please confirm %s credits', v_ticket.number, v_ticket.quoted_credits),
      format('Ticket #%s "%s" is assessed as %s for %s credits%s. Confirm to have it answered, or decline.',
        v_ticket.number, v_ticket.subject, v_category.name, v_ticket.quoted_credits,
        case when v_ticket.charged_credits > 0
          then format(' (%s already charged, %s more)', v_ticket.charged_credits, v_due) else '' end),
      v_ticket.id, jsonb_build_object('category', v_category.code, 'credits', v_ticket.quoted_credits, 'due', v_due));
    return v_ticket;
  end if;

  return app.charge_ticket(v_ticket, v_due, p_actor);
end $$;
revoke execute on function app.apply_quote(public.tickets, uuid) from public;

/** Section - The ticket API on the new helpers (same signatures, rules and errors as migrations 000650/000660) */

create or replace function public.assess_ticket(
  p_ticket_id uuid, p_category text, p_credits integer default null, p_note text default null
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
  v_price := app.price_for(v_category, p_credits, v_ticket.upgrade_from, v_ticket.upgrade_to);
  v_ticket.category := v_category.code;
  v_ticket.quoted_credits := v_price;
  v_ticket.assessed_at := now();
  v_ticket.assignee_id := coalesce(v_ticket.assignee_id, v_uid);
  perform app.log_event(v_ticket, v_uid, 'assessed', jsonb_build_object(
    'category', v_category.code, 'level', v_category.level, 'credits', v_price, 'note', v_note));
  return app.apply_quote(v_ticket, v_uid);
end $$;

create or replace function public.reassess_ticket(
  p_ticket_id uuid, p_category text, p_credits integer default null, p_reason text default null
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
  v_price := app.price_for(v_category, p_credits, v_ticket.upgrade_from, v_ticket.upgrade_to);
  if v_category.code = v_ticket.category and v_price = v_ticket.quoted_credits then
    perform app.raise_error('invalid_input', format('Ticket #%s is already %s for %s credits.', v_ticket.number, v_category.name, v_price));
  end if;
  v_before := v_ticket;
  v_ticket.category := v_category.code;
  v_ticket.quoted_credits := v_price;
  perform app.log_event(v_ticket, v_uid, 'reassessed', jsonb_build_object(
    'from_category', v_before.category, 'to_category', v_category.code,
    'from_credits', v_before.quoted_credits, 'to_credits', v_price, 'reason', v_reason));
  return app.apply_quote(v_ticket, v_uid);
end $$;

create or replace function public.refund_ticket(p_ticket_id uuid, p_credits integer, p_reason text) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_staff();
  v_reason text := app.clean_text(p_reason, 'The reason', 3, 2000);
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
begin
  if v_ticket.charged_credits = 0 then
    perform app.raise_error('invalid_state', format('Nothing was charged for ticket #%s.', v_ticket.number));
  end if;
  if p_credits is null or p_credits < 1 or p_credits > v_ticket.charged_credits then
    perform app.raise_error('invalid_input', format('Refund between 1 and %s credits.', v_ticket.charged_credits));
  end if;
  v_ticket := app.refund_ticket_credits(v_ticket, p_credits, v_uid, v_reason);
  perform app.charge_awaiting_tickets(v_ticket.account_id, v_ticket.id);
  return v_ticket;
end $$;

create or replace function public.confirm_quote(p_ticket_id uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_user();
  v_ticket public.tickets := app.lock_member_ticket(p_ticket_id, v_uid);
begin
  if v_ticket.status <> 'awaiting_confirmation' then
    perform app.raise_error('invalid_state', format('Ticket #%s has no quote waiting for confirmation.', v_ticket.number));
  end if;
  perform app.log_event(v_ticket, v_uid, 'quote_confirmed', jsonb_build_object(
    'category', v_ticket.category, 'credits', v_ticket.quoted_credits));
  if v_ticket.quoted_credits <= v_ticket.charged_credits then
    v_ticket.status := 'in_progress';
    return app.save_ticket(v_ticket);
  end if;
  return app.charge_ticket(v_ticket, v_ticket.quoted_credits - v_ticket.charged_credits, v_uid);
end $$;

/** Section - Invariants: docs/design.md §4's, plus the copied account of every audit event */

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
  select format('event %s of ticket #%s: account %s but the ticket''s is %s', ev.id, tk.number, ev.account_id, tk.account_id)
  from public.ticket_events ev join public.tickets tk on tk.id = ev.ticket_id
  where ev.account_id <> tk.account_id
$$;
