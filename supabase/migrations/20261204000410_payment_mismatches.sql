/**
 * Section - Payment events that do not match their order
 * Why: the Stripe webhook fulfilled whatever order `metadata.order_id` named. It now credits an order
 * only when the event's Checkout Session is the one stored on the order, for the order's amount and
 * currency. A mismatch credits nothing and is kept here as a problem an admin sees and resolves; the
 * webhook still answers 2xx, because Stripe retrying the same event cannot make it match.
 */
alter table public.payment_events
  add column order_id uuid,
  add column problem text check (length(problem) between 1 and 1000),
  add column resolved_at timestamptz,
  add column resolved_by uuid references public.profiles (id) on delete set null,
  add column resolution_note text check (length(resolution_note) <= 500),
  add constraint payment_events_resolved_problem check (resolved_at is null or problem is not null);
comment on column public.payment_events.order_id is 'The order the event named, when it named one (no foreign key: it may name an order that does not exist).';
comment on column public.payment_events.problem is 'Why the event was not applied (session, amount or currency not matching its order, or no such order): an admin must look.';
comment on column public.payment_events.resolved_at is 'When an admin resolved the problem (with resolution_note).';
create index payment_events_open_problems_idx on public.payment_events (created_at) where problem is not null and resolved_at is null;

/** Admin: close a payment event's problem with a note saying what was done (e.g. refunded in Stripe). A second call returns it unchanged. */
create function public.admin_resolve_payment_event(p_event_id text, p_note text) returns public.payment_events
language plpgsql security definer set search_path = '' as $$
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
end $$;
comment on function public.admin_resolve_payment_event(text, text) is 'Admin: mark a payment event''s problem resolved, with a note (3–500).';
revoke execute on function public.admin_resolve_payment_event(text, text) from public, anon;
grant execute on function public.admin_resolve_payment_event(text, text) to authenticated;
