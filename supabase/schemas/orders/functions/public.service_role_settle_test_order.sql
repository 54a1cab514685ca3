create or replace function public.service_role_settle_test_order(p_user_id uuid, p_order_id uuid, p_outcome text)
returns public.orders language plpgsql security definer set search_path = ''
as $function$
declare
  v_order public.orders;
begin
  if p_user_id is null or p_order_id is null then
    perform app.raise_error('invalid_input', 'Give the customer and the order.');
  end if;
  if p_outcome is null or p_outcome not in ('paid', 'canceled') then
    perform app.raise_error('invalid_input', 'The outcome is "paid" or "canceled".');
  end if;
  select * into v_order from public.orders o where o.id = p_order_id for no key update;
  -- An order the customer could not read (another account's, and they are not staff) looks just like an
  -- unknown one, so order ids of other accounts cannot be probed.
  if v_order.id is null or not (
    exists (select 1 from public.account_members m where m.account_id = v_order.account_id and m.user_id = p_user_id)
    or exists (select 1 from public.profiles p where p.id = p_user_id and p.role in ('engineer', 'admin'))
  ) then
    perform app.raise_error('not_found', 'There is no such order among yours.', 'order_not_found');
  end if;
  -- Staff and the other members of a shared account can see the order; only its buyer pays for it.
  if v_order.user_id is distinct from p_user_id then
    perform app.raise_error('forbidden', 'Only the customer who placed this order can pay for it.', 'not_your_order');
  end if;
  if v_order.provider <> 'test' then
    perform app.raise_error('invalid_state', 'This order is paid through Stripe, not the test provider.', 'not_a_test_order');
  end if;

  if p_outcome = 'paid' then
    if v_order.status = 'failed' then
      perform app.raise_error('invalid_state', 'This order was canceled. Start a new purchase to buy credits.', 'order_canceled');
    end if;
    return public.service_role_fulfil_order(v_order.id, format('test:%s', v_order.id));
  end if;
  if v_order.status = 'paid' then
    perform app.raise_error('invalid_state', 'This order is already paid; it cannot be canceled.', 'order_paid');
  end if;
  return public.service_role_fail_order(v_order.id, 'Canceled on the test payment page.');
end $function$;

comment on function public.service_role_settle_test_order(uuid,uuid,text) is 'Service role: the test provider''s payment page settles a test order for its buyer, "paid" (as service_role_fulfil_order) or "canceled" (as service_role_fail_order); repeating the same outcome returns the order unchanged. Refusals carry a reason in HINT: order_not_found (not_found; also another account''s order), not_your_order (forbidden), not_a_test_order, order_canceled, order_paid (invalid_state).';

revoke all on function public.service_role_settle_test_order(uuid,uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.service_role_settle_test_order(uuid,uuid,text) to service_role;
