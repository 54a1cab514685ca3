/**
 * Section - Ledger
 * An append-only double-entry ledger (after pgr0ss/pgledger): a transfer moves a positive amount from one
 * account to another and writes two signed entries that sum to zero, each with the account's balance
 * after it. Customer accounts are locked in id order and can never go below zero (CHECK on accounts);
 * the system accounts issued / consumed / adjustments are the other side and may go negative. Every
 * transfer carries a unique idempotency key (`order:<id>`, `ticket:<id>:charge:<n>`, …), so a retried
 * call is a no-op. Mistakes are corrected with a reversing transfer: UPDATE, DELETE and TRUNCATE are
 * rejected by trigger for everyone, the console included.
 */

/** One movement of credits between two accounts. `order_id` / `ticket_id` get their foreign keys in the orders and tickets migrations. */
create table public.credit_transfers (
  id uuid primary key default gen_random_uuid(),
  from_account_id uuid not null references public.accounts (id),
  to_account_id uuid not null references public.accounts (id),
  amount integer not null check (amount > 0),
  kind public.credit_transfer_kind not null,
  idempotency_key text not null unique check (length(idempotency_key) between 1 and 200),
  order_id uuid,
  ticket_id uuid,
  note text check (length(note) <= 2000),
  created_by uuid,
  created_at timestamptz not null default now(),
  constraint credit_transfers_distinct_accounts check (from_account_id <> to_account_id)
);
comment on table public.credit_transfers is 'Append-only ledger transfers; written only by app.transfer. Fix mistakes with a reversing transfer.';
comment on column public.credit_transfers.idempotency_key is 'Unique per business event: order:<id>, ticket:<id>:charge:<n>, ticket:<id>:refund:<n>, adjustment:<uuid>.';
comment on column public.credit_transfers.created_by is 'The person who caused it (customer, engineer, admin, or the purchaser); null for automatic actions. Kept without a foreign key so the record outlives the user.';

grant select on public.credit_transfers to authenticated, service_role;

alter table public.credit_transfers enable row level security;

create index credit_transfers_from_account_id_idx on public.credit_transfers (from_account_id);
create index credit_transfers_to_account_id_idx on public.credit_transfers (to_account_id);
create index credit_transfers_order_id_idx on public.credit_transfers (order_id) where order_id is not null;
create index credit_transfers_ticket_id_idx on public.credit_transfers (ticket_id) where ticket_id is not null;

/** One side of a transfer: the signed amount for one account and that account's balance after it. */
create table public.credit_entries (
  id bigint generated always as identity primary key,
  transfer_id uuid not null references public.credit_transfers (id),
  account_id uuid not null references public.accounts (id),
  amount integer not null check (amount <> 0),
  balance_after integer,
  created_at timestamptz not null default now()
);
comment on table public.credit_entries is 'Append-only ledger entries, two per transfer summing to 0. A customer statement is its account''s entries in id order.';
comment on column public.credit_entries.balance_after is 'The customer account''s balance after this entry (the statement''s running balance). Null on system-account entries, whose balance is sum(amount): keeping a running total there would queue every charge in the product on one row.';

grant select on public.credit_entries to authenticated, service_role;

alter table public.credit_entries enable row level security;

create index credit_entries_account_id_id_idx on public.credit_entries (account_id, id desc);
create index credit_entries_transfer_id_idx on public.credit_entries (transfer_id);

/** The ledger never changes once written; this stops UPDATE, DELETE and TRUNCATE even for the console. */
create function app.reject_ledger_change() returns trigger
language plpgsql set search_path = '' as $$
begin
  perform app.raise_error('forbidden', format(
    'The ledger is append-only (%s on %s refused): correct a mistake with a reversing transfer.', tg_op, tg_table_name
  ));
  return null;
end $$;
comment on function app.reject_ledger_change() is 'Trigger: refuse UPDATE/DELETE/TRUNCATE on ledger tables.';
revoke execute on function app.reject_ledger_change() from public;

create trigger credit_transfers_append_only before update or delete on public.credit_transfers
  for each row execute function app.reject_ledger_change();
create trigger credit_transfers_no_truncate before truncate on public.credit_transfers
  for each statement execute function app.reject_ledger_change();
create trigger credit_entries_append_only before update or delete on public.credit_entries
  for each row execute function app.reject_ledger_change();
create trigger credit_entries_no_truncate before truncate on public.credit_entries
  for each statement execute function app.reject_ledger_change();

/** Members read the transfers touching their accounts; staff read all. */
create policy credit_transfers_select on public.credit_transfers for select to authenticated
  using (
    from_account_id = any (array(select app.my_account_ids()))
    or to_account_id = any (array(select app.my_account_ids()))
    or (select app.is_staff())
  );

/** Members read their accounts' entries (not the system side); staff read all. */
create policy credit_entries_select on public.credit_entries for select to authenticated
  using (account_id = any (array(select app.my_account_ids())) or (select app.is_staff()));

/** Section - System accounts */

insert into public.accounts (name, system_code) values
  ('System: credits issued', 'issued'),
  ('System: credits consumed', 'consumed'),
  ('System: adjustments', 'adjustments');

/** The id of a system account by code. */
create function app.system_account_id(p_code text) returns uuid
language plpgsql stable security definer set search_path = '' as $$
begin
  return (select a.id from public.accounts a where a.system_code = p_code);
end $$;
revoke execute on function app.system_account_id(text) from public;

/** Section - Posting */

/**
 * The only writer of the ledger. Locks the customer account(s) involved in id order, returns the existing
 * transfer if the idempotency key was already used (so retries are no-ops), refuses to take a customer
 * account below zero (insufficient_credits), writes the transfer and its two entries with balance_after,
 * and sends the low-balance notice when a debit crosses the account's threshold. p_id lets a caller
 * that records the transfer elsewhere first (a ticket's charged event) choose its id.
 */
create function app.transfer(
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

  -- Customer accounts only: system accounts are never locked (see accounts.balance). NO KEY UPDATE,
  -- not UPDATE: inserts elsewhere hold FOR KEY SHARE on the account through their foreign keys
  -- (tickets, events, entries), and a full UPDATE lock would deadlock against them.
  perform 1 from public.accounts a
  where a.id in (p_from, p_to) and a.system_code is null
  order by a.id
  for no key update;

  select * into v_transfer from public.credit_transfers t where t.idempotency_key = p_key;
  if found then
    if (v_transfer.from_account_id, v_transfer.to_account_id, v_transfer.amount, v_transfer.kind)
       is distinct from (p_from, p_to, p_amount, p_kind) then
      perform app.raise_error('invalid_state', format('The idempotency key %s was already used for a different transfer.', p_key));
    end if;
    return v_transfer;
  end if;

  select * into v_from from public.accounts a where a.id = p_from;
  select * into v_to from public.accounts a where a.id = p_to;
  if v_from.id is null or v_to.id is null then
    perform app.raise_error('not_found', 'There is no such credit account.');
  end if;
  if v_from.system_code is null and v_from.balance < p_amount then
    perform app.raise_error('insufficient_credits', format(
      'This needs %s credits but the balance is %s (%s missing).', p_amount, v_from.balance, p_amount - v_from.balance
    ));
  end if;

  insert into public.credit_transfers (
    id, from_account_id, to_account_id, amount, kind, idempotency_key, order_id, ticket_id, note, created_by
  ) values (coalesce(p_id, gen_random_uuid()), p_from, p_to, p_amount, p_kind, p_key, p_order_id, p_ticket_id, p_note, p_created_by)
  returning * into v_transfer;

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
comment on function app.transfer(uuid, uuid, integer, public.credit_transfer_kind, text, uuid, text, uuid, uuid, uuid) is 'Post one idempotent double-entry transfer; the only writer of credit_transfers, credit_entries and accounts.balance.';
revoke execute on function app.transfer(uuid, uuid, integer, public.credit_transfer_kind, text, uuid, text, uuid, uuid, uuid) from public;
