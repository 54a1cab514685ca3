-- Provider events by their id, so a redelivered event is a no-op (Stripe delivers at least once). An event
-- is applied to its order only when its Checkout Session is the one stored on the order, for the order's
-- amount and currency; a mismatch credits nothing and is kept here as a problem an admin sees and resolves
-- (public.admin_resolve_payment_event), while the webhook still answers 2xx, because Stripe retrying the same
-- event cannot make it match.
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
-- public.record_payment_event records, applies and marks an event in one transaction and is its only
-- writer, so the service role only reads this table: a processed event cannot be rewritten with the service
-- key.
grant select on table public.payment_events to service_role;
