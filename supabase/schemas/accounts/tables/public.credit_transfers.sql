-- The transfer row is written before the customer account is locked (see accounts/functions/app.transfer.sql),
-- which is why from/to carry no foreign keys: those would take a KEY SHARE lock on the account outside
-- app.lock_account's queue. The references are carried by the entries (credit_entries.account_id keeps its
-- foreign key, written under the lock), and app.check_invariants() requires each transfer's two entries to
-- be on its from/to accounts.
create table public.credit_transfers (
  id uuid default gen_random_uuid() not null,
  from_account_id uuid not null,
  to_account_id uuid not null,
  amount integer not null,
  kind public.credit_transfer_kind not null,
  idempotency_key text not null,
  order_id uuid,
  ticket_id uuid,
  note text,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  constraint credit_transfers_pkey PRIMARY KEY (id),
  constraint credit_transfers_idempotency_key_key UNIQUE (idempotency_key),
  constraint credit_transfers_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id),
  constraint credit_transfers_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id),
  constraint credit_transfers_amount_check CHECK (amount > 0),
  constraint credit_transfers_distinct_accounts CHECK (from_account_id <> to_account_id),
  constraint credit_transfers_idempotency_key_check CHECK (length(idempotency_key) >= 1 AND length(idempotency_key) <= 200),
  constraint credit_transfers_note_check CHECK (length(note) <= 2000)
);

create index credit_transfers_from_account_id_idx on public.credit_transfers (from_account_id);

create index credit_transfers_order_id_idx on public.credit_transfers (order_id) WHERE (order_id IS NOT NULL);

create index credit_transfers_ticket_id_idx on public.credit_transfers (ticket_id) WHERE (ticket_id IS NOT NULL);

create index credit_transfers_to_account_id_idx on public.credit_transfers (to_account_id);

alter table public.credit_transfers enable row level security;

comment on table public.credit_transfers is 'Append-only ledger transfers; written only by app.transfer. Fix mistakes with a reversing transfer.';
comment on column public.credit_transfers.from_account_id is 'Debited account. No foreign key on purpose: it would take a KEY SHARE lock on the account outside app.lock_account''s queue. Its entry references the account, and app.check_invariants() ties the two.';
comment on column public.credit_transfers.to_account_id is 'Credited account. No foreign key on purpose: it would take a KEY SHARE lock on the account outside app.lock_account''s queue. Its entry references the account, and app.check_invariants() ties the two.';
comment on column public.credit_transfers.idempotency_key is 'Unique per business event: order:<id>, ticket:<id>:charge:<n>, ticket:<id>:refund:<n>, adjustment:<the admin''s idempotency key>.';
comment on column public.credit_transfers.created_by is 'The person who caused it (customer, engineer, admin, or the purchaser); null for automatic actions. Kept without a foreign key so the record outlives the user.';

revoke all on table public.credit_transfers from anon, authenticated, service_role;
grant select on table public.credit_transfers to authenticated;
grant select on table public.credit_transfers to service_role;
