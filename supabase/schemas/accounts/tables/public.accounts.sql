-- Credits: wallets (this table, with public.account_members) and an append-only double-entry ledger (after
-- pgr0ss/pgledger: public.credit_transfers, public.credit_entries).
-- - A transfer moves a positive amount from one account to another and writes two signed entries that sum
--   to zero, each customer entry with its account's balance after it. app.transfer is the only writer.
-- - Customer accounts never go below zero (the CHECK below) nor above app.max_balance(). The system accounts
--   issued / consumed / adjustments are the other side of every customer movement and may go below zero,
--   but only when the caller of app.transfer says so (p_allow_negative).
-- - Every transfer carries a unique idempotency key, so a retried call is a no-op.
-- - Mistakes are corrected with a reversing transfer: UPDATE, DELETE and TRUNCATE on the ledger are rejected
--   by trigger for everyone, the console included (accounts/functions/app.reject_ledger_change.sql).
-- - The ledger knows accounts, amounts, kinds and keys only. What a transfer was for is an
--   app.transfer_reference the domain function hands over and the ledger stores without reading; the
--   low-balance notice is sent by the functions that debit a customer (app.notify_low_balance).
-- - Every charge on an account queues on that account's lock, so the lock is taken late and held briefly
--   (accounts/functions/app.lock_account.sql, accounts/functions/app.transfer.sql). Lock order everywhere:
--   order -> tickets -> customer account.
create table public.accounts (
  id uuid default gen_random_uuid() not null,
  name text not null,
  balance integer default 0 not null,
  low_balance_threshold integer default 10 not null,
  system_code text,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint accounts_pkey PRIMARY KEY (id),
  constraint accounts_system_code_key UNIQUE (system_code),
  constraint accounts_customer_balance_not_negative CHECK (system_code IS NOT NULL OR balance >= 0),
  constraint accounts_low_balance_threshold_check CHECK (low_balance_threshold >= 0),
  constraint accounts_name_check CHECK (length(name) >= 1 AND length(name) <= 200),
  constraint accounts_system_balance_unused CHECK (system_code IS NULL OR balance = 0),
  constraint accounts_system_code_check CHECK (system_code = ANY (ARRAY['issued'::text, 'consumed'::text, 'adjustments'::text]))
);

alter table public.accounts enable row level security;

comment on table public.accounts is 'Credit wallets. balance changes only through the ledger functions (app.transfer).';
comment on column public.accounts.balance is 'Customer accounts: current credits, = sum of their credit_entries, never negative. System accounts: always 0 — their balance is sum(credit_entries.amount) (kept off the hot path so charges on different accounts never queue on one row).';
comment on column public.accounts.low_balance_threshold is 'A charge that takes the balance from >= this to below it sends one low_balance notification (0 = never).';
comment on column public.accounts.system_code is 'issued (source of purchased credits), consumed (sink of ticket charges), adjustments (admin corrections); null for customer wallets.';

revoke all on table public.accounts from anon, authenticated, service_role;
grant select on table public.accounts to authenticated;
grant select on table public.accounts to service_role;
