create table public.credit_entries (
  id bigint generated always as identity,
  transfer_id uuid not null,
  account_id uuid not null,
  amount integer not null,
  balance_after integer,
  created_at timestamp with time zone default now() not null,
  constraint credit_entries_pkey PRIMARY KEY (id),
  constraint credit_entries_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id),
  constraint credit_entries_transfer_id_fkey FOREIGN KEY (transfer_id) REFERENCES public.credit_transfers(id),
  constraint credit_entries_amount_check CHECK (amount <> 0)
);

create index credit_entries_account_id_id_idx on public.credit_entries (account_id, id DESC);

create index credit_entries_transfer_id_idx on public.credit_entries (transfer_id);

alter table public.credit_entries enable row level security;

comment on table public.credit_entries is 'Append-only ledger entries, two per transfer summing to 0. A customer statement is its account''s entries in id order.';
comment on column public.credit_entries.balance_after is 'The customer account''s balance after this entry (the statement''s running balance). Null on system-account entries, whose balance is sum(amount): keeping a running total there would queue every charge in the product on one row.';

revoke all on table public.credit_entries from anon, authenticated, service_role;
grant select on table public.credit_entries to authenticated;
grant select on table public.credit_entries to service_role;
