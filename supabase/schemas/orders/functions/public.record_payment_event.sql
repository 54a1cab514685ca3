-- What an event means for its order (which session, what amount and currency, paid or not, a duplicate or
-- not) is decided here, in one transaction with its effect: deciding it in the webhook and writing one step
-- at a time would let a crash between writes leave an event recorded but not applied. The webhook keeps only
-- what needs Stripe's secret, the signature. A mismatch is kept for an admin rather than retried, since a
-- retry cannot make it match, and the admins are told (payment_review). A simultaneous delivery of the same
-- event waits on its row and is then a duplicate.
create or replace function public.record_payment_event(p_event jsonb)
returns jsonb language plpgsql security definer set search_path = ''
as $function$
declare
  v_id text := p_event->>'id';
  v_type text := p_event->>'type';
  v_event public.payment_events;
  v_session_id text;
  v_order_id uuid;
  v_payment_status text;
  v_amount bigint;
  v_currency text;
  v_payment_id text;
  v_order public.orders;
  v_crediting boolean;
  v_outcome text;
  v_detail text;
begin
  if jsonb_typeof(p_event) is distinct from 'object' or coalesce(length(v_id), 0) not between 1 and 255
     or coalesce(length(v_type), 0) not between 1 and 255 then
    perform app.raise_error('invalid_input', 'A payment event is a JSON object with an id and a type (1–255 characters each).');
  end if;

  insert into public.payment_events (id, type, payload) values (v_id, v_type, p_event)
  on conflict (id) do nothing
  returning * into v_event;
  if v_event.id is null then
    select * into v_event from public.payment_events e where e.id = v_id for update;
    if v_event.processed_at is not null then
      return jsonb_build_object('outcome', 'duplicate', 'order_id', v_event.order_id, 'order_status', null,
        'detail', format('Event %s was processed at %s.', v_id, v_event.processed_at));
    end if;
  end if;

  if v_type not in ('checkout.session.completed', 'checkout.session.async_payment_succeeded',
                    'checkout.session.async_payment_failed', 'checkout.session.expired') then
    v_outcome := 'ignored';
    v_detail := format('Event type %s is not used.', v_type);
  else
    select * into v_session_id, v_order_id, v_payment_status, v_amount, v_currency, v_payment_id
    from app.checkout_session_of(p_event);
    v_crediting := v_type in ('checkout.session.completed', 'checkout.session.async_payment_succeeded');
    if v_order_id is null then
      -- Another app on the same Stripe account, or a session made by hand: not ours to act on.
      v_outcome := 'ignored';
      v_detail := format('The session %s carries no order id.', coalesce(v_session_id, '(none)'));
    elsif v_type = 'checkout.session.completed' and v_payment_status is distinct from 'paid' then
      -- Delayed methods (bank debits) complete unpaid; async_payment_succeeded or _failed follows.
      v_outcome := 'ignored';
      v_detail := format('The session %s completed %s.', v_session_id, coalesce(v_payment_status, 'without a payment status'));
    else
      select * into v_order from public.orders o where o.id = v_order_id for no key update;
      v_outcome := 'mismatch';
      if v_order.id is null then
        v_detail := format('The session %s names an order that does not exist.', v_session_id);
      elsif v_order.provider_session_id is distinct from v_session_id then
        v_detail := format('The session %s is not the checkout session stored on order %s (%s).',
          v_session_id, v_order.id, coalesce(v_order.provider_session_id, 'none'));
      elsif v_crediting and v_amount is distinct from v_order.amount_cents then
        v_detail := format('The session %s is for %s minor units, but order %s costs %s.',
          v_session_id, coalesce(v_amount::text, 'no'), v_order.id, v_order.amount_cents);
      elsif v_crediting and v_currency is distinct from v_order.currency then
        v_detail := format('The session %s is in %s, but order %s is in %s.',
          v_session_id, coalesce(v_currency, 'no currency'), v_order.id, v_order.currency);
      elsif v_crediting then
        v_order := public.service_role_fulfil_order(v_order.id, v_payment_id);
        v_outcome := 'fulfilled';
        v_detail := case when v_order.refund_due then v_order.failure_reason end;
      elsif v_order.status = 'paid' then
        -- Stripe expires a session after 24 hours; a paid order stays paid.
        v_outcome := 'refused';
        v_detail := format('Order %s is already paid; the %s event changes nothing.', v_order.id, v_type);
      else
        v_order := public.service_role_fail_order(v_order.id, case v_type
          when 'checkout.session.async_payment_failed' then 'The payment failed.'
          else 'The checkout session expired before it was paid.' end);
        v_outcome := 'failed';
        v_detail := v_order.failure_reason;
      end if;
    end if;
  end if;

  if v_outcome = 'mismatch' then
    perform app.notify_staff(array['admin']::public.app_role[], 'payment_review',
      'A payment event needs review',
      format('Stripe event %s (%s) was not applied: %s', v_id, v_type, v_detail),
      null, jsonb_build_object('event_id', v_id, 'event_type', v_type, 'order_id', v_order_id, 'problem', left(v_detail, 1000)));
  end if;
  update public.payment_events
  set processed_at = now(),
      order_id = coalesce(v_order_id, order_id),
      problem = case when v_outcome = 'mismatch' then left(v_detail, 1000) else problem end
  where id = v_id;
  return jsonb_build_object('outcome', v_outcome, 'order_id', v_order_id, 'order_status', v_order.status, 'detail', v_detail);
end $function$;

comment on function public.record_payment_event(jsonb) is 'Service role (payment webhooks): apply a verified provider event once; returns {outcome: duplicate | ignored | mismatch | fulfilled | failed | refused, order_id, order_status, detail}.';

revoke all on function public.record_payment_event(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.record_payment_event(jsonb) to service_role;
