-- The audit trail: every assessment, confirmation, charge, refund, re-categorization, split, resolution,
-- cancellation and assignment, with who did it. Its vocabulary (the kinds and the keys of each kind's data)
-- is defined once, in tickets/tables/app.ticket_event_kinds.sql.
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
