/**
 * Section - Notifications
 * In-app notices for what a customer must act on or would want to know. Written only by SQL functions
 * (app.notify); people read their own and mark them read with mark_notifications_read.
 * Kinds: quote_ready, charged, credits_needed, answered, split, resolved, refunded, credits_added, low_balance.
 */

/** One notice to one person. `data` carries the numbers the UI may want (credits, missing, balance). */
create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  ticket_id uuid,
  kind text not null check (kind in (
    'quote_ready', 'charged', 'credits_needed', 'answered', 'split', 'resolved', 'refunded',
    'credits_added', 'low_balance'
  )),
  title text not null,
  body text not null default '',
  data jsonb not null default '{}',
  read_at timestamptz,
  created_at timestamptz not null default clock_timestamp()
);
comment on table public.notifications is 'In-app notices, one per recipient. Written by SQL functions; read and marked read by their recipient.';
comment on column public.notifications.kind is 'quote_ready | charged | credits_needed | answered | split | resolved | refunded | credits_added | low_balance';
comment on column public.notifications.data is 'Facts behind the notice, e.g. {"credits":20} or {"missing":15,"balance":5}.';

grant select on public.notifications to authenticated, service_role;

alter table public.notifications enable row level security;

create index notifications_user_id_created_at_idx on public.notifications (user_id, created_at desc);
create index notifications_user_id_unread_idx on public.notifications (user_id) where read_at is null;
create index notifications_ticket_id_idx on public.notifications (ticket_id);

create policy notifications_select_own on public.notifications for select to authenticated
  using (user_id = (select auth.uid()));

/** Sends one notice to one person (no-op for a null recipient, e.g. a ticket whose author was deleted). */
create function app.notify(
  p_user_id uuid, p_kind text, p_title text, p_body text, p_ticket_id uuid default null, p_data jsonb default '{}'
) returns void
language plpgsql security definer set search_path = '' as $$
begin
  if p_user_id is not null then
    insert into public.notifications (user_id, kind, title, body, ticket_id, data)
    values (p_user_id, p_kind, p_title, p_body, p_ticket_id, coalesce(p_data, '{}'));
  end if;
end $$;
comment on function app.notify(uuid, text, text, text, uuid, jsonb) is 'Insert a notification for one user.';
revoke execute on function app.notify(uuid, text, text, text, uuid, jsonb) from public;

/** Sends one notice to every member of an account (credit events concern everyone who shares the wallet). */
create function app.notify_account(
  p_account_id uuid, p_kind text, p_title text, p_body text, p_data jsonb default '{}'
) returns void
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.notifications (user_id, kind, title, body, data)
  select m.user_id, p_kind, p_title, p_body, coalesce(p_data, '{}')
  from public.account_members m
  where m.account_id = p_account_id;
end $$;
comment on function app.notify_account(uuid, text, text, text, jsonb) is 'Insert a notification for every member of an account.';
revoke execute on function app.notify_account(uuid, text, text, text, jsonb) from public;

/** Marks the caller's notifications read: the given ids, or all unread when p_ids is null. Returns how many changed. */
create function public.mark_notifications_read(p_ids uuid[] default null) returns integer
language plpgsql security definer set search_path = '' as $$
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
end $$;
comment on function public.mark_notifications_read(uuid[]) is 'Mark the caller''s notifications read (all unread when p_ids is null). Returns the number marked.';
revoke execute on function public.mark_notifications_read(uuid[]) from public, anon;
grant execute on function public.mark_notifications_read(uuid[]) to authenticated;
