/**
 * Section - Staff queue indexes (issue 6)
 *
 * Why: the staff queue reads tickets through the API, under RLS, one status at a time in created_at
 * order, paging by keyset (`created_at > last`). Under RLS the planner may not use a non-leakproof
 * operator as an index condition before the policy's own check, and enum equality (`status = 'new'`)
 * is not leakproof — so tickets_status_created_at_idx (status, created_at) cannot serve those reads:
 * every page was a sequential scan of all tickets (≈ 20–60 ms at 100,000, growing with the table).
 * A partial index per status needs no operator on `status` at run time (the predicate is proved from
 * the query), and timestamptz comparisons are leakproof, so each page becomes a short index range
 * scan. `account_id` is included so the policy check and the per-status counts read the index alone.
 * Measured by bench/queue.bench.ts (results in bench/README.md).
 */

create index tickets_queue_new_idx on public.tickets (created_at) include (account_id) where status = 'new';
create index tickets_queue_in_progress_idx on public.tickets (created_at) include (account_id) where status = 'in_progress';
create index tickets_queue_awaiting_credits_idx on public.tickets (created_at) include (account_id) where status = 'awaiting_credits';
create index tickets_queue_awaiting_confirmation_idx on public.tickets (created_at) include (account_id) where status = 'awaiting_confirmation';
create index tickets_queue_resolved_idx on public.tickets (created_at) include (account_id) where status = 'resolved';
create index tickets_queue_declined_idx on public.tickets (created_at) include (account_id) where status = 'declined';
create index tickets_queue_canceled_idx on public.tickets (created_at) include (account_id) where status = 'canceled';

comment on index public.tickets_queue_new_idx is 'Staff queue: new tickets by age, usable under RLS (see 20261127001000_staff_queue.sql).';
