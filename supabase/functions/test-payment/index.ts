/**
 * `test-payment` (verify_jwt): the test provider's "bank". The app's `/checkout/test/<order id>` page
 * ("Test mode — no real payment") calls it with `{ order_id, outcome: 'paid' | 'canceled' }`. It goes
 * through the same `service_role_fulfil_order` / `service_role_fail_order` as Stripe's webhook, so the
 * local flow proves the real one. Only the order's own buyer may use it, only for test-provider orders,
 * and never while Stripe is the configured provider (free credits in production otherwise).
 */
import { jsonResponse } from '../_shared/cors.ts';
import { paymentSettings } from '../_shared/env.ts';
import { badRequest, databaseError, HttpError } from '../_shared/errors.ts';
import { isUuid, postHandler, readJsonObject } from '../_shared/http.ts';
import { failOrder, fulfilOrder, ORDER_COLUMNS, type Order } from '../_shared/orders.ts';
import { requireCaller } from '../_shared/supabase.ts';

const OUTCOMES = ['paid', 'canceled'] as const;
type Outcome = (typeof OUTCOMES)[number];

function orderView(order: Order) {
  return {
    order: {
      id: order.id,
      status: order.status,
      credits: order.credits,
      amount_cents: order.amount_cents,
      currency: order.currency,
      paid_at: order.paid_at,
    },
  };
}

Deno.serve(
  postHandler(async (req) => {
    if (paymentSettings().provider !== 'test') {
      throw new HttpError(403, 'test_payments_disabled', 'Test payments are switched off: payments go through Stripe here.');
    }
    const caller = await requireCaller(req);
    const body = await readJsonObject(req);
    if (!isUuid(body.order_id)) throw badRequest('invalid_order', 'order_id must be the id of one of your orders.');
    if (!OUTCOMES.includes(body.outcome as Outcome)) {
      throw badRequest('invalid_outcome', 'outcome must be "paid" or "canceled".');
    }
    const outcome = body.outcome as Outcome;

    // Read as the caller: RLS hides other accounts' orders, so they look just like unknown ones.
    const { data: order, error, status } = await caller.client
      .from('orders')
      .select(ORDER_COLUMNS)
      .eq('id', body.order_id)
      .maybeSingle<Order>();
    if (error) throw databaseError(`reading order ${body.order_id}`, { error, status });
    if (!order) throw new HttpError(404, 'order_not_found', 'There is no such order among yours.');
    // Staff and other members of a shared account can see the order; only its buyer pays for it.
    if (order.user_id !== caller.user.id) throw new HttpError(403, 'not_your_order', 'Only the customer who placed this order can pay for it.');
    if (order.provider !== 'test') {
      throw new HttpError(409, 'not_a_test_order', 'This order is paid through Stripe, not the test provider.');
    }
    if (outcome === 'paid' && order.status === 'failed') {
      throw new HttpError(409, 'order_canceled', 'This order was canceled. Start a new purchase to buy credits.');
    }

    const result = outcome === 'paid'
      ? await fulfilOrder(order.id, `test:${order.id}`)
      : await failOrder(order.id, 'Canceled on the test payment page.');
    if (!result.ok) {
      if (result.refusal === 'invalid_state') {
        throw new HttpError(409, 'order_paid', 'This order is already paid; it cannot be canceled.');
      }
      throw new HttpError(404, 'order_not_found', 'There is no such order among yours.');
    }
    return jsonResponse(orderView(result.order));
  }),
);
