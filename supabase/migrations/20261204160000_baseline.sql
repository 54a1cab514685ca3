-- Pro Portal's schema as of the fold of 2026-12-04: the migration history up to then, folded into one
-- file (nothing had been deployed). Made by concatenating supabase/schemas/ in config.toml's
-- schema_paths order; later migrations are written by `npm run db:diff -- <name>`.

-- schemas/access/schema.app.sql

create schema app;
comment on schema app is 'Private helpers for RLS policies and SQL functions; not exposed through the API.';
revoke all on schema app from public;
grant usage on schema app to authenticated;
grant usage on schema app to service_role;

-- schemas/access/types/public.app_role.sql

create type public.app_role as enum (
  'customer',
  'engineer',
  'admin'
);

comment on type public.app_role is 'customer: buys credits and opens tickets; engineer: assesses and answers; admin: engineer + prices, roles, adjustments.';

-- schemas/accounts/types/app.transfer_reference.sql

create type app.transfer_reference as (
  order_id uuid,
  ticket_id uuid
);

comment on type app.transfer_reference is 'What a ledger transfer is for (an order or a ticket), recorded on it for readers; never read by app.transfer.';

-- schemas/accounts/types/public.account_member_role.sql

create type public.account_member_role as enum (
  'owner',
  'member'
);

-- schemas/accounts/types/public.credit_transfer_kind.sql

create type public.credit_transfer_kind as enum (
  'purchase',
  'ticket_charge',
  'ticket_refund',
  'adjustment'
);

-- schemas/orders/types/public.order_status.sql

create type public.order_status as enum (
  'pending',
  'paid',
  'failed'
);

-- schemas/tickets/types/app.quote_outcome.sql

create type app.quote_outcome as (
  kind text,
  category text,
  price integer,
  charged integer,
  due integer,
  credits integer,
  ceiling integer,
  over_ceiling boolean,
  balance integer,
  balance_after integer,
  missing integer
);

comment on type app.quote_outcome is 'What pricing a ticket does (app.quote_outcome): the kind (charge, awaiting_credits, quote, refund, no_change) and its figures.';

-- schemas/tickets/types/public.ticket_event_kind.sql

create type public.ticket_event_kind as enum (
  'created',
  'assessed',
  'reassessed',
  'quote_confirmed',
  'quote_declined',
  'charged',
  'awaiting_credits',
  'refunded',
  'split',
  'resolved',
  'canceled',
  'assigned'
);

comment on type public.ticket_event_kind is 'What happened to a ticket. The keys each kind''s data carries are in app.ticket_event_kinds.';

-- schemas/tickets/types/public.ticket_status.sql

create type public.ticket_status as enum (
  'new',
  'awaiting_confirmation',
  'awaiting_credits',
  'in_progress',
  'resolved',
  'declined',
  'canceled'
);

-- schemas/tickets/functions/app.event_field_keys.sql

create or replace function app.event_field_keys(p_fields jsonb)
returns text[]
language sql
immutable
set search_path = ''
as $function$
  select coalesce(array_agg(f.key order by f.key), '{}')
  from jsonb_object_keys(case when jsonb_typeof(p_fields) = 'object' then p_fields else '{}' end) f(key)
$function$;

revoke all on function app.event_field_keys(jsonb) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.event_fields_predicate.sql

create or replace function app.event_fields_predicate(p_fields jsonb)
returns jsonpath
language sql
immutable
set search_path = ''
as $function$
  select coalesce(string_agg(
    format('(%s%s)',
      case when f.tag like '%?' then format('!exists(%s) || ', f.path) else '' end,
      concat_ws(' || ',
        format('%s.type() == "%s"', f.path, split_part(rtrim(f.tag, '?'), '|', 1)),
        case when f.tag like '%|null%' then format('%s.type() == "null"', f.path) end)),
    ' && ' order by f.path), 'true')::jsonpath
  from (select format('$.%s', to_json(e.key)) as path, e.value as tag from jsonb_each_text(case when jsonb_typeof(p_fields) = 'object' then p_fields else '{}' end) e) f
$function$;

revoke all on function app.event_fields_predicate(jsonb) from public, anon, authenticated, service_role;

-- schemas/access/tables/app.idempotent_calls.sql

create table app.idempotent_calls (
  key text not null,
  user_id uuid not null,
  function_name text not null,
  result jsonb not null,
  created_at timestamp with time zone default now() not null,
  constraint idempotent_calls_pkey PRIMARY KEY (key)
);

comment on table app.idempotent_calls is 'Results of money-moving calls by their idempotency key: a repeated key returns the first result.';

revoke all on table app.idempotent_calls from anon, authenticated, service_role;

-- schemas/accounts/tables/app.settings.sql

create table app.settings (
  id boolean default true not null,
  max_balance integer default 1000000 not null,
  constraint settings_pkey PRIMARY KEY (id),
  constraint settings_id_check CHECK (id),
  constraint settings_max_balance_check CHECK (max_balance >= 1 AND max_balance <= 1000000000)
);

comment on table app.settings is 'Credit rules settings (one row). max_balance: the most credits a customer account may hold.';
comment on column app.settings.max_balance is 'The most credits a customer account may hold (default 1,000,000). Transfers beyond it are refused; a purchase beyond it fails with refund_due.';

revoke all on table app.settings from anon, authenticated, service_role;

-- schemas/tickets/tables/app.ticket_event_kinds.sql

create table app.ticket_event_kinds (
  kind public.ticket_event_kind not null,
  fields jsonb not null,
  description text not null,
  keys text[] generated always as (app.event_field_keys(fields)) stored not null,
  predicate jsonpath generated always as (app.event_fields_predicate(fields)) stored not null,
  constraint ticket_event_kinds_pkey PRIMARY KEY (kind),
  constraint ticket_event_kinds_fields_are_tags CHECK (jsonb_typeof(fields) = 'object'::text AND NOT jsonb_path_exists(fields, '$.*?(@.type() != "string")'::jsonpath) AND NOT jsonb_path_exists(fields, '$.*?(!(@ like_regex "^(boolean|number|string)(\\|null)?\\??$"))'::jsonpath))
);

comment on table app.ticket_event_kinds is 'The keys each audit event kind''s data carries, with their JSON types. app.log_event writes nothing else.';

revoke all on table app.ticket_event_kinds from anon, authenticated, service_role;

-- schemas/accounts/tables/public.accounts.sql

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

-- schemas/access/tables/public.profiles.sql

create table public.profiles (
  id uuid not null,
  email text not null,
  full_name text default ''::text not null,
  role public.app_role default 'customer'::public.app_role not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint profiles_pkey PRIMARY KEY (id),
  constraint profiles_id_fkey FOREIGN KEY (id) REFERENCES auth.users(id) ON DELETE CASCADE,
  constraint profiles_full_name_check CHECK (length(full_name) <= 200)
);

create index profiles_role_idx on public.profiles (role) WHERE (role <> 'customer'::public.app_role);

alter table public.profiles enable row level security;

comment on table public.profiles is 'One row per auth user, made by a trigger on auth.users. Users edit full_name only; role changes go through set_user_role (admins) or the console.';
comment on column public.profiles.email is 'Copied from auth.users at sign-up and kept in step by trigger.';
comment on column public.profiles.role is 'customer | engineer | admin. Not writable by users (column grants); set_user_role or the console.';

revoke all on table public.profiles from anon, authenticated, service_role;
grant select on table public.profiles to authenticated;
grant select on table public.profiles to service_role;
grant update (full_name) on table public.profiles to authenticated;

-- schemas/accounts/tables/public.account_members.sql

create table public.account_members (
  account_id uuid not null,
  user_id uuid not null,
  role public.account_member_role default 'member'::public.account_member_role not null,
  created_at timestamp with time zone default now() not null,
  constraint account_members_pkey PRIMARY KEY (account_id, user_id),
  constraint account_members_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id) ON DELETE CASCADE,
  constraint account_members_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id) ON DELETE CASCADE
);

create index account_members_user_id_idx on public.account_members (user_id);

alter table public.account_members enable row level security;

comment on table public.account_members is 'Membership of users in credit accounts (owner/member). Written only by SQL functions.';

revoke all on table public.account_members from anon, authenticated, service_role;
grant select on table public.account_members to authenticated;
grant select on table public.account_members to service_role;

-- schemas/catalogue/tables/public.credit_packages.sql

create table public.credit_packages (
  id uuid default gen_random_uuid() not null,
  name text not null,
  credits integer not null,
  price_cents integer not null,
  currency text default 'usd'::text not null,
  active boolean default true not null,
  sort_order integer default 0 not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint credit_packages_pkey PRIMARY KEY (id),
  constraint credit_packages_credits_check CHECK (credits > 0 AND credits <= 100000),
  constraint credit_packages_currency_check CHECK (currency ~ '^[a-z]{3}$'::text),
  constraint credit_packages_name_check CHECK (length(btrim(name)) >= 1 AND length(btrim(name)) <= 100),
  constraint credit_packages_price_cents_check CHECK (price_cents > 0 AND price_cents <= 100000000)
);

create index credit_packages_active_sort_idx on public.credit_packages (sort_order, credits) WHERE active;

alter table public.credit_packages enable row level security;

comment on table public.credit_packages is 'Credit packages for sale. Everyone reads active ones; admins read and write all.';
comment on column public.credit_packages.price_cents is 'Price in the currency''s minor unit (cents), > 0.';

revoke all on table public.credit_packages from anon, authenticated, service_role;
grant select on table public.credit_packages to anon;
grant delete, insert, select, update on table public.credit_packages to authenticated;
grant select on table public.credit_packages to service_role;

-- schemas/orders/tables/public.orders.sql

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
grant insert, select, update on table public.orders to service_role;

-- schemas/catalogue/tables/public.ticket_categories.sql

create table public.ticket_categories (
  code text not null,
  level smallint not null,
  name text not null,
  description text default ''::text not null,
  credits integer not null,
  min_credits integer,
  per_step_credits integer,
  included_steps integer,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint ticket_categories_pkey PRIMARY KEY (code),
  constraint ticket_categories_code_check CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'::text),
  constraint ticket_categories_credits_check CHECK (credits > 0 AND credits <= 100000),
  constraint ticket_categories_description_check CHECK (length(description) <= 1000),
  constraint ticket_categories_included_steps_check CHECK (included_steps >= 0 AND included_steps <= 1000),
  constraint ticket_categories_level_check CHECK (level >= 1 AND level <= 3),
  constraint ticket_categories_min_credits_check CHECK (min_credits > 0 AND min_credits <= 100000),
  constraint ticket_categories_name_check CHECK (length(btrim(name)) >= 1 AND length(btrim(name)) <= 100),
  constraint ticket_categories_per_step_credits_check CHECK (per_step_credits > 0 AND per_step_credits <= 100000),
  constraint ticket_categories_steps_pair CHECK ((per_step_credits IS NULL) = (included_steps IS NULL))
);

alter table public.ticket_categories enable row level security;

comment on table public.ticket_categories is 'Ticket categories and their credit prices (admin-editable). Seeded from docs/design.md §1.4.';
comment on column public.ticket_categories.level is '1 = charged without confirmation even for "tell me the cost first"; 2 and 3 wait for the customer''s confirmation unless pre-approved.';
comment on column public.ticket_categories.min_credits is 'Set for categories whose price is agreed with the client (code_modification): the engineer proposes >= min_credits and the customer always confirms.';
comment on column public.ticket_categories.per_step_credits is 'Set for upgrade: cost = credits + per_step_credits * max(0, steps - included_steps).';

revoke all on table public.ticket_categories from anon, authenticated, service_role;
grant select on table public.ticket_categories to anon;
grant delete, insert, select, update on table public.ticket_categories to authenticated;
grant select on table public.ticket_categories to service_role;

-- schemas/tickets/tables/public.tickets.sql

create table public.tickets (
  id uuid default gen_random_uuid() not null,
  number integer generated always as identity (start with 1001),
  account_id uuid not null,
  created_by uuid,
  subject text not null,
  body text not null,
  pre_approved boolean not null,
  status public.ticket_status default 'new'::public.ticket_status not null,
  category text,
  quoted_credits integer,
  charged_credits integer default 0 not null,
  upgrade_from text,
  upgrade_to text,
  parent_id uuid,
  assignee_id uuid,
  created_at timestamp with time zone default clock_timestamp() not null,
  updated_at timestamp with time zone default now() not null,
  assessed_at timestamp with time zone,
  resolved_at timestamp with time zone,
  closed_at timestamp with time zone,
  pre_approval_ceiling integer,
  constraint tickets_pkey PRIMARY KEY (id),
  constraint tickets_number_key UNIQUE (number),
  constraint tickets_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id),
  constraint tickets_assignee_id_fkey FOREIGN KEY (assignee_id) REFERENCES public.profiles(id) ON DELETE SET NULL,
  constraint tickets_category_fkey FOREIGN KEY (category) REFERENCES public.ticket_categories(code) ON UPDATE CASCADE,
  constraint tickets_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.profiles(id) ON DELETE SET NULL,
  constraint tickets_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.tickets(id),
  constraint tickets_body_check CHECK (length(body) >= 1 AND length(body) <= 20000),
  constraint tickets_charged_credits_check CHECK (charged_credits >= 0),
  constraint tickets_pre_approval_ceiling_check CHECK (pre_approval_ceiling >= 1 AND pre_approval_ceiling <= 100000),
  constraint tickets_quote_with_category CHECK ((category IS NULL) = (quoted_credits IS NULL)),
  constraint tickets_quoted_credits_check CHECK (quoted_credits > 0),
  constraint tickets_subject_check CHECK (length(subject) >= 3 AND length(subject) <= 200),
  constraint tickets_upgrade_from_check CHECK (length(upgrade_from) <= 20),
  constraint tickets_upgrade_pair CHECK ((upgrade_from IS NULL) = (upgrade_to IS NULL)),
  constraint tickets_upgrade_to_check CHECK (length(upgrade_to) <= 20)
);

create index tickets_account_id_created_at_idx on public.tickets (account_id, created_at DESC);

create index tickets_assignee_id_idx on public.tickets (assignee_id) WHERE (assignee_id IS NOT NULL);

create index tickets_awaiting_credits_idx on public.tickets (account_id, created_at) WHERE (status = 'awaiting_credits'::public.ticket_status);

create index tickets_category_idx on public.tickets (category);

create index tickets_created_by_idx on public.tickets (created_by);

create index tickets_parent_id_idx on public.tickets (parent_id) WHERE (parent_id IS NOT NULL);

-- The staff queue reads tickets under RLS, one status at a time in created_at order. Under RLS the
-- planner may not use a non-leakproof operator as an index condition before the policy's own check,
-- and enum equality (status = 'new') is not leakproof, so tickets_status_created_at_idx cannot serve
-- those reads. A partial index per status needs no operator on status at run time (the predicate is
-- proved from the query), and timestamptz comparisons are leakproof, so each page is a short range
-- scan; account_id is included so the policy check and the counts read the index alone
-- (bench/queue.bench.ts).
create index tickets_queue_awaiting_confirmation_idx on public.tickets (created_at) INCLUDE (account_id) WHERE (status = 'awaiting_confirmation'::public.ticket_status);

create index tickets_queue_awaiting_credits_idx on public.tickets (created_at) INCLUDE (account_id) WHERE (status = 'awaiting_credits'::public.ticket_status);

create index tickets_queue_canceled_idx on public.tickets (created_at) INCLUDE (account_id) WHERE (status = 'canceled'::public.ticket_status);

create index tickets_queue_declined_idx on public.tickets (created_at) INCLUDE (account_id) WHERE (status = 'declined'::public.ticket_status);

create index tickets_queue_in_progress_idx on public.tickets (created_at) INCLUDE (account_id) WHERE (status = 'in_progress'::public.ticket_status);

create index tickets_queue_new_idx on public.tickets (created_at) INCLUDE (account_id) WHERE (status = 'new'::public.ticket_status);
comment on index public.tickets_queue_new_idx is 'Staff queue: new tickets by age, usable under RLS (one partial index per status: enum equality is not leakproof).';

create index tickets_queue_resolved_idx on public.tickets (created_at) INCLUDE (account_id) WHERE (status = 'resolved'::public.ticket_status);

create index tickets_status_created_at_idx on public.tickets (status, created_at);

alter table public.tickets enable row level security;

comment on table public.tickets is 'Support tickets (one issue each). Written only by SQL functions; members of the account and staff read them.';
comment on column public.tickets.number is 'Human ticket number (#1001, #1002, …).';
comment on column public.tickets.pre_approved is 'true = "I agree in advance with the assessment"; false = "Tell me the cost first".';
comment on column public.tickets.quoted_credits is 'The ticket''s price in its current category (set by assess/reassess).';
comment on column public.tickets.charged_credits is 'Credits taken for this ticket so far: its ticket_charge transfers minus its ticket_refund transfers.';
comment on column public.tickets.created_at is 'clock_timestamp(), not now(): tickets, messages and events written in one transaction (seed, split) still order by time.';
comment on column public.tickets.closed_at is 'When it was declined or canceled.';
comment on column public.tickets.pre_approval_ceiling is 'For pre-approved tickets: the most credits charged without asking (chosen when opening, default the dearest fixed category). Null = that default.';

revoke all on table public.tickets from anon, authenticated, service_role;
grant select on table public.tickets to authenticated;
grant select on table public.tickets to service_role;

-- schemas/accounts/tables/public.credit_transfers.sql

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
comment on column public.credit_transfers.idempotency_key is 'Unique per business event: order:<id>, ticket:<id>:charge:<n>, ticket:<id>:refund:<n>, adjustment:<uuid>.';
comment on column public.credit_transfers.created_by is 'The person who caused it (customer, engineer, admin, or the purchaser); null for automatic actions. Kept without a foreign key so the record outlives the user.';

revoke all on table public.credit_transfers from anon, authenticated, service_role;
grant select on table public.credit_transfers to authenticated;
grant select on table public.credit_transfers to service_role;

-- schemas/accounts/tables/public.credit_entries.sql

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

-- schemas/notifications/tables/public.notifications.sql

create table public.notifications (
  id uuid default gen_random_uuid() not null,
  user_id uuid not null,
  ticket_id uuid,
  kind text not null,
  title text not null,
  body text default ''::text not null,
  data jsonb default '{}'::jsonb not null,
  read_at timestamp with time zone,
  created_at timestamp with time zone default clock_timestamp() not null,
  constraint notifications_pkey PRIMARY KEY (id),
  constraint notifications_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id) ON DELETE CASCADE,
  constraint notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id) ON DELETE CASCADE,
  constraint notifications_kind_check CHECK (kind = ANY (ARRAY['quote_ready'::text, 'charged'::text, 'credits_needed'::text, 'answered'::text, 'split'::text, 'resolved'::text, 'refunded'::text, 'credits_added'::text, 'low_balance'::text, 'purchase_failed'::text]))
);

create index notifications_ticket_id_idx on public.notifications (ticket_id);

create index notifications_user_id_created_at_idx on public.notifications (user_id, created_at DESC);

create index notifications_user_id_unread_idx on public.notifications (user_id) WHERE (read_at IS NULL);

alter table public.notifications enable row level security;

comment on table public.notifications is 'In-app notices, one per recipient. Written by SQL functions; read and marked read by their recipient.';
comment on column public.notifications.kind is 'quote_ready | charged | credits_needed | answered | split | resolved | refunded | credits_added | low_balance | purchase_failed';
comment on column public.notifications.data is 'Facts behind the notice, e.g. {"credits":20} or {"missing":15,"balance":5}.';

revoke all on table public.notifications from anon, authenticated, service_role;
grant select on table public.notifications to authenticated;
grant select on table public.notifications to service_role;

-- schemas/orders/tables/public.payment_events.sql

create table public.payment_events (
  id text not null,
  type text not null,
  payload jsonb default '{}'::jsonb not null,
  processed_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  order_id uuid,
  problem text,
  resolved_at timestamp with time zone,
  resolved_by uuid,
  resolution_note text,
  constraint payment_events_pkey PRIMARY KEY (id),
  constraint payment_events_resolved_by_fkey FOREIGN KEY (resolved_by) REFERENCES public.profiles(id) ON DELETE SET NULL,
  constraint payment_events_id_check CHECK (length(id) >= 1 AND length(id) <= 255),
  constraint payment_events_problem_check CHECK (length(problem) >= 1 AND length(problem) <= 1000),
  constraint payment_events_resolution_note_check CHECK (length(resolution_note) <= 500),
  constraint payment_events_resolved_problem CHECK (resolved_at IS NULL OR problem IS NOT NULL),
  constraint payment_events_type_check CHECK (length(type) >= 1 AND length(type) <= 255)
);

create index payment_events_open_problems_idx on public.payment_events (created_at) WHERE ((problem IS NOT NULL) AND (resolved_at IS NULL));

alter table public.payment_events enable row level security;

comment on table public.payment_events is 'Payment provider events by provider event id (de-duplication and unmatched payments). Written only by record_payment_event (service role) and admin_resolve_payment_event; staff may read.';
comment on column public.payment_events.order_id is 'The order the event named, when it named one (no foreign key: it may name an order that does not exist).';
comment on column public.payment_events.problem is 'Why the event was not applied (session, amount or currency not matching its order, or no such order): an admin must look.';
comment on column public.payment_events.resolved_at is 'When an admin resolved the problem (with resolution_note).';

revoke all on table public.payment_events from anon, authenticated, service_role;
grant select on table public.payment_events to authenticated;
grant select on table public.payment_events to service_role;

-- schemas/catalogue/tables/public.product_releases.sql

create table public.product_releases (
  version text not null,
  released_on date,
  position integer default 0 not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint product_releases_pkey PRIMARY KEY (version),
  constraint product_releases_position_key UNIQUE ("position"),
  constraint product_releases_position_check CHECK ("position" > 0),
  constraint product_releases_version_check CHECK (version ~ '^[0-9]{1,4}(\.[0-9]{1,4}){1,3}$'::text)
);

alter table public.product_releases enable row level security;

comment on table public.product_releases is 'Product releases in order; upgrade steps = positions between from and to.';
comment on column public.product_releases.position is 'Release order (1 = oldest). Omitted (0) = after the newest release.';

revoke all on table public.product_releases from anon, authenticated, service_role;
grant select on table public.product_releases to anon;
grant delete, insert, select, update on table public.product_releases to authenticated;
grant select on table public.product_releases to service_role;

-- schemas/reviews/tables/public.reviews.sql

create table public.reviews (
  id uuid default gen_random_uuid() not null,
  author_id uuid not null,
  author_name text default ''::text not null,
  rating smallint not null,
  title text not null,
  body text not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint reviews_pkey PRIMARY KEY (id),
  constraint reviews_author_id_key UNIQUE (author_id),
  constraint reviews_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.profiles(id) ON DELETE CASCADE,
  constraint reviews_author_name_check CHECK (length(author_name) <= 200),
  constraint reviews_body_check CHECK (length(body) >= 1 AND length(body) <= 5000),
  constraint reviews_rating_check CHECK (rating >= 1 AND rating <= 5),
  constraint reviews_title_check CHECK (length(title) >= 3 AND length(title) <= 120)
);

create index reviews_created_at_idx on public.reviews (created_at DESC);

alter table public.reviews enable row level security;

comment on table public.reviews is 'Product reviews: public to read; written only by submit_review, by purchasers, one each.';
comment on column public.reviews.author_name is 'The author''s public name (app.public_name: display name or ''Customer'', never an e-mail), kept in step with profiles.full_name.';

revoke all on table public.reviews from anon, authenticated, service_role;
grant select on table public.reviews to anon;
grant select on table public.reviews to authenticated;
grant select on table public.reviews to service_role;

-- schemas/tickets/tables/public.ticket_events.sql

create table public.ticket_events (
  id bigint generated always as identity,
  ticket_id uuid not null,
  account_id uuid not null,
  actor_id uuid,
  actor_name text default ''::text not null,
  kind public.ticket_event_kind not null,
  data jsonb default '{}'::jsonb not null,
  internal boolean default false not null,
  created_at timestamp with time zone default clock_timestamp() not null,
  constraint ticket_events_pkey PRIMARY KEY (id),
  constraint ticket_events_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES public.profiles(id) ON DELETE SET NULL,
  constraint ticket_events_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id) ON DELETE CASCADE
);

create index ticket_events_account_id_idx on public.ticket_events (account_id);

create index ticket_events_actor_id_idx on public.ticket_events (actor_id);

create index ticket_events_ticket_id_id_idx on public.ticket_events (ticket_id, id);

alter table public.ticket_events enable row level security;

comment on table public.ticket_events is 'Audit trail of a ticket, written only by SQL functions. Members see non-internal events; staff see all.';
comment on column public.ticket_events.account_id is 'Its ticket''s account, copied by app.log_event so the policy needs no join. No foreign key on purpose: every event would take a KEY SHARE lock on the account, outside app.lock_account''s queue; the ticket''s own key guarantees the account, and app.check_invariants() checks the copy.';
comment on column public.ticket_events.actor_id is 'Who did it; null when Pro Portal did it automatically (e.g. charging a ticket when credits arrived).';
comment on column public.ticket_events.data is 'Facts of the event; exactly the keys app.ticket_event_kinds names for its kind (checked by app.log_event).';

revoke all on table public.ticket_events from anon, authenticated, service_role;
grant select on table public.ticket_events to authenticated;
grant select on table public.ticket_events to service_role;

-- schemas/tickets/tables/public.ticket_messages.sql

create table public.ticket_messages (
  id uuid default gen_random_uuid() not null,
  ticket_id uuid not null,
  account_id uuid not null,
  author_id uuid,
  author_name text default ''::text not null,
  from_staff boolean default false not null,
  body text not null,
  internal boolean default false not null,
  created_at timestamp with time zone default clock_timestamp() not null,
  constraint ticket_messages_pkey PRIMARY KEY (id),
  constraint ticket_messages_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id),
  constraint ticket_messages_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.profiles(id) ON DELETE SET NULL,
  constraint ticket_messages_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id) ON DELETE CASCADE,
  constraint ticket_messages_body_check CHECK (length(body) >= 1 AND length(body) <= 20000)
);

create index ticket_messages_account_id_idx on public.ticket_messages (account_id);

create index ticket_messages_author_id_idx on public.ticket_messages (author_id);

create index ticket_messages_ticket_id_created_at_idx on public.ticket_messages (ticket_id, created_at);

alter table public.ticket_messages enable row level security;

comment on table public.ticket_messages is 'Ticket conversation, written by post_message. Customers never see internal notes.';
comment on column public.ticket_messages.account_id is 'The ticket''s account, copied so the policy needs no join.';
comment on column public.ticket_messages.author_name is 'The author''s name when written (customers cannot read staff profiles).';
comment on column public.ticket_messages.internal is 'Staff-only note: invisible to the customer.';

revoke all on table public.ticket_messages from anon, authenticated, service_role;
grant select on table public.ticket_messages to authenticated;
grant select on table public.ticket_messages to service_role;

-- schemas/accounts/functions/app.check_invariants.sql

create or replace function app.check_invariants()
returns setof text
language sql
stable security definer
set search_path = ''
as $function$
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
$function$;

comment on function app.check_invariants() is 'docs/design.md §4 invariants; returns one text per violation (empty = all hold). For tests (service_role or postgres).';

revoke all on function app.check_invariants() from public, anon, authenticated, service_role;
grant execute on function app.check_invariants() to service_role;

-- schemas/orders/functions/app.checkout_session_of.sql

create or replace function app.checkout_session_of(p_event jsonb)
returns table(session_id text, order_id uuid, payment_status text, amount_total bigint, currency text, payment_id text)
language sql
immutable
set search_path = ''
as $function$
  select
    s->>'id',
    case when r ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then r::uuid end,
    s->>'payment_status',
    case when jsonb_typeof(s->'amount_total') = 'number' and (s->>'amount_total') ~ '^-?[0-9]{1,18}$'
      then (s->>'amount_total')::bigint end,
    lower(s->>'currency'),
    -- The payment intent (a string, or expanded to an object); the session itself for a free checkout.
    coalesce(
      case jsonb_typeof(s->'payment_intent') when 'string' then s->>'payment_intent' when 'object' then s->'payment_intent'->>'id' end,
      s->>'id')
  from (select p_event->'data'->'object' as s) x,
       lateral (select coalesce(s->'metadata'->>'order_id', s->>'client_reference_id') as r) y
$function$;

revoke all on function app.checkout_session_of(jsonb) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.default_pre_approval_ceiling.sql

create or replace function app.default_pre_approval_ceiling()
returns integer
language sql
stable security definer
set search_path = ''
as $function$
  select coalesce(max(c.credits), 20) from public.ticket_categories c
  where c.min_credits is null and c.per_step_credits is null
$function$;

comment on function app.default_pre_approval_ceiling() is 'Default pre-approval ceiling: the price of the dearest fixed category.';

revoke all on function app.default_pre_approval_ceiling() from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.is_waiting_on_customer.sql

create or replace function app.is_waiting_on_customer(p_status public.ticket_status)
returns boolean
language sql
immutable
set search_path = ''
as $function$
  select p_status in ('awaiting_confirmation', 'awaiting_credits')
$function$;

revoke all on function app.is_waiting_on_customer(public.ticket_status) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.is_cancelable.sql

create or replace function app.is_cancelable(p_status public.ticket_status)
returns boolean
language sql
immutable
set search_path = ''
as $function$
  select p_status = 'new' or app.is_waiting_on_customer(p_status)
$function$;

revoke all on function app.is_cancelable(public.ticket_status) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.is_open.sql

create or replace function app.is_open(p_status public.ticket_status)
returns boolean
language sql
immutable
set search_path = ''
as $function$
  select p_status in ('new', 'awaiting_confirmation', 'awaiting_credits', 'in_progress')
$function$;

revoke all on function app.is_open(public.ticket_status) from public, anon, authenticated, service_role;

-- schemas/access/functions/app.looks_like_email.sql

create or replace function app.looks_like_email(p_text text)
returns boolean
language sql
immutable
set search_path = ''
as $function$
  select coalesce(p_text ~ '[^[:space:]@]+@[^[:space:]@]+\.[^[:space:]@]+', false)
$function$;

comment on function app.looks_like_email(text) is 'True when the text contains an e-mail-shaped token; such text is never shown as a public name.';

revoke all on function app.looks_like_email(text) from public, anon, authenticated, service_role;

-- schemas/accounts/functions/app.max_balance.sql

create or replace function app.max_balance()
returns integer
language sql
stable security definer
set search_path = ''
as $function$
  select coalesce((select s.max_balance from app.settings s), 1000000)
$function$;

revoke all on function app.max_balance() from public, anon, authenticated, service_role;

-- schemas/tickets/functions/public.default_pre_approval_ceiling.sql

create or replace function public.default_pre_approval_ceiling()
returns integer
language sql
stable security definer
set search_path = ''
as $function$
  select app.default_pre_approval_ceiling()
$function$;

comment on function public.default_pre_approval_ceiling() is 'Signed-in users: the default pre-approval ceiling in credits (the dearest fixed category).';

revoke all on function public.default_pre_approval_ceiling() from public, anon, authenticated, service_role;
grant execute on function public.default_pre_approval_ceiling() to authenticated;

-- schemas/access/functions/app.check_display_name.sql

create or replace function app.check_display_name()
returns trigger
language plpgsql
security definer
set search_path = ''
as $function$
begin
  if app.looks_like_email(new.full_name) then
    perform app.raise_error('invalid_input', 'Use a name, not an e-mail address: your display name is shown on your reviews.');
  end if;
  new.full_name := btrim(new.full_name);
  return new;
end $function$;

revoke all on function app.check_display_name() from public, anon, authenticated, service_role;

create trigger profiles_check_display_name BEFORE UPDATE OF full_name ON public.profiles FOR EACH ROW WHEN (old.full_name IS DISTINCT FROM new.full_name) EXECUTE FUNCTION app.check_display_name();

-- schemas/access/functions/app.clean_body.sql

create or replace function app.clean_body(p_body text, p_field text default 'The message'::text)
returns text
language plpgsql
stable
set search_path = ''
as $function$
begin
  if p_body is null or length(btrim(p_body)) = 0 or length(p_body) > 20000 then
    perform app.raise_error('invalid_input', format('%s must be between 1 and 20000 characters.', p_field));
  end if;
  return p_body;
end $function$;

revoke all on function app.clean_body(text,text) from public, anon, authenticated, service_role;

-- schemas/access/functions/app.clean_text.sql

create or replace function app.clean_text(p_value text, p_field text, p_min integer, p_max integer)
returns text
language plpgsql
stable
set search_path = ''
as $function$
declare
  v text := btrim(p_value);
begin
  if v is null or length(v) < p_min or length(v) > p_max then
    perform app.raise_error('invalid_input', case
      when p_min = p_max then format('%s must be %s characters.', p_field, p_min)
      else format('%s must be between %s and %s characters.', p_field, p_min, p_max)
    end);
  end if;
  return v;
end $function$;

comment on function app.clean_text(text,text,integer,integer) is 'Trim and length-check user text; raises invalid_input naming the field.';

revoke all on function app.clean_text(text,text,integer,integer) from public, anon, authenticated, service_role;

-- schemas/access/functions/app.display_name.sql

create or replace function app.display_name(p_user_id uuid)
returns text
language plpgsql
stable security definer
set search_path = ''
as $function$
declare
  v_profile public.profiles;
begin
  select * into v_profile from public.profiles p where p.id = p_user_id;
  if v_profile.id is null then
    return '';
  end if;
  if v_profile.role in ('engineer', 'admin') then
    if nullif(btrim(v_profile.full_name), '') is null or app.looks_like_email(v_profile.full_name) then
      return 'Pro Portal support';
    end if;
    return btrim(v_profile.full_name);
  end if;
  return coalesce(nullif(btrim(v_profile.full_name), ''), v_profile.email, '');
end $function$;

comment on function app.display_name(uuid) is 'How a person is named on a ticket: their display name; staff without one are "Pro Portal support", never their e-mail address.';

revoke all on function app.display_name(uuid) from public, anon, authenticated, service_role;

-- schemas/access/functions/app.handle_new_user.sql

create or replace function app.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_name text := left(btrim(coalesce(new.raw_user_meta_data ->> 'full_name', new.raw_user_meta_data ->> 'name', '')), 200);
  v_account_id uuid;
begin
  insert into public.profiles (id, email, full_name)
  values (new.id, coalesce(new.email, ''), v_name);

  insert into public.accounts (name)
  values (left(coalesce(nullif(v_name, ''), nullif(new.email, ''), 'Personal account'), 200))
  returning id into v_account_id;

  insert into public.account_members (account_id, user_id, role)
  values (v_account_id, new.id, 'owner');
  return new;
end $function$;

comment on function app.handle_new_user() is 'AFTER INSERT on auth.users: profile + personal account + owner membership.';

revoke all on function app.handle_new_user() from public, anon, authenticated, service_role;

create trigger on_auth_user_created AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION app.handle_new_user();

-- schemas/access/functions/app.handle_user_email_change.sql

create or replace function app.handle_user_email_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $function$
begin
  update public.profiles set email = coalesce(new.email, '') where id = new.id;
  return new;
end $function$;

revoke all on function app.handle_user_email_change() from public, anon, authenticated, service_role;

create trigger on_auth_user_email_changed AFTER UPDATE OF email ON auth.users FOR EACH ROW WHEN (old.email::text IS DISTINCT FROM new.email::text) EXECUTE FUNCTION app.handle_user_email_change();

-- schemas/access/functions/app.idempotent_result.sql

create or replace function app.idempotent_result(p_key text, p_user_id uuid, p_function text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_call app.idempotent_calls;
begin
  if p_key is null then
    return null;
  end if;
  if length(p_key) not between 8 and 200 or p_key !~ '^[A-Za-z0-9_:.-]+$' then
    perform app.raise_error('invalid_input', 'The idempotency key must be 8–200 letters, digits or -_:. (a fresh UUID per action).');
  end if;
  perform pg_advisory_xact_lock(2, hashtext(p_key));
  select * into v_call from app.idempotent_calls c where c.key = p_key;
  if v_call.key is null then
    return null;
  end if;
  if v_call.user_id <> p_user_id or v_call.function_name <> p_function then
    perform app.raise_error('invalid_input', 'This idempotency key was already used for another action; send a fresh one.');
  end if;
  return v_call.result;
end $function$;

revoke all on function app.idempotent_result(text,uuid,text) from public, anon, authenticated, service_role;

-- schemas/access/functions/app.is_admin.sql

create or replace function app.is_admin()
returns boolean
language plpgsql
stable security definer
set search_path = ''
as $function$
begin
  return coalesce(
    (select p.role = 'admin' from public.profiles p where p.id = (select auth.uid())),
    false
  );
end $function$;

comment on function app.is_admin() is 'Caller is admin. Wrap as (select app.is_admin()) in policies.';

revoke all on function app.is_admin() from public, anon, authenticated, service_role;
grant execute on function app.is_admin() to authenticated;
grant execute on function app.is_admin() to service_role;

-- schemas/access/functions/app.is_staff.sql

create or replace function app.is_staff()
returns boolean
language plpgsql
stable security definer
set search_path = ''
as $function$
begin
  return coalesce(
    (select p.role in ('engineer', 'admin') from public.profiles p where p.id = (select auth.uid())),
    false
  );
end $function$;

comment on function app.is_staff() is 'Caller is engineer or admin. Wrap as (select app.is_staff()) in policies.';

revoke all on function app.is_staff() from public, anon, authenticated, service_role;
grant execute on function app.is_staff() to authenticated;
grant execute on function app.is_staff() to service_role;

-- schemas/access/functions/app.public_name.sql

create or replace function app.public_name(p_user_id uuid)
returns text
language plpgsql
stable security definer
set search_path = ''
as $function$
declare
  v_name text := (select btrim(p.full_name) from public.profiles p where p.id = p_user_id);
begin
  if v_name is null or v_name = '' or app.looks_like_email(v_name) then
    return 'Customer';
  end if;
  return v_name;
end $function$;

comment on function app.public_name(uuid) is 'Display name for public pages (reviews): full_name, else ''Customer''. Never the e-mail address, unlike app.display_name.';

revoke all on function app.public_name(uuid) from public, anon, authenticated, service_role;

-- schemas/access/functions/app.raise_error.sql

create or replace function app.raise_error(p_code text, p_detail text)
returns void
language plpgsql
set search_path = ''
as $function$
begin
  raise exception using
    errcode = case p_code
      when 'invalid_input' then '22023'
      when 'forbidden' then '42501'
      when 'not_found' then 'PT404'
      when 'invalid_state' then 'PT409'
      when 'insufficient_credits' then 'PT402'
      when 'purchase_required' then 'PT403'
      else 'XX000'
    end,
    message = p_code,
    detail = p_detail;
end $function$;

comment on function app.raise_error(text,text) is 'Raise a docs/design.md §5 error: invalid_input 22023, forbidden 42501, not_found PT404, invalid_state PT409, insufficient_credits PT402, purchase_required PT403.';

revoke all on function app.raise_error(text,text) from public, anon, authenticated, service_role;

-- schemas/access/functions/app.remember_result.sql

create or replace function app.remember_result(p_key text, p_user_id uuid, p_function text, p_result jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $function$
begin
  if p_key is not null then
    insert into app.idempotent_calls (key, user_id, function_name, result) values (p_key, p_user_id, p_function, p_result);
  end if;
end $function$;

revoke all on function app.remember_result(text,uuid,text,jsonb) from public, anon, authenticated, service_role;

-- schemas/access/functions/app.require_admin.sql

create or replace function app.require_admin()
returns uuid
language plpgsql
stable security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
begin
  if not app.is_admin() then
    perform app.raise_error('forbidden', 'Only administrators can do this.');
  end if;
  return v_uid;
end $function$;

revoke all on function app.require_admin() from public, anon, authenticated, service_role;

-- schemas/access/functions/app.require_staff.sql

create or replace function app.require_staff()
returns uuid
language plpgsql
stable security definer
set search_path = ''
as $function$
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
end $function$;

revoke all on function app.require_staff() from public, anon, authenticated, service_role;

-- schemas/access/functions/app.require_user.sql

create or replace function app.require_user()
returns uuid
language plpgsql
stable security definer
set search_path = ''
as $function$
declare
  v_uid uuid := auth.uid();
begin
  if v_uid is null or not exists (select 1 from public.profiles where id = v_uid) then
    perform app.raise_error('forbidden', 'Sign in to do this.');
  end if;
  return v_uid;
end $function$;

revoke all on function app.require_user() from public, anon, authenticated, service_role;

-- schemas/access/functions/app.touch_updated_at.sql

create or replace function app.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $function$
begin
  new.updated_at := now();
  return new;
end $function$;

comment on function app.touch_updated_at() is 'BEFORE UPDATE trigger: set updated_at = now().';

revoke all on function app.touch_updated_at() from public, anon, authenticated, service_role;

create trigger accounts_touch_updated_at BEFORE UPDATE ON public.accounts FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger credit_packages_touch_updated_at BEFORE UPDATE ON public.credit_packages FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger orders_touch_updated_at BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger product_releases_touch_updated_at BEFORE UPDATE ON public.product_releases FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger profiles_touch_updated_at BEFORE UPDATE ON public.profiles FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger reviews_touch_updated_at BEFORE UPDATE ON public.reviews FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger ticket_categories_touch_updated_at BEFORE UPDATE ON public.ticket_categories FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger tickets_touch_updated_at BEFORE UPDATE ON public.tickets FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- schemas/access/functions/public.set_user_role.sql

create or replace function public.set_user_role(p_user_id uuid, p_role public.app_role)
returns public.profiles
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_admin();
  v_profile public.profiles;
begin
  if p_user_id is null or p_role is null then
    perform app.raise_error('invalid_input', 'Choose a person and a role.');
  end if;
  if p_user_id = v_uid then
    perform app.raise_error('invalid_state', 'You cannot change your own role; ask another administrator.');
  end if;
  update public.profiles set role = p_role where id = p_user_id returning * into v_profile;
  if v_profile.id is null then
    perform app.raise_error('not_found', 'There is no such person.');
  end if;
  return v_profile;
end $function$;

comment on function public.set_user_role(uuid,public.app_role) is 'Admin only: set another person''s role. Returns the profile.';

revoke all on function public.set_user_role(uuid,public.app_role) from public, anon, authenticated, service_role;
grant execute on function public.set_user_role(uuid,public.app_role) to authenticated;

-- schemas/accounts/functions/app.lock_account.sql

create or replace function app.lock_account(p_account_id uuid)
returns public.accounts
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_account public.accounts;
begin
  perform pg_advisory_xact_lock(1, hashtext(p_account_id::text));
  select * into v_account from public.accounts a where a.id = p_account_id for no key update;
  return v_account;
end $function$;

comment on function app.lock_account(uuid) is 'Lock a customer account (advisory FIFO queue, then the row) until the transaction ends; returns the locked row.';

revoke all on function app.lock_account(uuid) from public, anon, authenticated, service_role;

-- schemas/accounts/functions/app.my_account_ids.sql

create or replace function app.my_account_ids()
returns setof uuid
language plpgsql
stable security definer
set search_path = ''
as $function$
begin
  return query select m.account_id from public.account_members m where m.user_id = (select auth.uid());
end $function$;

comment on function app.my_account_ids() is 'Account ids the caller is a member of. Use as account_id = any (array(select app.my_account_ids())).';

revoke all on function app.my_account_ids() from public, anon, authenticated, service_role;
grant execute on function app.my_account_ids() to authenticated;
grant execute on function app.my_account_ids() to service_role;

-- schemas/accounts/functions/app.personal_account_id.sql

create or replace function app.personal_account_id(p_user_id uuid)
returns uuid
language plpgsql
stable security definer
set search_path = ''
as $function$
begin
  return (
    select m.account_id from public.account_members m
    where m.user_id = p_user_id and m.role = 'owner'
    order by m.created_at, m.account_id
    limit 1
  );
end $function$;

revoke all on function app.personal_account_id(uuid) from public, anon, authenticated, service_role;

-- schemas/accounts/functions/app.reject_ledger_change.sql

create or replace function app.reject_ledger_change()
returns trigger
language plpgsql
set search_path = ''
as $function$
begin
  perform app.raise_error('forbidden', format(
    'The ledger is append-only (%s on %s refused): correct a mistake with a reversing transfer.', tg_op, tg_table_name
  ));
  return null;
end $function$;

comment on function app.reject_ledger_change() is 'Trigger: refuse UPDATE/DELETE/TRUNCATE on ledger tables.';

revoke all on function app.reject_ledger_change() from public, anon, authenticated, service_role;

create trigger credit_entries_append_only BEFORE DELETE OR UPDATE ON public.credit_entries FOR EACH ROW EXECUTE FUNCTION app.reject_ledger_change();

create trigger credit_entries_no_truncate BEFORE TRUNCATE ON public.credit_entries FOR EACH STATEMENT EXECUTE FUNCTION app.reject_ledger_change();

create trigger credit_transfers_append_only BEFORE DELETE OR UPDATE ON public.credit_transfers FOR EACH ROW EXECUTE FUNCTION app.reject_ledger_change();

create trigger credit_transfers_no_truncate BEFORE TRUNCATE ON public.credit_transfers FOR EACH STATEMENT EXECUTE FUNCTION app.reject_ledger_change();

-- schemas/accounts/functions/app.system_account_id.sql

create or replace function app.system_account_id(p_code text)
returns uuid
language plpgsql
stable security definer
set search_path = ''
as $function$
begin
  return (select a.id from public.accounts a where a.system_code = p_code);
end $function$;

revoke all on function app.system_account_id(text) from public, anon, authenticated, service_role;

-- schemas/accounts/functions/app.transfer.sql

create or replace function app.transfer(p_from uuid, p_to uuid, p_amount integer, p_kind public.credit_transfer_kind, p_key text, p_created_by uuid, p_allow_negative boolean default false, p_note text default NULL::text, p_reference app.transfer_reference default NULL::app.transfer_reference, p_id uuid default NULL::uuid)
returns public.credit_transfers
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

comment on function app.transfer(uuid,uuid,integer,public.credit_transfer_kind,text,uuid,boolean,text,app.transfer_reference,uuid) is 'Post one idempotent double-entry transfer; the only writer of credit_transfers, credit_entries and accounts.balance. Only a system sender may go negative, and only when the caller allows it.';

revoke all on function app.transfer(uuid,uuid,integer,public.credit_transfer_kind,text,uuid,boolean,text,app.transfer_reference,uuid) from public, anon, authenticated, service_role;

-- schemas/accounts/functions/public.adjust_credits.sql

create or replace function public.adjust_credits(p_account_id uuid, p_amount integer, p_note text, p_idempotency_key text)
returns public.credit_transfers
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

comment on function public.adjust_credits(uuid,integer,text,text) is 'Admin: add (+) or remove (−) credits with a note (3–500) and an idempotency key; cannot overdraw or exceed the maximum balance. A repeated key returns the first transfer.';

revoke all on function public.adjust_credits(uuid,integer,text,text) from public, anon, authenticated, service_role;
grant execute on function public.adjust_credits(uuid,integer,text,text) to authenticated;

-- schemas/catalogue/functions/app.assessed_versions.sql

create or replace function app.assessed_versions(p_ticket public.tickets, p_category public.ticket_categories, p_from text, p_to text)
returns public.tickets
language plpgsql
stable security definer
set search_path = ''
as $function$
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
end $function$;

revoke all on function app.assessed_versions(public.tickets,public.ticket_categories,text,text) from public, anon, authenticated, service_role;

-- schemas/catalogue/functions/app.category.sql

create or replace function app.category(p_code text)
returns public.ticket_categories
language plpgsql
stable security definer
set search_path = ''
as $function$
declare
  v_category public.ticket_categories;
begin
  select * into v_category from public.ticket_categories c where c.code = p_code;
  if v_category.code is null then
    perform app.raise_error('invalid_input', format('There is no category %s.', coalesce(p_code, '(none)')));
  end if;
  return v_category;
end $function$;

revoke all on function app.category(text) from public, anon, authenticated, service_role;

-- schemas/catalogue/functions/app.default_release_position.sql

create or replace function app.default_release_position()
returns trigger
language plpgsql
security definer
set search_path = ''
as $function$
begin
  if new.position is null or new.position = 0 then
    select coalesce(max(r.position), 0) + 1 into new.position from public.product_releases r;
  end if;
  return new;
end $function$;

revoke all on function app.default_release_position() from public, anon, authenticated, service_role;

create trigger product_releases_default_position BEFORE INSERT ON public.product_releases FOR EACH ROW EXECUTE FUNCTION app.default_release_position();

-- schemas/catalogue/functions/app.price_for.sql

create or replace function app.price_for(p_category public.ticket_categories, p_credits integer, p_upgrade_from text, p_upgrade_to text)
returns integer
language plpgsql
stable security definer
set search_path = ''
as $function$
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
end $function$;

comment on function app.price_for(public.ticket_categories,integer,text,text) is 'Price of a ticket in a category (validates the engineer''s proposed credits).';

revoke all on function app.price_for(public.ticket_categories,integer,text,text) from public, anon, authenticated, service_role;

-- schemas/catalogue/functions/public.move_release.sql

create or replace function public.move_release(p_version text, p_direction text)
returns setof public.product_releases
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_version text := btrim(p_version);
  v_moved public.product_releases;
  v_neighbour public.product_releases;
  v_free integer;
begin
  perform app.require_admin();
  if v_version is null or v_version = '' then
    perform app.raise_error('invalid_input', 'Choose a release to move.');
  end if;
  if p_direction is null or p_direction not in ('up', 'down') then
    perform app.raise_error('invalid_input', 'Move a release up or down.');
  end if;

  lock table public.product_releases in share row exclusive mode;

  select * into v_moved from public.product_releases r where r.version = v_version;
  if v_moved.version is null then
    perform app.raise_error('not_found', format('There is no release %s.', v_version));
  end if;

  if p_direction = 'up' then
    select * into v_neighbour from public.product_releases r
    where r.position < v_moved.position order by r.position desc limit 1;
  else
    select * into v_neighbour from public.product_releases r
    where r.position > v_moved.position order by r.position limit 1;
  end if;
  if v_neighbour.version is null then
    perform app.raise_error('invalid_state', format(
      '%s is already the %s release.', v_moved.version, case p_direction when 'up' then 'first' else 'last' end
    ));
  end if;

  select max(r.position) + 1 into v_free from public.product_releases r;
  update public.product_releases set position = v_free where version = v_moved.version;
  update public.product_releases set position = v_moved.position where version = v_neighbour.version;
  update public.product_releases set position = v_neighbour.position where version = v_moved.version;

  return query
    select * from public.product_releases r
    where r.version in (v_moved.version, v_neighbour.version)
    order by r.position;
end $function$;

comment on function public.move_release(text,text) is 'Admin only: move a release one place up (earlier) or down (later) in release order, atomically. Returns the two swapped releases.';

revoke all on function public.move_release(text,text) from public, anon, authenticated, service_role;
grant execute on function public.move_release(text,text) to authenticated;

-- schemas/catalogue/functions/public.upgrade_cost.sql

create or replace function public.upgrade_cost(p_from text, p_to text)
returns integer
language plpgsql
stable
set search_path = ''
as $function$
declare
  v_from integer;
  v_to integer;
  v_category public.ticket_categories;
begin
  if p_from is null or p_to is null or btrim(p_from) = '' or btrim(p_to) = '' then
    raise exception using errcode = '22023', message = 'invalid_input', detail = 'Give both versions.';
  end if;
  select r.position into v_from from public.product_releases r where r.version = btrim(p_from);
  if v_from is null then
    raise exception using errcode = '22023', message = 'invalid_input', detail = format('Unknown version %s.', btrim(p_from));
  end if;
  select r.position into v_to from public.product_releases r where r.version = btrim(p_to);
  if v_to is null then
    raise exception using errcode = '22023', message = 'invalid_input', detail = format('Unknown version %s.', btrim(p_to));
  end if;
  if v_to <= v_from then
    raise exception using errcode = '22023', message = 'invalid_input', detail = format('%s is not after %s.', btrim(p_to), btrim(p_from));
  end if;
  select * into v_category from public.ticket_categories c where c.code = 'upgrade';
  if v_category.code is null or v_category.per_step_credits is null then
    raise exception using errcode = 'PT409', message = 'invalid_state', detail = 'Upgrade pricing is not configured.';
  end if;
  return v_category.credits
    + v_category.per_step_credits * greatest(0, (select count(*)::integer from public.product_releases r
                                                  where r.position > v_from and r.position <= v_to) - v_category.included_steps);
end $function$;

comment on function public.upgrade_cost(text,text) is 'Credits for an upgrade between two releases (anyone may call). 4.3.1 -> 4.3.9 = 50 with the seed.';

revoke all on function public.upgrade_cost(text,text) from public, anon, authenticated, service_role;
grant execute on function public.upgrade_cost(text,text) to anon;
grant execute on function public.upgrade_cost(text,text) to authenticated;
grant execute on function public.upgrade_cost(text,text) to service_role;

-- schemas/notifications/functions/app.notify.sql

create or replace function app.notify(p_user_id uuid, p_kind text, p_title text, p_body text, p_ticket_id uuid default NULL::uuid, p_data jsonb default '{}'::jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $function$
begin
  if p_user_id is not null then
    insert into public.notifications (user_id, kind, title, body, ticket_id, data)
    values (p_user_id, p_kind, p_title, p_body, p_ticket_id, coalesce(p_data, '{}'));
  end if;
end $function$;

comment on function app.notify(uuid,text,text,text,uuid,jsonb) is 'Insert a notification for one user.';

revoke all on function app.notify(uuid,text,text,text,uuid,jsonb) from public, anon, authenticated, service_role;

-- schemas/notifications/functions/app.notify_account.sql

create or replace function app.notify_account(p_account_id uuid, p_kind text, p_title text, p_body text, p_data jsonb default '{}'::jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $function$
begin
  insert into public.notifications (user_id, kind, title, body, data)
  select m.user_id, p_kind, p_title, p_body, coalesce(p_data, '{}')
  from public.account_members m
  where m.account_id = p_account_id;
end $function$;

comment on function app.notify_account(uuid,text,text,text,jsonb) is 'Insert a notification for every member of an account.';

revoke all on function app.notify_account(uuid,text,text,text,jsonb) from public, anon, authenticated, service_role;

-- schemas/notifications/functions/app.notify_credits_needed.sql

create or replace function app.notify_credits_needed(p_ticket public.tickets, p_amount integer, p_balance integer)
returns void
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_waiting jsonb;
  v_count integer;
  v_due bigint;
  v_title text;
  v_body text;
  v_data jsonb;
  v_ticket_id uuid;
  v_notice uuid;
begin
  if p_ticket.created_by is null then
    return;
  end if;
  select coalesce(jsonb_agg(jsonb_build_object(
           'ticket_id', t.id, 'number', t.number, 'subject', t.subject, 'credits', t.quoted_credits - t.charged_credits)
           order by t.created_at, t.number), '[]'),
         count(*), coalesce(sum(t.quoted_credits - t.charged_credits), 0)
  into v_waiting, v_count, v_due
  from public.tickets t
  where t.account_id = p_ticket.account_id and t.created_by = p_ticket.created_by and t.status = 'awaiting_credits';

  if v_count <= 1 then
    v_title := format('Ticket #%s needs %s more credits', p_ticket.number, p_amount - p_balance);
    v_body := format('Ticket #%s costs %s credits and your balance is %s. Add %s credits and it will be charged automatically.',
      p_ticket.number, p_amount, p_balance, p_amount - p_balance);
    v_data := jsonb_build_object('credits', p_amount, 'balance', p_balance, 'missing', p_amount - p_balance);
    v_ticket_id := p_ticket.id;
  else
    v_title := format('%s tickets need %s more credits', v_count, greatest(v_due - p_balance, 1));
    v_body := format('Waiting for credits: %s%s. Together they cost %s credits and your balance is %s. Add %s credits and they will be charged automatically, oldest first.',
      (select string_agg(format('#%s "%s" (%s credits)', w.value->>'number', w.value->>'subject', w.value->>'credits'), ', ' order by w.n)
         from jsonb_array_elements(v_waiting) with ordinality w(value, n) where w.n <= 10),
      case when v_count > 10 then format(' and %s more', v_count - 10) else '' end,
      v_due, p_balance, greatest(v_due - p_balance, 1));
    v_data := jsonb_build_object('tickets', v_waiting, 'credits', v_due, 'balance', p_balance, 'missing', greatest(v_due - p_balance, 1));
    v_ticket_id := null;
  end if;

  select n.id into v_notice from public.notifications n
  where n.user_id = p_ticket.created_by and n.kind = 'credits_needed' and n.read_at is null
  order by n.created_at desc
  limit 1
  for update;
  if v_notice is null then
    perform app.notify(p_ticket.created_by, 'credits_needed', v_title, left(v_body, 4000), v_ticket_id, v_data);
  else
    update public.notifications
    set title = v_title, body = left(v_body, 4000), data = v_data, ticket_id = v_ticket_id, created_at = clock_timestamp()
    where id = v_notice;
  end if;
end $function$;

comment on function app.notify_credits_needed(public.tickets,integer,integer) is 'One unread credits_needed notice per person, listing their tickets waiting for credits.';

revoke all on function app.notify_credits_needed(public.tickets,integer,integer) from public, anon, authenticated, service_role;

-- schemas/notifications/functions/app.notify_low_balance.sql

create or replace function app.notify_low_balance(p_transfer public.credit_transfers)
returns void
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

comment on function app.notify_low_balance(public.credit_transfers) is 'After a debit of a customer account: the low_balance notice when it crossed the account''s threshold.';

revoke all on function app.notify_low_balance(public.credit_transfers) from public, anon, authenticated, service_role;

-- schemas/notifications/functions/public.mark_notifications_read.sql

create or replace function public.mark_notifications_read(p_ids uuid[] default NULL::uuid[])
returns integer
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_count integer;
begin
  if p_ids is not null and cardinality(p_ids) > 1000 then
    perform app.raise_error('invalid_input', 'Mark at most 1000 notifications at a time.');
  end if;
  update public.notifications n
  set read_at = now()
  where n.user_id = v_uid
    and n.read_at is null
    and (p_ids is null or n.id = any (p_ids));
  get diagnostics v_count = row_count;
  return v_count;
end $function$;

comment on function public.mark_notifications_read(uuid[]) is 'Mark the caller''s notifications read (all unread when p_ids is null). Returns the number marked.';

revoke all on function public.mark_notifications_read(uuid[]) from public, anon, authenticated, service_role;
grant execute on function public.mark_notifications_read(uuid[]) to authenticated;

-- schemas/orders/functions/app.guard_order.sql

create or replace function app.guard_order()
returns trigger
language plpgsql
security definer
set search_path = ''
as $function$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'pending' or new.paid_at is not null or new.provider_payment_id is not null then
      perform app.raise_error('invalid_input', 'New orders are pending; payment is recorded by service_role_fulfil_order.');
    end if;
    if new.user_id is null or not exists (
      select 1 from public.account_members m where m.account_id = new.account_id and m.user_id = new.user_id
    ) then
      perform app.raise_error('invalid_input', 'The buyer must be a member of the account credited.');
    end if;
    return new;
  end if;

  if (new.id, new.account_id, new.package_id, new.credits, new.amount_cents, new.currency, new.created_at)
     is distinct from (old.id, old.account_id, old.package_id, old.credits, old.amount_cents, old.currency, old.created_at)
     or (new.user_id is distinct from old.user_id and new.user_id is not null) then
    perform app.raise_error('forbidden', 'What an order bought and its price never change.');
  end if;
  if new.status is distinct from old.status
     or new.paid_at is distinct from old.paid_at
     or new.provider_payment_id is distinct from old.provider_payment_id then
    if coalesce(current_setting('app.order_payment', true), '') <> new.id::text then
      perform app.raise_error('forbidden', 'Order status changes only through service_role_fulfil_order or service_role_fail_order.');
    end if;
    if old.status = 'paid' then
      perform app.raise_error('invalid_state', 'A paid order stays paid.');
    end if;
    if new.status = 'paid' and not exists (
      select 1 from public.credit_transfers t where t.order_id = new.id and t.kind = 'purchase'
    ) then
      perform app.raise_error('invalid_state', 'A paid order needs its purchase transfer.');
    end if;
  end if;
  return new;
end $function$;

revoke all on function app.guard_order() from public, anon, authenticated, service_role;

create trigger orders_guard BEFORE INSERT OR UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION app.guard_order();

-- schemas/orders/functions/public.admin_mark_order_refunded.sql

create or replace function public.admin_mark_order_refunded(p_order_id uuid, p_note text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_admin();
  v_note text := app.clean_text(p_note, 'The note', 3, 500);
  v_order public.orders;
begin
  select * into v_order from public.orders o where o.id = p_order_id for no key update;
  if v_order.id is null then
    perform app.raise_error('not_found', 'There is no such order.');
  end if;
  if not v_order.refund_due then
    perform app.raise_error('invalid_state', 'This order has nothing to refund: only a paid order that could not be credited does.');
  end if;
  if v_order.refunded_at is not null then
    return v_order;
  end if;
  update public.orders set refunded_at = now(), refunded_by = v_uid, refund_note = v_note
  where id = v_order.id returning * into v_order;
  return v_order;
end $function$;

comment on function public.admin_mark_order_refunded(uuid,text) is 'Admin: record the refund of a paid order that could not be credited (refund_due), with a note (3–500).';

revoke all on function public.admin_mark_order_refunded(uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.admin_mark_order_refunded(uuid,text) to authenticated;

-- schemas/orders/functions/public.admin_resolve_payment_event.sql

create or replace function public.admin_resolve_payment_event(p_event_id text, p_note text)
returns public.payment_events
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_admin();
  v_note text := app.clean_text(p_note, 'The note', 3, 500);
  v_event public.payment_events;
begin
  select * into v_event from public.payment_events e where e.id = p_event_id for update;
  if v_event.id is null then
    perform app.raise_error('not_found', 'There is no such payment event.');
  end if;
  if v_event.problem is null then
    perform app.raise_error('invalid_state', 'This payment event was applied normally; there is nothing to resolve.');
  end if;
  if v_event.resolved_at is not null then
    return v_event;
  end if;
  update public.payment_events set resolved_at = now(), resolved_by = v_uid, resolution_note = v_note
  where id = v_event.id returning * into v_event;
  return v_event;
end $function$;

comment on function public.admin_resolve_payment_event(text,text) is 'Admin: mark a payment event''s problem resolved, with a note (3–500).';

revoke all on function public.admin_resolve_payment_event(text,text) from public, anon, authenticated, service_role;
grant execute on function public.admin_resolve_payment_event(text,text) to authenticated;

-- schemas/orders/functions/public.record_payment_event.sql

create or replace function public.record_payment_event(p_event jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_id text := p_event->>'id';
  v_type text := p_event->>'type';
  v_event public.payment_events;
  v_session_id text;
  v_order_id uuid;
  v_payment_status text;
  v_amount bigint;
  v_currency text;
  v_payment_id text;
  v_order public.orders;
  v_crediting boolean;
  v_outcome text;
  v_detail text;
begin
  if jsonb_typeof(p_event) is distinct from 'object' or coalesce(length(v_id), 0) not between 1 and 255
     or coalesce(length(v_type), 0) not between 1 and 255 then
    perform app.raise_error('invalid_input', 'A payment event is a JSON object with an id and a type (1–255 characters each).');
  end if;

  insert into public.payment_events (id, type, payload) values (v_id, v_type, p_event)
  on conflict (id) do nothing
  returning * into v_event;
  if v_event.id is null then
    select * into v_event from public.payment_events e where e.id = v_id for update;
    if v_event.processed_at is not null then
      return jsonb_build_object('outcome', 'duplicate', 'order_id', v_event.order_id, 'order_status', null,
        'detail', format('Event %s was processed at %s.', v_id, v_event.processed_at));
    end if;
  end if;

  if v_type not in ('checkout.session.completed', 'checkout.session.async_payment_succeeded',
                    'checkout.session.async_payment_failed', 'checkout.session.expired') then
    v_outcome := 'ignored';
    v_detail := format('Event type %s is not used.', v_type);
  else
    select * into v_session_id, v_order_id, v_payment_status, v_amount, v_currency, v_payment_id
    from app.checkout_session_of(p_event);
    v_crediting := v_type in ('checkout.session.completed', 'checkout.session.async_payment_succeeded');
    if v_order_id is null then
      -- Another app on the same Stripe account, or a session made by hand: not ours to act on.
      v_outcome := 'ignored';
      v_detail := format('The session %s carries no order id.', coalesce(v_session_id, '(none)'));
    elsif v_type = 'checkout.session.completed' and v_payment_status is distinct from 'paid' then
      -- Delayed methods (bank debits) complete unpaid; async_payment_succeeded or _failed follows.
      v_outcome := 'ignored';
      v_detail := format('The session %s completed %s.', v_session_id, coalesce(v_payment_status, 'without a payment status'));
    else
      select * into v_order from public.orders o where o.id = v_order_id for no key update;
      v_outcome := 'mismatch';
      if v_order.id is null then
        v_detail := format('The session %s names an order that does not exist.', v_session_id);
      elsif v_order.provider_session_id is distinct from v_session_id then
        v_detail := format('The session %s is not the checkout session stored on order %s (%s).',
          v_session_id, v_order.id, coalesce(v_order.provider_session_id, 'none'));
      elsif v_crediting and v_amount is distinct from v_order.amount_cents then
        v_detail := format('The session %s is for %s minor units, but order %s costs %s.',
          v_session_id, coalesce(v_amount::text, 'no'), v_order.id, v_order.amount_cents);
      elsif v_crediting and v_currency is distinct from v_order.currency then
        v_detail := format('The session %s is in %s, but order %s is in %s.',
          v_session_id, coalesce(v_currency, 'no currency'), v_order.id, v_order.currency);
      elsif v_crediting then
        v_order := public.service_role_fulfil_order(v_order.id, v_payment_id);
        v_outcome := 'fulfilled';
        v_detail := case when v_order.refund_due then v_order.failure_reason end;
      elsif v_order.status = 'paid' then
        -- Stripe expires a session after 24 hours; a paid order stays paid.
        v_outcome := 'refused';
        v_detail := format('Order %s is already paid; the %s event changes nothing.', v_order.id, v_type);
      else
        v_order := public.service_role_fail_order(v_order.id, case v_type
          when 'checkout.session.async_payment_failed' then 'The payment failed.'
          else 'The checkout session expired before it was paid.' end);
        v_outcome := 'failed';
        v_detail := v_order.failure_reason;
      end if;
    end if;
  end if;

  update public.payment_events
  set processed_at = now(),
      order_id = coalesce(v_order_id, order_id),
      problem = case when v_outcome = 'mismatch' then left(v_detail, 1000) else problem end
  where id = v_id;
  return jsonb_build_object('outcome', v_outcome, 'order_id', v_order_id, 'order_status', v_order.status, 'detail', v_detail);
end $function$;

comment on function public.record_payment_event(jsonb) is 'Service role (payment webhooks): apply a verified provider event once; returns {outcome: duplicate | ignored | mismatch | fulfilled | failed | refused, order_id, order_status, detail}.';

revoke all on function public.record_payment_event(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.record_payment_event(jsonb) to service_role;

-- schemas/orders/functions/public.service_role_fail_order.sql

create or replace function public.service_role_fail_order(p_order_id uuid, p_reason text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_order public.orders;
  v_reason text := app.clean_text(p_reason, 'The reason', 1, 500);
begin
  if p_order_id is null then
    perform app.raise_error('invalid_input', 'Give the order id.');
  end if;
  select * into v_order from public.orders o where o.id = p_order_id for no key update;
  if v_order.id is null then
    perform app.raise_error('not_found', 'There is no such order.');
  end if;
  if v_order.status = 'failed' then
    return v_order;
  end if;
  if v_order.status = 'paid' then
    perform app.raise_error('invalid_state', 'This order is already paid.');
  end if;
  perform set_config('app.order_payment', v_order.id::text, true);
  update public.orders set status = 'failed', failure_reason = v_reason where id = v_order.id returning * into v_order;
  perform set_config('app.order_payment', '', true);
  return v_order;
end $function$;

comment on function public.service_role_fail_order(uuid,text) is 'Service role: mark a pending order failed (reason 1–500). Idempotent for failed orders; refuses paid ones.';

revoke all on function public.service_role_fail_order(uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.service_role_fail_order(uuid,text) to service_role;

-- schemas/orders/functions/public.service_role_fulfil_order.sql

create or replace function public.service_role_fulfil_order(p_order_id uuid, p_provider_payment_id text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

comment on function public.service_role_fulfil_order(uuid,text) is 'Service role: mark an order paid and issue its credits (once; a second call returns the order unchanged). Beyond the maximum balance the order fails with refund_due.';

revoke all on function public.service_role_fulfil_order(uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.service_role_fulfil_order(uuid,text) to service_role;

-- schemas/orders/functions/public.service_role_open_order.sql

create or replace function public.service_role_open_order(p_user_id uuid, p_package_id uuid, p_provider text)
returns public.orders
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_package public.credit_packages;
  v_account_id uuid;
  v_order public.orders;
begin
  if p_user_id is null or p_package_id is null then
    perform app.raise_error('invalid_input', 'Give the buyer and the package.');
  end if;
  if p_provider is null or p_provider not in ('test', 'stripe') then
    perform app.raise_error('invalid_input', 'The payment provider is "test" or "stripe".');
  end if;
  select * into v_package from public.credit_packages p where p.id = p_package_id;
  if v_package.id is null then
    perform app.raise_error('not_found', 'There is no such credit package.');
  end if;
  if not v_package.active then
    perform app.raise_error('invalid_state', format('The %s package is no longer on sale.', v_package.name));
  end if;
  v_account_id := app.personal_account_id(p_user_id);
  if v_account_id is null then
    perform app.raise_error('forbidden', 'Your sign-in has no credit account to add credits to. Please contact support.');
  end if;

  for attempt in 1..5 loop
    select * into v_order from public.orders o
    where o.account_id = v_account_id and o.package_id = p_package_id and o.status = 'pending'
    for no key update;
    if v_order.id is not null then
      if v_order.user_id = p_user_id and v_order.provider = p_provider
         and (v_order.credits, v_order.amount_cents, v_order.currency) = (v_package.credits, v_package.price_cents, v_package.currency)
         and v_order.created_at > now() - interval '15 minutes' then
        return v_order;
      end if;
      perform public.service_role_fail_order(v_order.id, 'Replaced by a newer checkout of the same package.');
    end if;

    insert into public.orders (account_id, user_id, package_id, credits, amount_cents, currency, provider)
    values (v_account_id, p_user_id, p_package_id, v_package.credits, v_package.price_cents, v_package.currency, p_provider)
    on conflict (account_id, package_id) where status = 'pending' do nothing
    returning * into v_order;
    if v_order.id is not null then
      return v_order;
    end if;
    -- Another checkout inserted the open order first (and has committed): look again and take it.
  end loop;
  -- Not a state of the package or the order: a 500 the customer may retry, not a refusal in words.
  raise exception 'service_role_open_order: checkouts of package % for account % kept colliding', p_package_id, v_account_id;
end $function$;

comment on function public.service_role_open_order(uuid,uuid,text) is 'Service role: the one pending order of the buyer''s own account for a package (reused for 15 minutes by the same buyer, else replaced); refuses unknown packages (not_found), packages off sale (invalid_state) and buyers without a wallet (forbidden).';

revoke all on function public.service_role_open_order(uuid,uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.service_role_open_order(uuid,uuid,text) to service_role;

-- schemas/reviews/functions/app.sync_review_author_name.sql

create or replace function app.sync_review_author_name()
returns trigger
language plpgsql
security definer
set search_path = ''
as $function$
begin
  update public.reviews r set author_name = app.public_name(new.id)
  where r.author_id = new.id and r.author_name is distinct from app.public_name(new.id);
  return null;
end $function$;

revoke all on function app.sync_review_author_name() from public, anon, authenticated, service_role;

create trigger profiles_sync_review_author_name AFTER UPDATE OF full_name ON public.profiles FOR EACH ROW WHEN (old.full_name IS DISTINCT FROM new.full_name) EXECUTE FUNCTION app.sync_review_author_name();

-- schemas/reviews/functions/public.submit_review.sql

create or replace function public.submit_review(p_rating integer, p_title text, p_body text)
returns public.reviews
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_title text := app.clean_text(p_title, 'The title', 3, 120);
  v_body text := app.clean_text(p_body, 'The review', 1, 5000);
  v_review public.reviews;
begin
  if p_rating is null or p_rating < 1 or p_rating > 5 then
    perform app.raise_error('invalid_input', 'Give a rating from 1 to 5 stars.');
  end if;
  if not exists (select 1 from public.orders o where o.user_id = v_uid and o.status = 'paid') then
    perform app.raise_error('purchase_required', 'Only customers who have bought a credit package can review Pro Portal.');
  end if;
  insert into public.reviews as r (author_id, author_name, rating, title, body)
  values (v_uid, app.public_name(v_uid), p_rating, v_title, v_body)
  on conflict (author_id) do update
    set author_name = excluded.author_name, rating = excluded.rating, title = excluded.title, body = excluded.body
  returning * into v_review;
  return v_review;
end $function$;

comment on function public.submit_review(integer,text,text) is 'Write or edit the caller''s review (purchasers only: purchase_required otherwise). Signed with the caller''s public name, never their e-mail.';

revoke all on function public.submit_review(integer,text,text) from public, anon, authenticated, service_role;
grant execute on function public.submit_review(integer,text,text) to authenticated;

-- schemas/tickets/functions/app.apply_quote.sql

create or replace function app.apply_quote(p_ticket public.tickets, p_actor uuid)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_ticket public.tickets := p_ticket;
  v_category public.ticket_categories := app.category(p_ticket.category);
  v_outcome app.quote_outcome := app.quote_outcome(p_ticket, v_category);
begin
  if v_outcome.kind = 'refund' then
    v_ticket.status := 'in_progress';
    v_ticket := app.refund_ticket_credits(v_ticket, v_outcome.credits, p_actor,
      format('The ticket now costs %s credits.', v_ticket.quoted_credits));
    perform app.charge_awaiting_tickets(v_ticket.account_id, v_ticket.id);
    return v_ticket;
  end if;

  if v_outcome.kind = 'no_change' then
    v_ticket.status := 'in_progress';
    return app.save_ticket(v_ticket);
  end if;

  if v_outcome.kind = 'quote' then
    v_ticket.status := 'awaiting_confirmation';
    v_ticket := app.save_ticket(v_ticket);
    perform app.notify(v_ticket.created_by, 'quote_ready',
      format('Ticket #%s: please confirm %s credits', v_ticket.number, v_ticket.quoted_credits),
      format('Ticket #%s "%s" is assessed as %s for %s credits%s%s. Confirm to have it answered, or decline.',
        v_ticket.number, v_ticket.subject, v_category.name, v_ticket.quoted_credits,
        case when v_ticket.charged_credits > 0
          then format(' (%s already charged, %s more)', v_ticket.charged_credits, v_outcome.due) else '' end,
        case when v_outcome.over_ceiling
          then format(', above the %s credits you agreed to in advance', v_outcome.ceiling) else '' end),
      v_ticket.id, jsonb_build_object('category', v_category.code, 'credits', v_ticket.quoted_credits, 'due', v_outcome.due));
    return v_ticket;
  end if;

  -- charge or awaiting_credits: app.charge_ticket takes the account lock and decides between them again.
  return app.charge_ticket(v_ticket, v_outcome.due, p_actor);
end $function$;

revoke all on function app.apply_quote(public.tickets,uuid) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.charge_awaiting_tickets.sql

create or replace function app.charge_awaiting_tickets(p_account_id uuid, p_except_ticket_id uuid default NULL::uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

comment on function app.charge_awaiting_tickets(uuid,uuid) is 'Charge an account''s awaiting_credits tickets oldest first, as far as the balance goes. Returns how many were charged.';

revoke all on function app.charge_awaiting_tickets(uuid,uuid) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.charge_ticket.sql

create or replace function app.charge_ticket(p_ticket public.tickets, p_amount integer, p_actor uuid, p_optimistic boolean default true)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

revoke all on function app.charge_ticket(public.tickets,integer,uuid,boolean) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.lock_member_ticket.sql

create or replace function app.lock_member_ticket(p_ticket_id uuid, p_user_id uuid)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_ticket public.tickets;
begin
  if p_ticket_id is null then
    perform app.raise_error('invalid_input', 'Choose a ticket.');
  end if;
  select t.* into v_ticket from public.tickets t
  where t.id = p_ticket_id
    and exists (select 1 from public.account_members m where m.account_id = t.account_id and m.user_id = p_user_id)
  for no key update of t;
  if v_ticket.id is null then
    perform app.raise_error('not_found', 'There is no such ticket.');
  end if;
  return v_ticket;
end $function$;

revoke all on function app.lock_member_ticket(uuid,uuid) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.lock_ticket.sql

create or replace function app.lock_ticket(p_ticket_id uuid)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_ticket public.tickets;
begin
  if p_ticket_id is null then
    perform app.raise_error('invalid_input', 'Choose a ticket.');
  end if;
  select * into v_ticket from public.tickets t where t.id = p_ticket_id for no key update;
  if v_ticket.id is null then
    perform app.raise_error('not_found', 'There is no such ticket.');
  end if;
  return v_ticket;
end $function$;

revoke all on function app.lock_ticket(uuid) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.log_event.sql

create or replace function app.log_event(p_ticket public.tickets, p_actor uuid, p_kind public.ticket_event_kind, p_data jsonb default '{}'::jsonb, p_internal boolean default false)
returns void
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_data jsonb := coalesce(p_data, '{}');
  v_kind app.ticket_event_kinds;
  v_problems text;
begin
  select * into v_kind from app.ticket_event_kinds k where k.kind = p_kind;
  if v_kind.kind is null then
    raise exception 'ticket event kind % has no definition in app.ticket_event_kinds', p_kind;
  end if;
  if jsonb_typeof(v_data) <> 'object' then
    raise exception 'ticket event %: data must be a JSON object, not %', p_kind, jsonb_typeof(v_data);
  end if;

  -- Events are written on every step of a ticket: the check that passes is two operators; only a
  -- misfit pays for working out what exactly is wrong.
  if (v_data - v_kind.keys) <> '{}' or not jsonb_path_match(v_data, v_kind.predicate) then
    select string_agg(problem, '; ' order by problem) into v_problems from (
      select format('unknown key %s', d.key) as problem
      from jsonb_object_keys(v_data) d(key) where not v_kind.fields ? d.key
      union all
      select format('missing key %s', f.key)
      from jsonb_each_text(v_kind.fields) f(key, tag) where f.tag not like '%?' and not v_data ? f.key
      union all
      select format('%s is %s, not %s', d.key, jsonb_typeof(d.value), rtrim(v_kind.fields ->> d.key, '?'))
      from jsonb_each(v_data) d
      where v_kind.fields ? d.key
        and case jsonb_typeof(d.value)
          when 'null' then rtrim(v_kind.fields ->> d.key, '?') not like '%|null'
          else jsonb_typeof(d.value) <> split_part(rtrim(v_kind.fields ->> d.key, '?'), '|', 1)
        end
    ) p;
    raise exception 'ticket event % does not fit its definition: %', p_kind, v_problems
      using hint = 'The keys each kind carries are in app.ticket_event_kinds.';
  end if;

  insert into public.ticket_events (ticket_id, account_id, actor_id, actor_name, kind, data, internal)
  values (p_ticket.id, p_ticket.account_id, p_actor, app.display_name(p_actor), p_kind, v_data, p_internal);
end $function$;

revoke all on function app.log_event(public.tickets,uuid,public.ticket_event_kind,jsonb,boolean) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.quote_outcome.sql

create or replace function app.quote_outcome(p_ticket public.tickets, p_category public.ticket_categories)
returns app.quote_outcome
language plpgsql
stable security definer
set search_path = ''
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

-- schemas/tickets/functions/app.record_charge.sql

create or replace function app.record_charge(p_ticket public.tickets, p_amount integer, p_actor uuid, p_transfer_id uuid)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

revoke all on function app.record_charge(public.tickets,integer,uuid,uuid) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.refund_ticket_credits.sql

create or replace function app.refund_ticket_credits(p_ticket public.tickets, p_amount integer, p_actor uuid, p_reason text)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

revoke all on function app.refund_ticket_credits(public.tickets,integer,uuid,text) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/app.save_ticket.sql

create or replace function app.save_ticket(p_ticket public.tickets)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

revoke all on function app.save_ticket(public.tickets) from public, anon, authenticated, service_role;

-- schemas/tickets/functions/public.assess_ticket.sql

create or replace function public.assess_ticket(p_ticket_id uuid, p_category text, p_credits integer default NULL::integer, p_note text default NULL::text, p_upgrade_from text default NULL::text, p_upgrade_to text default NULL::text)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

comment on function public.assess_ticket(uuid,text,integer,text,text,text) is 'Staff: categorize a new ticket and apply the consent rules (charge, awaiting_credits or awaiting_confirmation). Upgrades need two versions from the release list.';

revoke all on function public.assess_ticket(uuid,text,integer,text,text,text) from public, anon, authenticated, service_role;
grant execute on function public.assess_ticket(uuid,text,integer,text,text,text) to authenticated;

-- schemas/tickets/functions/public.assign_ticket.sql

create or replace function public.assign_ticket(p_ticket_id uuid, p_assignee_id uuid)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
begin
  if p_assignee_id is not null and not exists (
    select 1 from public.profiles p where p.id = p_assignee_id and p.role in ('engineer', 'admin')
  ) then
    perform app.raise_error('invalid_input', 'Tickets can only be assigned to support engineers.');
  end if;
  if v_ticket.assignee_id is not distinct from p_assignee_id then
    return v_ticket;
  end if;
  update public.tickets set assignee_id = p_assignee_id where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'assigned', jsonb_build_object(
    'assignee_id', p_assignee_id, 'assignee_name', app.display_name(p_assignee_id)), true);
  return v_ticket;
end $function$;

comment on function public.assign_ticket(uuid,uuid) is 'Staff: assign a ticket to a staff member (null = unassign).';

revoke all on function public.assign_ticket(uuid,uuid) from public, anon, authenticated, service_role;
grant execute on function public.assign_ticket(uuid,uuid) to authenticated;

-- schemas/tickets/functions/public.cancel_ticket.sql

create or replace function public.cancel_ticket(p_ticket_id uuid)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_ticket public.tickets := app.lock_member_ticket(p_ticket_id, v_uid);
begin
  if not app.is_cancelable(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is %s and can no longer be canceled.',
      v_ticket.number, replace(v_ticket.status::text, '_', ' ')));
  end if;
  if v_ticket.charged_credits > 0 then
    perform app.raise_error('invalid_state', format(
      'Ticket #%s was already charged %s credits; decline the new quote or ask the engineer instead.',
      v_ticket.number, v_ticket.charged_credits));
  end if;
  update public.tickets set status = 'canceled', closed_at = now() where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'canceled', '{}');
  return v_ticket;
end $function$;

comment on function public.cancel_ticket(uuid) is 'Customer: withdraw a ticket that has not been charged, while app.is_cancelable(status): new, or waiting on the customer.';

revoke all on function public.cancel_ticket(uuid) from public, anon, authenticated, service_role;
grant execute on function public.cancel_ticket(uuid) to authenticated;

-- schemas/tickets/functions/public.confirm_quote.sql

create or replace function public.confirm_quote(p_ticket_id uuid, p_credits integer, p_idempotency_key text default NULL::text)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

comment on function public.confirm_quote(uuid,integer,text) is 'Customer: accept the quote of an awaiting_confirmation ticket at the price they saw (p_credits); charges it (or awaiting_credits). A changed price is invalid_state.';

revoke all on function public.confirm_quote(uuid,integer,text) from public, anon, authenticated, service_role;
grant execute on function public.confirm_quote(uuid,integer,text) to authenticated;

-- schemas/tickets/functions/public.create_ticket.sql

create or replace function public.create_ticket(p_subject text, p_body text, p_pre_approved boolean, p_upgrade_from text default NULL::text, p_upgrade_to text default NULL::text, p_account_id uuid default NULL::uuid, p_pre_approval_ceiling integer default NULL::integer)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

comment on function public.create_ticket(text,text,boolean,text,text,uuid,integer) is 'Customer: open a ticket (subject 3–200, body 1–20000, pre_approved required; optional upgrade versions, account and pre-approval ceiling 1–100000).';

revoke all on function public.create_ticket(text,text,boolean,text,text,uuid,integer) from public, anon, authenticated, service_role;
grant execute on function public.create_ticket(text,text,boolean,text,text,uuid,integer) to authenticated;

-- schemas/tickets/functions/public.decline_quote.sql

create or replace function public.decline_quote(p_ticket_id uuid, p_reason text default NULL::text)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_reason text := case when nullif(btrim(p_reason), '') is null then null
                        else app.clean_text(p_reason, 'The reason', 1, 2000) end;
  v_ticket public.tickets := app.lock_member_ticket(p_ticket_id, v_uid);
begin
  if v_ticket.status <> 'awaiting_confirmation' then
    perform app.raise_error('invalid_state', format('Ticket #%s has no quote waiting for confirmation.', v_ticket.number));
  end if;
  update public.tickets set status = 'declined', closed_at = now() where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'quote_declined', jsonb_build_object(
    'category', v_ticket.category, 'credits', v_ticket.quoted_credits, 'kept', v_ticket.charged_credits, 'reason', v_reason));
  return v_ticket;
end $function$;

comment on function public.decline_quote(uuid,text) is 'Customer: decline the quote (optional reason ≤ 2000); the ticket is closed, earlier charges kept.';

revoke all on function public.decline_quote(uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.decline_quote(uuid,text) to authenticated;

-- schemas/tickets/functions/public.post_message.sql

create or replace function public.post_message(p_ticket_id uuid, p_body text, p_internal boolean default false)
returns public.ticket_messages
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_staff boolean := app.is_staff();
  v_body text := app.clean_body(p_body);
  v_ticket public.tickets;
  v_message public.ticket_messages;
begin
  if p_internal is null then
    perform app.raise_error('invalid_input', 'Say whether the message is an internal note.');
  end if;
  if p_internal and not v_staff then
    perform app.raise_error('forbidden', 'Only support engineers can write internal notes.');
  end if;
  if v_staff then
    v_ticket := app.lock_ticket(p_ticket_id);
    -- docs/design.md §1.5: an assessed ticket is not answered until it is paid for. Internal notes are fine, and
    -- so are questions on a new ticket (the engineer may need them to assess it).
    if not p_internal and app.is_waiting_on_customer(v_ticket.status) then
      perform app.raise_error('invalid_state', format(
        'Ticket #%s is %s: it is answered once it is charged. Write an internal note, or reassess it with a reason.',
        v_ticket.number, replace(v_ticket.status::text, '_', ' ')));
    end if;
  else
    v_ticket := app.lock_member_ticket(p_ticket_id, v_uid);
    if not app.is_open(v_ticket.status) then
      perform app.raise_error('invalid_state', format('Ticket #%s is closed; open a new ticket for a new question.', v_ticket.number));
    end if;
  end if;

  insert into public.ticket_messages (ticket_id, account_id, author_id, author_name, from_staff, body, internal)
  values (v_ticket.id, v_ticket.account_id, v_uid, app.display_name(v_uid), v_staff, v_body, p_internal)
  returning * into v_message;
  update public.tickets set updated_at = now() where id = v_ticket.id;

  if v_staff and not p_internal and v_ticket.created_by is distinct from v_uid then
    perform app.notify(v_ticket.created_by, 'answered',
      format('New reply on ticket #%s', v_ticket.number),
      format('%s replied to "%s".', app.display_name(v_uid), v_ticket.subject),
      v_ticket.id, jsonb_build_object('message_id', v_message.id));
  end if;
  return v_message;
end $function$;

comment on function public.post_message(uuid,text,boolean) is 'Post a message (body 1–20000). Internal notes: staff only. Customers: own open tickets only.';

revoke all on function public.post_message(uuid,text,boolean) from public, anon, authenticated, service_role;
grant execute on function public.post_message(uuid,text,boolean) to authenticated;

-- schemas/tickets/functions/public.preview_quote.sql

create or replace function public.preview_quote(p_ticket_id uuid, p_category text, p_credits integer default NULL::integer, p_upgrade_from text default NULL::text, p_upgrade_to text default NULL::text)
returns jsonb
language plpgsql
stable security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_category public.ticket_categories;
  v_ticket public.tickets;
  v_before public.tickets;
  v_price integer;
begin
  select * into v_ticket from public.tickets t where t.id = p_ticket_id;
  if v_ticket.id is null then
    perform app.raise_error('not_found', 'There is no such ticket.');
  end if;
  if not app.is_open(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is closed.', v_ticket.number));
  end if;
  v_category := app.category(p_category);
  v_before := v_ticket;
  v_ticket := app.assessed_versions(v_ticket, v_category, p_upgrade_from, p_upgrade_to);
  v_price := app.price_for(v_category, p_credits, v_ticket.upgrade_from, v_ticket.upgrade_to);
  if v_before.status <> 'new' and v_category.code = v_before.category and v_price = v_before.quoted_credits then
    perform app.raise_error('invalid_input', format('Ticket #%s is already %s for %s credits.', v_ticket.number, v_category.name, v_price));
  end if;
  v_ticket.category := v_category.code;
  v_ticket.quoted_credits := v_price;
  return to_jsonb(app.quote_outcome(v_ticket, v_category));
end $function$;

comment on function public.preview_quote(uuid,text,integer,text,text) is 'Staff: what assess_ticket (new ticket) or reassess_ticket (assessed open ticket) would do at this category and price — kind charge | awaiting_credits | quote | refund | no_change with its figures; changes nothing.';

revoke all on function public.preview_quote(uuid,text,integer,text,text) from public, anon, authenticated, service_role;
grant execute on function public.preview_quote(uuid,text,integer,text,text) to authenticated;

-- schemas/tickets/functions/public.reassess_ticket.sql

create or replace function public.reassess_ticket(p_ticket_id uuid, p_category text, p_credits integer default NULL::integer, p_reason text default NULL::text, p_upgrade_from text default NULL::text, p_upgrade_to text default NULL::text)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
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
end $function$;

comment on function public.reassess_ticket(uuid,text,integer,text,text,text) is 'Staff: re-categorize an assessed open ticket (reason 3–2000); refunds or charges the difference, or asks the customer to confirm. Upgrades need two versions from the release list.';

revoke all on function public.reassess_ticket(uuid,text,integer,text,text,text) from public, anon, authenticated, service_role;
grant execute on function public.reassess_ticket(uuid,text,integer,text,text,text) to authenticated;

-- schemas/tickets/functions/public.refund_ticket.sql

create or replace function public.refund_ticket(p_ticket_id uuid, p_credits integer, p_reason text, p_idempotency_key text)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_prior jsonb;
  v_reason text := app.clean_text(p_reason, 'The reason', 3, 2000);
  v_ticket public.tickets;
begin
  if p_idempotency_key is null then
    perform app.raise_error('invalid_input', 'Give an idempotency key (a fresh UUID per refund), so a repeated request is applied once.');
  end if;
  v_prior := app.idempotent_result(p_idempotency_key, v_uid, 'refund_ticket');
  if v_prior is not null then
    return jsonb_populate_record(null::public.tickets, v_prior);
  end if;
  v_ticket := app.lock_ticket(p_ticket_id);
  if v_ticket.charged_credits = 0 then
    perform app.raise_error('invalid_state', format('Nothing was charged for ticket #%s.', v_ticket.number));
  end if;
  if p_credits is null or p_credits < 1 or p_credits > v_ticket.charged_credits then
    perform app.raise_error('invalid_input', format('Refund between 1 and %s credits.', v_ticket.charged_credits));
  end if;
  v_ticket := app.refund_ticket_credits(v_ticket, p_credits, v_uid, v_reason);
  perform app.charge_awaiting_tickets(v_ticket.account_id, v_ticket.id);
  perform app.remember_result(p_idempotency_key, v_uid, 'refund_ticket', to_jsonb(v_ticket));
  return v_ticket;
end $function$;

comment on function public.refund_ticket(uuid,integer,text,text) is 'Staff: refund 1..charged_credits credits of a ticket (reason 3–2000) with an idempotency key; a repeated key returns the first result.';

revoke all on function public.refund_ticket(uuid,integer,text,text) from public, anon, authenticated, service_role;
grant execute on function public.refund_ticket(uuid,integer,text,text) to authenticated;

-- schemas/tickets/functions/public.resolve_ticket.sql

create or replace function public.resolve_ticket(p_ticket_id uuid)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
  v_from public.ticket_status := v_ticket.status;
begin
  if not app.is_open(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is already closed.', v_ticket.number));
  end if;
  update public.tickets set status = 'resolved', resolved_at = now() where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'resolved', jsonb_build_object(
    'from_status', v_from, 'charged_credits', v_ticket.charged_credits));
  perform app.notify(v_ticket.created_by, 'resolved',
    format('Ticket #%s is resolved', v_ticket.number),
    format('"%s" is resolved. Open a new ticket if you need anything else.', v_ticket.subject),
    v_ticket.id, jsonb_build_object('charged_credits', v_ticket.charged_credits));
  return v_ticket;
end $function$;

comment on function public.resolve_ticket(uuid) is 'Staff: resolve an open ticket.';

revoke all on function public.resolve_ticket(uuid) from public, anon, authenticated, service_role;
grant execute on function public.resolve_ticket(uuid) to authenticated;

-- schemas/tickets/functions/public.split_ticket.sql

create or replace function public.split_ticket(p_ticket_id uuid, p_subject text, p_body text)
returns public.tickets
language plpgsql
security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_subject text := app.clean_text(p_subject, 'The subject', 3, 200);
  v_body text := app.clean_body(p_body, 'The description');
  v_parent public.tickets := app.lock_ticket(p_ticket_id);
  v_child public.tickets;
begin
  if not app.is_open(v_parent.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is closed.', v_parent.number));
  end if;
  insert into public.tickets (account_id, created_by, subject, body, pre_approved, pre_approval_ceiling, parent_id)
  values (v_parent.account_id, v_parent.created_by, v_subject, v_body, v_parent.pre_approved, v_parent.pre_approval_ceiling, v_parent.id)
  returning * into v_child;
  update public.tickets set updated_at = now() where id = v_parent.id;
  perform app.log_event(v_parent, v_uid, 'split', jsonb_build_object(
    'child_id', v_child.id, 'child_number', v_child.number, 'subject', v_subject));
  perform app.log_event(v_child, v_uid, 'created', jsonb_build_object(
    'pre_approved', v_child.pre_approved, 'pre_approval_ceiling', v_child.pre_approval_ceiling,
    'split_from_id', v_parent.id, 'split_from_number', v_parent.number));
  perform app.notify(v_parent.created_by, 'split',
    format('Ticket #%s was split: new ticket #%s', v_parent.number, v_child.number),
    format('"%s" is a separate issue, so it now has its own ticket #%s and will be assessed on its own.', v_subject, v_child.number),
    v_child.id, jsonb_build_object('parent_id', v_parent.id, 'parent_number', v_parent.number, 'child_number', v_child.number));
  return v_child;
end $function$;

comment on function public.split_ticket(uuid,text,text) is 'Staff: split a separate question off an open ticket into a new ticket with the same consent and pre-approval ceiling; returns the new ticket.';

revoke all on function public.split_ticket(uuid,text,text) from public, anon, authenticated, service_role;
grant execute on function public.split_ticket(uuid,text,text) to authenticated;

-- schemas/tickets/functions/public.staff_queue.sql

create or replace function public.staff_queue(p_status text default 'open'::text, p_category text default NULL::text, p_assignee text default NULL::text, p_search text default NULL::text, p_cursor jsonb default NULL::jsonb, p_limit integer default 25)
returns jsonb
language plpgsql
stable security definer
set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_order constant public.ticket_status[] := array[
    'new', 'in_progress', 'awaiting_credits', 'awaiting_confirmation', 'resolved', 'declined', 'canceled'];
  v_statuses public.ticket_status[];
  v_category text := nullif(btrim(p_category), '');
  v_assignee text := nullif(btrim(p_assignee), '');
  v_assignee_id uuid;
  v_q text := regexp_replace(btrim(coalesce(p_search, '')), '^#', '');
  v_like text;
  v_number integer;
  v_customers uuid[];
  v_group integer := 0;
  v_after timestamptz;
  v_where text := '';
  v_status public.ticket_status;
  v_asc boolean;
  v_want integer;
  v_part jsonb;
  v_rows jsonb := '[]';
  v_next jsonb;
begin
  if p_limit is null or p_limit not between 1 and 100 then
    perform app.raise_error('invalid_input', 'A page holds 1 to 100 tickets.');
  end if;

  v_statuses := case
    when coalesce(p_status, 'open') = 'open' then array(select s from unnest(v_order) s where app.is_open(s))
    when p_status = 'all' then v_order
    when p_status = any (enum_range(null::public.ticket_status)::text[]) then array[p_status::public.ticket_status]
  end;
  if v_statuses is null then
    perform app.raise_error('invalid_input', format('The status filter is open, all or a ticket status, not %s.', p_status));
  end if;

  if v_category is not null then
    perform app.category(v_category); -- an unknown category is invalid_input
    v_where := v_where || ' and t.category = $1';
  end if;

  if v_assignee = 'mine' then
    v_assignee_id := v_uid;
  elsif v_assignee = 'none' then
    v_where := v_where || ' and t.assignee_id is null';
  elsif v_assignee ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    v_assignee_id := v_assignee::uuid;
  elsif v_assignee is not null then
    perform app.raise_error('invalid_input', 'The assignee filter is mine, none or a staff member''s id.');
  end if;
  if v_assignee_id is not null then
    v_where := v_where || ' and t.assignee_id = $2';
  end if;

  -- "#1001" or "1001" is a ticket number; text with an @ is part of the customer's e-mail; anything else
  -- is words of the subject.
  if length(v_q) > 200 then
    perform app.raise_error('invalid_input', 'The search can be at most 200 characters.');
  end if;
  v_like := '%' || replace(replace(replace(v_q, '\', '\\'), '%', '\%'), '_', '\_') || '%';
  if v_q ~ '^\d{1,9}$' then
    v_number := v_q::integer;
    v_where := v_where || ' and t.number = $3';
  elsif position('@' in v_q) > 0 then
    -- The people are found once, not once per status group.
    v_customers := array(select p.id from public.profiles p where p.email ilike v_like);
    v_where := v_where || ' and t.created_by = any ($7)';
  elsif v_q <> '' then
    v_where := v_where || ' and t.subject ilike $4';
  end if;

  if p_cursor is not null then
    begin
      v_group := (p_cursor ->> 'group')::integer;
      v_after := (p_cursor ->> 'after')::timestamptz;
    exception when others then
      v_group := null;
    end;
    if jsonb_typeof(p_cursor) <> 'object' or v_group is null or v_group not between 0 and cardinality(v_statuses) - 1 then
      perform app.raise_error('invalid_input', 'The cursor is not one this queue returned: start again from the first page.');
    end if;
  end if;

  while v_group < cardinality(v_statuses) loop
    v_status := v_statuses[v_group + 1];
    v_asc := app.is_open(v_status);
    v_want := p_limit - jsonb_array_length(v_rows);
    -- One extra row says whether this group has more.
    execute format(
      $sql$
      select coalesce(jsonb_agg(jsonb_build_object(
               'id', t.id, 'number', t.number, 'subject', t.subject, 'status', t.status, 'category', t.category,
               'quoted_credits', t.quoted_credits, 'charged_credits', t.charged_credits, 'pre_approved', t.pre_approved,
               'created_at', t.created_at, 'assignee_id', t.assignee_id, 'created_by', t.created_by,
               'account_id', t.account_id,
               -- Looked up per row of the page (a primary-key probe each), never joined to all profiles.
               'customer_email', (select c.email from public.profiles c where c.id = t.created_by),
               'assignee_name', (select coalesce(nullif(btrim(a.full_name), ''), a.email)
                                 from public.profiles a where a.id = t.assignee_id)
             ) order by t.created_at %1$s), '[]')
      from (
        select t.* from public.tickets t
        where t.status = %2$L %3$s %4$s
        order by t.created_at %1$s
        limit $6
      ) t
      $sql$,
      case when v_asc then 'asc' else 'desc' end,
      v_status,
      v_where,
      case when v_after is null then '' when v_asc then 'and t.created_at > $5' else 'and t.created_at < $5' end)
    into v_part
    using v_category, v_assignee_id, v_number, v_like, v_after, v_want + 1, v_customers;

    if jsonb_array_length(v_part) > v_want then
      v_rows := v_rows || jsonb_path_query_array(v_part, '$[0 to last - 1]');
      v_next := jsonb_build_object('group', v_group, 'after', v_part -> (v_want - 1) -> 'created_at');
      exit;
    end if;
    v_rows := v_rows || v_part;
    v_group := v_group + 1;
    v_after := null;
    if jsonb_array_length(v_rows) = p_limit then
      if v_group < cardinality(v_statuses) then
        v_next := jsonb_build_object('group', v_group, 'after', null);
      end if;
      exit;
    end if;
  end loop;

  return jsonb_build_object('rows', v_rows, 'next', v_next);
end $function$;

comment on function public.staff_queue(text,text,text,text,jsonb,integer) is 'Staff: one page of the support queue — p_status open | all | a status, p_category, p_assignee mine | none | a staff id, p_search (#number, part of the customer''s e-mail, or subject words), p_cursor (the previous page''s next), p_limit 1–100. Returns {rows, next}; next is null on the last page.';

revoke all on function public.staff_queue(text,text,text,text,jsonb,integer) from public, anon, authenticated, service_role;
grant execute on function public.staff_queue(text,text,text,text,jsonb,integer) to authenticated;

-- schemas/tickets/functions/public.staff_queue_counts.sql

create or replace function public.staff_queue_counts()
returns jsonb
language plpgsql
stable security definer
set search_path = ''
as $function$
declare
  v_counts jsonb := '{}';
  v_status public.ticket_status;
  v_count integer;
begin
  perform app.require_staff();
  -- One statement per status, its status a constant, so each count is planned on its partial index.
  foreach v_status in array enum_range(null::public.ticket_status) loop
    execute format('select count(*)::integer from public.tickets t where t.status = %L', v_status) into v_count;
    v_counts := v_counts || jsonb_build_object(v_status, v_count);
  end loop;
  return v_counts;
end $function$;

comment on function public.staff_queue_counts() is 'Staff: the number of tickets in each status, as {status: count} with every status present.';

revoke all on function public.staff_queue_counts() from public, anon, authenticated, service_role;
grant execute on function public.staff_queue_counts() to authenticated;

-- schemas/access/policies/public.profiles.sql

create policy "profiles_select" on public.profiles
  for select to authenticated
  using (((id = ( SELECT auth.uid() AS uid)) OR ( SELECT app.is_staff() AS is_staff)));

create policy "profiles_update_self" on public.profiles
  for update to authenticated
  using ((id = ( SELECT auth.uid() AS uid)))
  with check ((id = ( SELECT auth.uid() AS uid)));

-- schemas/accounts/policies/public.account_members.sql

create policy "account_members_select" on public.account_members
  for select to authenticated
  using (((account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR ( SELECT app.is_staff() AS is_staff)));

-- schemas/accounts/policies/public.accounts.sql

create policy "accounts_select" on public.accounts
  for select to authenticated
  using (((id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR ( SELECT app.is_staff() AS is_staff)));

-- schemas/accounts/policies/public.credit_entries.sql

create policy "credit_entries_select" on public.credit_entries
  for select to authenticated
  using (((account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR ( SELECT app.is_staff() AS is_staff)));

-- schemas/accounts/policies/public.credit_transfers.sql

create policy "credit_transfers_select" on public.credit_transfers
  for select to authenticated
  using (((from_account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR (to_account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR ( SELECT app.is_staff() AS is_staff)));

-- schemas/catalogue/policies/public.credit_packages.sql

create policy "credit_packages_delete_admin" on public.credit_packages
  for delete to authenticated
  using (( SELECT app.is_admin() AS is_admin));

create policy "credit_packages_insert_admin" on public.credit_packages
  for insert to authenticated
  with check (( SELECT app.is_admin() AS is_admin));

create policy "credit_packages_select" on public.credit_packages
  for select to authenticated
  using ((active OR ( SELECT app.is_admin() AS is_admin)));

create policy "credit_packages_select_anon" on public.credit_packages
  for select to anon
  using (active);

create policy "credit_packages_update_admin" on public.credit_packages
  for update to authenticated
  using (( SELECT app.is_admin() AS is_admin))
  with check (( SELECT app.is_admin() AS is_admin));

-- schemas/catalogue/policies/public.product_releases.sql

create policy "product_releases_delete_admin" on public.product_releases
  for delete to authenticated
  using (( SELECT app.is_admin() AS is_admin));

create policy "product_releases_insert_admin" on public.product_releases
  for insert to authenticated
  with check (( SELECT app.is_admin() AS is_admin));

create policy "product_releases_select" on public.product_releases
  for select to authenticated
  using (true);

create policy "product_releases_select_anon" on public.product_releases
  for select to anon
  using (true);

create policy "product_releases_update_admin" on public.product_releases
  for update to authenticated
  using (( SELECT app.is_admin() AS is_admin))
  with check (( SELECT app.is_admin() AS is_admin));

-- schemas/catalogue/policies/public.ticket_categories.sql

create policy "ticket_categories_delete_admin" on public.ticket_categories
  for delete to authenticated
  using (( SELECT app.is_admin() AS is_admin));

create policy "ticket_categories_insert_admin" on public.ticket_categories
  for insert to authenticated
  with check (( SELECT app.is_admin() AS is_admin));

create policy "ticket_categories_select" on public.ticket_categories
  for select to authenticated
  using (true);

create policy "ticket_categories_select_anon" on public.ticket_categories
  for select to anon
  using (true);

create policy "ticket_categories_update_admin" on public.ticket_categories
  for update to authenticated
  using (( SELECT app.is_admin() AS is_admin))
  with check (( SELECT app.is_admin() AS is_admin));

-- schemas/notifications/policies/public.notifications.sql

create policy "notifications_select_own" on public.notifications
  for select to authenticated
  using ((user_id = ( SELECT auth.uid() AS uid)));

-- schemas/orders/policies/public.orders.sql

create policy "orders_select" on public.orders
  for select to authenticated
  using (((account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR ( SELECT app.is_staff() AS is_staff)));

-- schemas/orders/policies/public.payment_events.sql

create policy "payment_events_select_staff" on public.payment_events
  for select to authenticated
  using (( SELECT app.is_staff() AS is_staff));

-- schemas/reviews/policies/public.reviews.sql

create policy "reviews_select" on public.reviews
  for select to authenticated
  using (true);

create policy "reviews_select_anon" on public.reviews
  for select to anon
  using (true);

-- schemas/tickets/policies/public.ticket_events.sql

create policy "ticket_events_select" on public.ticket_events
  for select to authenticated
  using ((( SELECT app.is_staff() AS is_staff) OR ((NOT internal) AND (account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))))));

-- schemas/tickets/policies/public.ticket_messages.sql

create policy "ticket_messages_select" on public.ticket_messages
  for select to authenticated
  using ((( SELECT app.is_staff() AS is_staff) OR ((NOT internal) AND (account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))))));

-- schemas/tickets/policies/public.tickets.sql

create policy "tickets_select" on public.tickets
  for select to authenticated
  using (((account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR ( SELECT app.is_staff() AS is_staff)));

-- schemas/accounts/data.sql

-- Rows the product cannot run without, whatever the seed: the ledger's system accounts and the settings row.
insert into public.accounts (name, system_code) values
  ('System: credits issued', 'issued'),
  ('System: credits consumed', 'consumed'),
  ('System: adjustments', 'adjustments');

insert into app.settings default values;

-- schemas/tickets/data.sql

-- What each audit event kind's data carries (app.log_event refuses anything else).
insert into app.ticket_event_kinds (kind, fields, description) values
  ('created', '{"upgrade_to": "string|null?", "pre_approved": "boolean", "upgrade_from": "string|null?", "split_from_id": "string?", "split_from_number": "number?", "pre_approval_ceiling": "number|null?"}',
   'A ticket was opened: by create_ticket (pre-approval, its ceiling, the upgrade versions) or by split_ticket (the ticket it was split from).'),
  ('assessed', '{"note": "string|null", "level": "number", "credits": "number", "category": "string", "upgrade_to": "string?", "upgrade_from": "string?"}',
   'An engineer priced a new ticket; upgrade assessments name the versions the price was counted from.'),
  ('reassessed', '{"reason": "string", "to_credits": "number", "to_category": "string", "from_credits": "number|null", "from_category": "string|null"}',
   'An engineer changed the category of an assessed ticket, with a reason.'),
  ('quote_confirmed', '{"credits": "number", "category": "string"}',
   'The customer confirmed a quote.'),
  ('quote_declined', '{"kept": "number", "reason": "string|null", "credits": "number", "category": "string"}',
   'The customer declined a quote; kept is what was charged earlier and stays charged.'),
  ('charged', '{"credits": "number", "automatic": "boolean", "transfer_id": "string", "charged_credits": "number"}',
   'Credits were charged for the ticket; automatic when Pro Portal charged it because credits arrived.'),
  ('awaiting_credits', '{"balance": "number", "credits": "number", "missing": "number"}',
   'The ticket waits for credits: its cost, the balance and what is missing.'),
  ('refunded', '{"reason": "string", "credits": "number", "transfer_id": "string", "charged_credits": "number"}',
   'Credits charged for the ticket were given back.'),
  ('split', '{"subject": "string", "child_id": "string", "child_number": "number"}',
   'A separate question was moved to a new ticket (which gets a created event naming this one).'),
  ('resolved', '{"from_status": "string", "charged_credits": "number"}',
   'An engineer resolved the ticket.'),
  ('canceled', '{}',
   'The customer withdrew the ticket.'),
  ('assigned', '{"assignee_id": "string|null", "assignee_name": "string"}',
   'Staff only: the ticket was (un)assigned.');
