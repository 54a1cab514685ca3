-- The credits come from the issued system account, the source of all credits, which goes negative by
-- design. Idempotent (a paid order is returned unchanged), so duplicate webhooks and concurrent calls credit
-- once. When the credits would take the balance above the maximum, the order ends failed with refund_due
-- (the money was received, so it must go back) and the customer is told: an answer, not an error, so the
-- payment provider stops retrying; the admins are told (payment_review), since the refund is theirs to make.
-- The credits_added notice carries what a receipt needs (amount paid, currency, date, payment id).
create or replace function public.service_role_fulfil_order(p_order_id uuid, p_provider_payment_id text)
returns public.orders language plpgsql security definer set search_path = ''
as $function$
declare
  v_order public.orders;
  v_payment text := app.clean_text(p_provider_payment_id, 'The provider payment id', 1, 255);
  v_detail text;
begin
  v_order := app.lock_order(p_order_id);
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
      format('order:%s', v_order.id), v_order.user_id,
      p_allow_negative => true, p_note => format('%s purchased', app.credits_text(v_order.credits)),
      p_reference => row(v_order.id, null)::app.transfer_reference
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
      format('Your purchase of %s would take your balance above the maximum of %s, so it was not added. Your payment will be refunded.',
        app.credits_text(v_order.credits), app.credits_text(app.max_balance())),
      jsonb_build_object('order_id', v_order.id, 'credits', v_order.credits));
    perform app.notify_staff(array['admin']::public.app_role[], 'payment_review',
      'A paid order must be refunded',
      format('Order %s was paid (%s %s) but its %s could not be added: %s Refund it with the provider, then mark it refunded.',
        v_order.id, v_order.amount_cents, upper(v_order.currency), app.credits_text(v_order.credits), v_detail),
      null, jsonb_build_object('order_id', v_order.id, 'amount_cents', v_order.amount_cents, 'currency', v_order.currency,
        'problem', v_order.failure_reason));
    return v_order;
  end;
  perform set_config('app.order_payment', v_order.id::text, true);
  update public.orders
  set status = 'paid', paid_at = now(), provider_payment_id = v_payment, failure_reason = null
  where id = v_order.id
  returning * into v_order;
  perform set_config('app.order_payment', '', true);

  perform app.notify_account(v_order.account_id, 'credits_added',
    format('%s added', app.credits_text(v_order.credits)),
    format('Your purchase of %s is complete.', app.credits_text(v_order.credits)),
    jsonb_build_object('credits', v_order.credits, 'order_id', v_order.id, 'amount_cents', v_order.amount_cents,
      'currency', v_order.currency, 'paid_at', v_order.paid_at, 'provider_payment_id', v_order.provider_payment_id,
      'package', (select p.name from public.credit_packages p where p.id = v_order.package_id)));
  perform app.charge_awaiting_tickets(v_order.account_id);
  return v_order;
end $function$;

comment on function public.service_role_fulfil_order(uuid,text) is 'Service role: mark an order paid and issue its credits (once; a second call returns the order unchanged). Beyond the maximum balance the order fails with refund_due.';

revoke all on function public.service_role_fulfil_order(uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.service_role_fulfil_order(uuid,text) to service_role;
