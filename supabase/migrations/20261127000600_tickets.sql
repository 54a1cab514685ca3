/**
 * Section - Tickets
 * One issue per ticket; credits are charged for the whole ticket under docs/design.md §1's consent rules. Tickets,
 * their messages and their audit trail (ticket_events) are written only by the functions below, which
 * check the caller and the ticket's state, lock the ticket (then the account, see app.transfer), and
 * return the updated row. Lock order everywhere: order → tickets → customer account.
 */

/** One support issue. Money fields change only through the ledger: charged_credits = charges − refunds. */
create table public.tickets (
  id uuid primary key default gen_random_uuid(),
  number integer generated always as identity (start with 1001) unique,
  account_id uuid not null references public.accounts (id),
  created_by uuid references public.profiles (id) on delete set null,
  subject text not null check (length(subject) between 3 and 200),
  body text not null check (length(body) between 1 and 20000),
  pre_approved boolean not null,
  status public.ticket_status not null default 'new',
  category text references public.ticket_categories (code) on update cascade,
  quoted_credits integer check (quoted_credits > 0),
  charged_credits integer not null default 0 check (charged_credits >= 0),
  upgrade_from text check (length(upgrade_from) <= 20),
  upgrade_to text check (length(upgrade_to) <= 20),
  parent_id uuid references public.tickets (id),
  assignee_id uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default now(),
  assessed_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  constraint tickets_upgrade_pair check ((upgrade_from is null) = (upgrade_to is null)),
  constraint tickets_quote_with_category check ((category is null) = (quoted_credits is null))
);
comment on table public.tickets is 'Support tickets (one issue each). Written only by SQL functions; members of the account and staff read them.';
comment on column public.tickets.number is 'Human ticket number (#1001, #1002, …).';
comment on column public.tickets.pre_approved is 'true = "I agree in advance with the assessment"; false = "Tell me the cost first".';
comment on column public.tickets.quoted_credits is 'The ticket''s price in its current category (set by assess/reassess).';
comment on column public.tickets.charged_credits is 'Credits taken for this ticket so far: its ticket_charge transfers minus its ticket_refund transfers.';
comment on column public.tickets.created_at is 'clock_timestamp(), not now(): tickets, messages and events written in one transaction (seed, split) still order by time.';
comment on column public.tickets.closed_at is 'When it was declined or canceled.';

grant select on public.tickets to authenticated, service_role;

alter table public.tickets enable row level security;

create trigger tickets_touch_updated_at before update on public.tickets
  for each row execute function app.touch_updated_at();

create index tickets_account_id_created_at_idx on public.tickets (account_id, created_at desc);
create index tickets_status_created_at_idx on public.tickets (status, created_at);
create index tickets_awaiting_credits_idx on public.tickets (account_id, created_at) where status = 'awaiting_credits';
create index tickets_created_by_idx on public.tickets (created_by);
create index tickets_assignee_id_idx on public.tickets (assignee_id) where assignee_id is not null;
create index tickets_parent_id_idx on public.tickets (parent_id) where parent_id is not null;
create index tickets_category_idx on public.tickets (category);

create policy tickets_select on public.tickets for select to authenticated
  using (account_id = any (array(select app.my_account_ids())) or (select app.is_staff()));

-- The ledger and notifications learn about tickets now that they exist.
alter table public.credit_transfers
  add constraint credit_transfers_ticket_id_fkey foreign key (ticket_id) references public.tickets (id);
alter table public.notifications
  add constraint notifications_ticket_id_fkey foreign key (ticket_id) references public.tickets (id) on delete cascade;

/** The conversation on a ticket (Markdown). Internal notes are for staff only. */
create table public.ticket_messages (
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid not null references public.tickets (id) on delete cascade,
  account_id uuid not null references public.accounts (id),
  author_id uuid references public.profiles (id) on delete set null,
  author_name text not null default '',
  from_staff boolean not null default false,
  body text not null check (length(body) between 1 and 20000),
  internal boolean not null default false,
  created_at timestamptz not null default clock_timestamp()
);
comment on table public.ticket_messages is 'Ticket conversation, written by post_message. Customers never see internal notes.';
comment on column public.ticket_messages.account_id is 'The ticket''s account, copied so the policy needs no join.';
comment on column public.ticket_messages.author_name is 'The author''s name when written (customers cannot read staff profiles).';
comment on column public.ticket_messages.internal is 'Staff-only note: invisible to the customer.';

grant select on public.ticket_messages to authenticated, service_role;

alter table public.ticket_messages enable row level security;

create index ticket_messages_ticket_id_created_at_idx on public.ticket_messages (ticket_id, created_at);
create index ticket_messages_account_id_idx on public.ticket_messages (account_id);
create index ticket_messages_author_id_idx on public.ticket_messages (author_id);

create policy ticket_messages_select on public.ticket_messages for select to authenticated
  using (
    (select app.is_staff())
    or (not internal and account_id = any (array(select app.my_account_ids())))
  );

/**
 * The audit trail: every assessment, confirmation, charge, refund, re-categorization, split, resolution,
 * cancellation and assignment, with who did it. Kinds: created, assessed, quote_confirmed, quote_declined,
 * charged, awaiting_credits, refunded, reassessed, split, resolved, canceled, assigned (internal).
 */
create table public.ticket_events (
  id bigint generated always as identity primary key,
  ticket_id uuid not null references public.tickets (id) on delete cascade,
  account_id uuid not null references public.accounts (id),
  actor_id uuid references public.profiles (id) on delete set null,
  actor_name text not null default '',
  kind text not null check (kind in (
    'created', 'assessed', 'quote_confirmed', 'quote_declined', 'charged', 'awaiting_credits', 'refunded',
    'reassessed', 'split', 'resolved', 'canceled', 'assigned'
  )),
  data jsonb not null default '{}',
  internal boolean not null default false,
  created_at timestamptz not null default clock_timestamp()
);
comment on table public.ticket_events is 'Audit trail of a ticket, written only by SQL functions. Members see non-internal events; staff see all.';
comment on column public.ticket_events.actor_id is 'Who did it; null when Pro Portal did it automatically (e.g. charging a ticket when credits arrived).';
comment on column public.ticket_events.data is 'Facts of the event: credits, category, reason, note, missing, child ticket, …';

grant select on public.ticket_events to authenticated, service_role;

alter table public.ticket_events enable row level security;

create index ticket_events_ticket_id_id_idx on public.ticket_events (ticket_id, id);
create index ticket_events_account_id_idx on public.ticket_events (account_id);
create index ticket_events_actor_id_idx on public.ticket_events (actor_id);

create policy ticket_events_select on public.ticket_events for select to authenticated
  using (
    (select app.is_staff())
    or (not internal and account_id = any (array(select app.my_account_ids())))
  );

/** Section - Ticket helpers (private) */

/** How a person is shown on a ticket. */
create function app.display_name(p_user_id uuid) returns text
language plpgsql stable security definer set search_path = '' as $$
begin
  return coalesce((select coalesce(nullif(p.full_name, ''), p.email) from public.profiles p where p.id = p_user_id), '');
end $$;
revoke execute on function app.display_name(uuid) from public;

/** Appends one event to a ticket's audit trail. */
create function app.log_event(
  p_ticket public.tickets, p_actor uuid, p_kind text, p_data jsonb default '{}', p_internal boolean default false
) returns void
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.ticket_events (ticket_id, account_id, actor_id, actor_name, kind, data, internal)
  values (p_ticket.id, p_ticket.account_id, p_actor, app.display_name(p_actor), p_kind, coalesce(p_data, '{}'), p_internal);
end $$;
revoke execute on function app.log_event(public.tickets, uuid, text, jsonb, boolean) from public;

/** Locks a ticket the caller may act on as a customer (a member of its account); not_found otherwise. */
create function app.lock_member_ticket(p_ticket_id uuid, p_user_id uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
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
end $$;
revoke execute on function app.lock_member_ticket(uuid, uuid) from public;

/** Locks any ticket (for staff functions); not_found when it does not exist. */
create function app.lock_ticket(p_ticket_id uuid) returns public.tickets
language plpgsql security definer set search_path = '' as $$
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
end $$;
revoke execute on function app.lock_ticket(uuid) from public;

/** A category by code, or invalid_input. */
create function app.category(p_code text) returns public.ticket_categories
language plpgsql stable security definer set search_path = '' as $$
declare
  v_category public.ticket_categories;
begin
  select * into v_category from public.ticket_categories c where c.code = p_code;
  if v_category.code is null then
    perform app.raise_error('invalid_input', format('There is no category %s.', coalesce(p_code, '(none)')));
  end if;
  return v_category;
end $$;
revoke execute on function app.category(text) from public;
