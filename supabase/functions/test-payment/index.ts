/**
 * `test-payment` (verify_jwt): the test provider's "bank". The app's `/checkout/test/<order id>` page
 * ("Test mode — no real payment") calls it with `{ order_id, outcome: 'paid' | 'canceled' }`. It goes
 * through `service_role_settle_test_order`, which decides in the database that only the order's own buyer
 * settles it, only a test-provider order, a canceled one is not paid and a paid one not canceled, and then
 * calls the same `service_role_fulfil_order` / `service_role_fail_order` as Stripe's webhook, so the local
 * flow proves the real one. Here stays only what depends on the configuration: never while Stripe is the
 * configured provider (free credits in production otherwise).
 */
import { jsonResponse } from '../_shared/cors.ts';
import { paymentSettings } from '../_shared/env.ts';
import { badRequest, databaseError, HttpError } from '../_shared/errors.ts';
import { isUuid, postHandler, readJsonObject } from '../_shared/http.ts';
import { ORDER_COLUMNS, type Order } from '../_shared/orders.ts';
import { adminClient, requireCaller } from '../_shared/supabase.ts';

const OUTCOMES = ['paid', 'canceled'] as const;
type Outcome = (typeof OUTCOMES)[number];

/**
 * The database decides whether the caller may settle the order (service_role_settle_test_order); each
 * refusal names its reason in the error's hint, which is the code answered here, with the SQL's words.
 */
const REFUSALS = new Map<string, number>([
  ['order_not_found', 404],
  ['not_your_order', 403],
  ['not_a_test_order', 409],
  ['order_canceled', 409],
  ['order_paid', 409],
]);

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
    const { user } = await requireCaller(req);
    const body = await readJsonObject(req);
    if (!isUuid(body.order_id)) throw badRequest('invalid_order', 'order_id must be the id of one of your orders.');
    if (!OUTCOMES.includes(body.outcome as Outcome)) {
      throw badRequest('invalid_outcome', 'outcome must be "paid" or "canceled".');
    }
    const outcome = body.outcome as Outcome;

    const result = await adminClient()
      .rpc('service_role_settle_test_order', { p_user_id: user.id, p_order_id: body.order_id, p_outcome: outcome })
      .select(ORDER_COLUMNS)
      .single<Order>();
    const { data: order, error } = result;
    if (error) {
      const status = REFUSALS.get(error.hint ?? '');
      if (status !== undefined) throw new HttpError(status, error.hint, error.details);
      throw databaseError(`settling test order ${body.order_id}`, result);
    }
    return jsonResponse(orderView(order));
  }),
);
