-- Purchases and credits in. The checkout edge function (service role) opens an order through
-- public.service_role_open_order, which decides in SQL which packages may be bought and which account the
-- credits go to; the edge function keeps only what needs Stripe. The payment functions then fulfil or fail
-- it (public.record_payment_event for provider webhooks). A paid order's credits arrive only through
-- public.service_role_fulfil_order, exactly once, and whenever credits arrive the tickets waiting for credits
-- are charged, oldest first. app.guard_order keeps orders honest whoever writes them.
create table public.orders (
  id uuid default gen_random_uuid() not null,
  account_id uuid not null,
  user_id uuid,
  package_id uuid not null,
  credits integer not null,
  amount_cents integer not null,
  currency text default 'usd'::text not null,
  status public.order_status default 'pending'::public.order_status not null,
  provider text default 'test'::text not null,
  provider_session_id text,
  provider_payment_id text,
  failure_reason text,
  paid_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  refund_due boolean default false not null,
  refunded_at timestamp with time zone,
  refunded_by uuid,
  refund_note text,
  constraint orders_pkey PRIMARY KEY (id),
  constraint orders_provider_session_id_key UNIQUE (provider_session_id),
  constraint orders_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id),
  constraint orders_package_id_fkey FOREIGN KEY (package_id) REFERENCES public.credit_packages(id),
  constraint orders_refunded_by_fkey FOREIGN KEY (refunded_by) REFERENCES public.profiles(id) ON DELETE SET NULL,
  constraint orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id) ON DELETE SET NULL,
  constraint orders_amount_cents_check CHECK (amount_cents > 0),
  constraint orders_credits_check CHECK (credits > 0),
  constraint orders_currency_check CHECK (currency ~ '^[a-z]{3}$'::text),
  constraint orders_failure_reason_check CHECK (length(failure_reason) <= 500),
  constraint orders_paid_at_when_paid CHECK ((status = 'paid'::public.order_status) = (paid_at IS NOT NULL)),
  constraint orders_provider_check CHECK (provider = ANY (ARRAY['test'::text, 'stripe'::text])),
  constraint orders_provider_payment_id_check CHECK (length(provider_payment_id) <= 255),
  constraint orders_provider_session_id_check CHECK (length(provider_session_id) <= 255),
  constraint orders_refund_after_due CHECK (refunded_at IS NULL OR refund_due),
  constraint orders_refund_note_check CHECK (length(refund_note) <= 500)
);

create index orders_account_id_created_at_idx on public.orders (account_id, created_at DESC);

-- Looking for an open order and then inserting one would let two simultaneous clicks both miss and both
-- insert, leaving the customer two pending orders to pay. So the rule is the database's: at most one pending
-- order per account and package, and service_role_open_order's insert resolves the conflict by returning the
-- order that won.
create unique index orders_one_open_per_package on public.orders (account_id, package_id) WHERE (status = 'pending'::public.order_status);
comment on index public.orders_one_open_per_package is 'At most one pending order per account and package: simultaneous checkouts converge on it.';

create index orders_package_id_idx on public.orders (package_id);

create index orders_paid_user_idx on public.orders (user_id) WHERE (status = 'paid'::public.order_status);

create index orders_refund_due_idx on public.orders (created_at) WHERE (refund_due AND (refunded_at IS NULL));

create index orders_user_id_idx on public.orders (user_id);

alter table public.orders enable row level security;

comment on table public.orders is 'Credit purchases. Created pending by the checkout function (service role); paid only via service_role_fulfil_order, failed via service_role_fail_order.';
comment on column public.orders.credits is 'Credits bought, copied from the package at creation.';
comment on column public.orders.amount_cents is 'Price paid in minor units, copied from the package at creation (later price changes do not touch it).';
comment on column public.orders.provider_session_id is 'The payment provider''s checkout session id (Stripe cs_…), set by the checkout function.';
comment on column public.orders.refund_due is 'The customer paid but the order could not be credited (failed): the payment must be given back.';
comment on column public.orders.refunded_at is 'When an admin recorded the payment of a refund_due order as refunded.';

revoke all on table public.orders from anon, authenticated, service_role;
grant select on table public.orders to authenticated;
-- The service role reads orders and writes them only through the service_role_* functions, which take
-- the package, price and wallet from the database: a leaked or misused key cannot write an order of its own.
grant select on table public.orders to service_role;
