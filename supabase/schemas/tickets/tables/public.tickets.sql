-- Tickets: one issue per ticket, charged for as a whole under the consent rules of docs/design.md §1.5-1.7.
-- Tickets, their messages and their audit trail are written only by SQL functions, which check the caller
-- and the ticket's state, lock the ticket (then the account, through app.lock_account) and return the
-- updated row. Lock order everywhere: order -> tickets -> customer account.
-- Money fields change only with the ledger: charged_credits = the ticket's charges - its refunds
-- (app.check_invariants() holds them together). The charging functions change a locked ticket row in memory
-- and write it once per transaction (tickets/functions/app.save_ticket.sql explains why).
-- Pre-approval has a ceiling the customer sees and may change when opening the ticket: above it, a
-- pre-approved ticket waits for confirmation exactly like a cost-first one, so "I agree in advance" never
-- means an open-ended price (a pre-approved upgrade across many versions would otherwise cost hundreds of
-- credits without asking).
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
