/**
 * Section - A maximum balance
 * Why: nothing bounded a balance, so adjustments and purchases pushed it as high as the integer allows;
 * at the limit the overflow answered 500 and left the order pending for ever. A customer balance now has
 * a maximum (a setting, default 1,000,000 credits): a transfer beyond it is refused in words, and a paid
 * order that cannot be credited ends failed with refund_due set, so an admin sees it and refunds it.
 */

/** Settings of the credit rules, one row. Changed by an operator in the SQL console, e.g. `update app.settings set max_balance = 2000000;`. */
create table app.settings (
  id boolean primary key default true check (id),
  max_balance integer not null default 1000000 check (max_balance between 1 and 1000000000)
);
comment on table app.settings is 'Credit rules settings (one row). max_balance: the most credits a customer account may hold.';
comment on column app.settings.max_balance is 'The most credits a customer account may hold (default 1,000,000). Transfers beyond it are refused; a purchase beyond it fails with refund_due.';
insert into app.settings default values;
revoke all on app.settings from public;

create function app.max_balance() returns integer
language sql stable security definer set search_path = '' as $$
  select coalesce((select s.max_balance from app.settings s), 1000000)
$$;
revoke execute on function app.max_balance() from public;

alter table public.orders
  add column refund_due boolean not null default false,
  add column refunded_at timestamptz,
  add column refunded_by uuid references public.profiles (id) on delete set null,
  add column refund_note text check (length(refund_note) <= 500),
  add constraint orders_refund_after_due check (refunded_at is null or refund_due);
comment on column public.orders.refund_due is 'The customer paid but the order could not be credited (failed): the payment must be given back.';
comment on column public.orders.refunded_at is 'When an admin recorded the payment of a refund_due order as refunded.';
create index orders_refund_due_idx on public.orders (created_at) where refund_due and refunded_at is null;

alter table public.notifications drop constraint notifications_kind_check;
alter table public.notifications add constraint notifications_kind_check check (kind in (
  'quote_ready', 'charged', 'credits_needed', 'answered', 'split', 'resolved', 'refunded',
  'credits_added', 'low_balance', 'purchase_failed'
));
comment on column public.notifications.kind is 'quote_ready | charged | credits_needed | answered | split | resolved | refunded | credits_added | low_balance | purchase_failed';

/**
 * As migration 001200's app.transfer, plus the maximum balance: a customer account is never credited
 * beyond app.max_balance() (invalid_state, which undoes the whole call). Checked under the account lock,
 * in bigint so the sum itself cannot overflow.
 */
create or replace function app.transfer(
  p_from uuid,
  p_to uuid,
  p_amount integer,
  p_kind public.credit_transfer_kind,
  p_key text,
  p_created_by uuid,
  p_note text default null,
  p_order_id uuid default null,
  p_ticket_id uuid default null,
  p_id uuid default null
) returns public.credit_transfers
language plpgsql security definer set search_path = '' as $$
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
  if p_from is null or p_to is null or p_from = p_to or p_kind is null or p_key is null then
    perform app.raise_error('invalid_input', 'A transfer needs two different accounts, a kind and an idempotency key.');
  end if;
  select * into v_from from public.accounts a where a.id = p_from;
  select * into v_to from public.accounts a where a.id = p_to;
  if v_from.id is null or v_to.id is null then
    perform app.raise_error('not_found', 'There is no such credit account.');
  end if;

  insert into public.credit_transfers (
    id, from_account_id, to_account_id, amount, kind, idempotency_key, order_id, ticket_id, note, created_by
  ) values (coalesce(p_id, gen_random_uuid()), p_from, p_to, p_amount, p_kind, p_key, p_order_id, p_ticket_id, p_note, p_created_by)
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

  if v_from.system_code is null and v_from.low_balance_threshold > 0
     and v_from.balance >= v_from.low_balance_threshold and v_from_after < v_from.low_balance_threshold then
    perform app.notify_account(
      p_from, 'low_balance', 'Your credit balance is low',
      format('Your balance is %s credits, below %s. Buy more so new tickets are not held up.', v_from_after, v_from.low_balance_threshold),
      jsonb_build_object('balance', v_from_after, 'threshold', v_from.low_balance_threshold)
    );
  end if;

  return v_transfer;
end $$;

/**
 * Records a successful payment: issues the order's credits to its account in one purchase transfer
 * (key `order:<id>`), marks it paid and charges tickets waiting for credits. Idempotent: an order that
 * is already paid is returned unchanged, so duplicate webhooks and concurrent calls credit once. When
 * the credits would take the balance above the maximum, the order ends failed with refund_due (the money
 * was received, so it must go back) and the customer is told; that is an answer, not an error, so the
 * payment provider stops retrying.
 */
create or replace function public.service_role_fulfil_order(p_order_id uuid, p_provider_payment_id text) returns public.orders
language plpgsql security definer set search_path = '' as $$
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
      format('order:%s', v_order.id), v_order.user_id, format('%s credits purchased', v_order.credits), v_order.id, null
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
end $$;
comment on function public.service_role_fulfil_order(uuid, text) is 'Service role: mark an order paid and issue its credits (once; a second call returns the order unchanged). Beyond the maximum balance the order fails with refund_due.';

/**
 * Admin: record that the payment of a refund_due order was given back (in the payment provider's
 * dashboard), with a note. A second call returns the order unchanged.
 */
create function public.admin_mark_order_refunded(p_order_id uuid, p_note text) returns public.orders
language plpgsql security definer set search_path = '' as $$
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
end $$;
comment on function public.admin_mark_order_refunded(uuid, text) is 'Admin: record the refund of a paid order that could not be credited (refund_due), with a note (3–500).';
revoke execute on function public.admin_mark_order_refunded(uuid, text) from public, anon;
grant execute on function public.admin_mark_order_refunded(uuid, text) to authenticated;
