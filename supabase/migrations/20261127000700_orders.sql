/**
 * Section - Orders and credits in
 * Purchases (created pending by the checkout edge function with the service role, fulfilled or failed by
 * the payment functions), webhook de-duplication, and the admin's credit adjustments. A paid order's
 * credits arrive only through service_role_fulfil_order, exactly once; whenever credits arrive, waiting
 * tickets are charged oldest first.
 */

/** A purchase of one package. Credits and price are copied from the package when created and never change. */
create table public.orders (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id),
  user_id uuid references public.profiles (id) on delete set null,
  package_id uuid not null references public.credit_packages (id),
  credits integer not null check (credits > 0),
  amount_cents integer not null check (amount_cents > 0),
  currency text not null default 'usd' check (currency ~ '^[a-z]{3}$'),
  status public.order_status not null default 'pending',
  provider text not null default 'test' check (provider in ('test', 'stripe')),
  provider_session_id text unique check (length(provider_session_id) <= 255),
  provider_payment_id text check (length(provider_payment_id) <= 255),
  failure_reason text check (length(failure_reason) <= 500),
  paid_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint orders_paid_at_when_paid check ((status = 'paid') = (paid_at is not null))
);
comment on table public.orders is 'Credit purchases. Created pending by the checkout function (service role); paid only via service_role_fulfil_order, failed via service_role_fail_order.';
comment on column public.orders.credits is 'Credits bought, copied from the package at creation.';
comment on column public.orders.amount_cents is 'Price paid in minor units, copied from the package at creation (later price changes do not touch it).';
comment on column public.orders.provider_session_id is 'The payment provider''s checkout session id (Stripe cs_…), set by the checkout function.';

grant select on public.orders to authenticated;
grant select, insert, update on public.orders to service_role;

alter table public.orders enable row level security;

/**
 * Keeps orders honest whoever writes them (service role or console): new orders are pending and bought
 * by a member of the account; what was bought and for how much never changes; the status moves only
 * inside the payment functions (pending → paid | failed, failed → paid), and a paid order must have its
 * purchase transfer.
 */
create function app.guard_order() returns trigger
language plpgsql security definer set search_path = '' as $$
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
end $$;
revoke execute on function app.guard_order() from public;

create trigger orders_guard before insert or update on public.orders
  for each row execute function app.guard_order();
create trigger orders_touch_updated_at before update on public.orders
  for each row execute function app.touch_updated_at();

create index orders_account_id_created_at_idx on public.orders (account_id, created_at desc);
create index orders_user_id_idx on public.orders (user_id);
create index orders_package_id_idx on public.orders (package_id);
create index orders_paid_user_idx on public.orders (user_id) where status = 'paid';

create policy orders_select on public.orders for select to authenticated
  using (account_id = any (array(select app.my_account_ids())) or (select app.is_staff()));

alter table public.credit_transfers
  add constraint credit_transfers_order_id_fkey foreign key (order_id) references public.orders (id);

/** Provider webhook events already handled, so a redelivered event is a no-op (`insert … on conflict do nothing`). */
create table public.payment_events (
  id text primary key check (length(id) between 1 and 255),
  type text not null check (length(type) between 1 and 255),
  payload jsonb not null default '{}',
  processed_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.payment_events is 'Payment provider webhook events by provider event id (de-duplication). Written by edge functions with the service role; staff may read.';

grant select on public.payment_events to authenticated;
grant select, insert, update on public.payment_events to service_role;

alter table public.payment_events enable row level security;

create policy payment_events_select_staff on public.payment_events for select to authenticated
  using ((select app.is_staff()));

/** Section - Service-role functions (edge functions only) */

/**
 * Records a successful payment: issues the order's credits to its account in one purchase transfer
 * (key `order:<id>`), marks it paid and charges tickets waiting for credits. Idempotent: an order that
 * is already paid is returned unchanged, so duplicate webhooks and concurrent calls credit once.
 */
create function public.service_role_fulfil_order(p_order_id uuid, p_provider_payment_id text) returns public.orders
language plpgsql security definer set search_path = '' as $$
declare
  v_order public.orders;
  v_payment text := app.clean_text(p_provider_payment_id, 'The provider payment id', 1, 255);
begin
  if p_order_id is null then
    perform app.raise_error('invalid_input', 'Give the order id.');
  end if;
  select * into v_order from public.orders o where o.id = p_order_id for no key update;
  if v_order.id is null then
    perform app.raise_error('not_found', 'There is no such order.');
  end if;
  if v_order.status = 'paid' then
    return v_order;
  end if;

  -- Lock order: order → waiting tickets → account (as every ticket function: ticket → account).
  perform 1 from public.tickets t
  where t.account_id = v_order.account_id and t.status = 'awaiting_credits'
  order by t.created_at, t.number
  for no key update;

  perform app.transfer(
    app.system_account_id('issued'), v_order.account_id, v_order.credits, 'purchase',
    format('order:%s', v_order.id), v_order.user_id, format('%s credits purchased', v_order.credits), v_order.id, null
  );
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
end $$;
comment on function public.service_role_fulfil_order(uuid, text) is 'Service role: mark an order paid and issue its credits (once; a second call returns the order unchanged).';
revoke execute on function public.service_role_fulfil_order(uuid, text) from public, anon, authenticated;
grant execute on function public.service_role_fulfil_order(uuid, text) to service_role;

/** Records a failed or expired payment of a pending order. A failed order is returned unchanged; a paid one cannot fail. */
create function public.service_role_fail_order(p_order_id uuid, p_reason text) returns public.orders
language plpgsql security definer set search_path = '' as $$
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
end $$;
comment on function public.service_role_fail_order(uuid, text) is 'Service role: mark a pending order failed (reason 1–500). Idempotent for failed orders; refuses paid ones.';
revoke execute on function public.service_role_fail_order(uuid, text) from public, anon, authenticated;
grant execute on function public.service_role_fail_order(uuid, text) to service_role;

/** Section - Admin adjustments */

/**
 * An admin corrects a customer's balance by ±p_amount with a note saying why (the statement shows it).
 * A negative adjustment cannot take the balance below zero; a positive one charges waiting tickets.
 */
create function public.adjust_credits(p_account_id uuid, p_amount integer, p_note text) returns public.credit_transfers
language plpgsql security definer set search_path = '' as $$
declare
  v_uid uuid := app.require_admin();
  v_note text := app.clean_text(p_note, 'The note', 3, 500);
  v_transfer public.credit_transfers;
begin
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
      format('adjustment:%s', gen_random_uuid()), v_uid, v_note);
    perform app.notify_account(p_account_id, 'credits_added', format('%s credits added', p_amount), v_note,
      jsonb_build_object('credits', p_amount, 'transfer_id', v_transfer.id));
    perform app.charge_awaiting_tickets(p_account_id);
  else
    v_transfer := app.transfer(p_account_id, app.system_account_id('adjustments'), -p_amount, 'adjustment',
      format('adjustment:%s', gen_random_uuid()), v_uid, v_note);
  end if;
  return v_transfer;
end $$;
comment on function public.adjust_credits(uuid, integer, text) is 'Admin: add (+) or remove (−) credits with a note (3–500); cannot overdraw.';
revoke execute on function public.adjust_credits(uuid, integer, text) from public, anon;
grant execute on function public.adjust_credits(uuid, integer, text) to authenticated;
