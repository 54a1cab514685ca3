/**
 * The order rules the payment edge functions used to decide in TypeScript live in SQL, called by the
 * service role: service_role_settle_test_order (the test provider's payment page) and
 * service_role_attach_checkout_session (the Stripe session made by checkout). Each refusal carries a
 * stable reason in the error's hint, which test-payment answers as its error code.
 */
import { randomUUID } from 'node:crypto';
import type { PostgrestError } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  balance,
  checkInvariantsAfterAll,
  createCast,
  createOrder,
  createPerson,
  expectError,
  ok,
  type Person,
  serviceClient,
  sql,
  sqlRow,
} from './support.ts';

checkInvariantsAfterAll();

let engineer: Person;

beforeAll(async () => {
  ({ engineer } = await createCast());
});

interface OrderRow {
  id: string;
  status: string;
  provider: string;
  provider_session_id: string | null;
  provider_payment_id: string | null;
  failure_reason: string | null;
}

const orderRow = (id: string) => sqlRow<OrderRow>('select * from public.orders where id = $1', [id]);

function settle(userId: string, orderId: string, outcome: string) {
  return serviceClient()
    .rpc('service_role_settle_test_order', { p_user_id: userId, p_order_id: orderId, p_outcome: outcome })
    .single<OrderRow>();
}

function attach(orderId: string, sessionId: string) {
  return serviceClient()
    .rpc('service_role_attach_checkout_session', { p_order_id: orderId, p_session_id: sessionId })
    .single<OrderRow>();
}

/** A refusal: SQLSTATE, stable message code, the reason in the hint, and the words in details. */
function expectRefusal(
  result: { error: PostgrestError | null },
  code: string,
  message: string,
  reason: string,
  words: string,
): void {
  expectError(result, code, message, reason);
  expect(result.error?.hint, 'the reason the edge function answers').toBe(reason);
  expect(result.error?.details).toBe(words);
}

async function stripeOrder(person: Person): Promise<string> {
  const { id } = await createOrder(person, 25);
  await sql("update public.orders set provider = 'stripe' where id = $1", [id]);
  return id;
}

describe('service_role_settle_test_order', () => {
  it('pays a test order for its buyer once: the same outcome again returns it unchanged', async () => {
    const buyer = await createPerson();
    const order = await createOrder(buyer, 25);
    const paid = ok(await settle(buyer.userId, order.id, 'paid'), 'pay');
    expect(paid).toMatchObject({ id: order.id, status: 'paid', provider_payment_id: `test:${order.id}` });
    expect(await balance(buyer.accountId)).toBe(25);

    const again = ok(await settle(buyer.userId, order.id, 'paid'), 'pay again');
    expect(again).toMatchObject({ id: order.id, status: 'paid' });
    expect(await balance(buyer.accountId), 'credited once').toBe(25);

    expectRefusal(await settle(buyer.userId, order.id, 'canceled'), 'PT409', 'invalid_state', 'order_paid',
      'This order is already paid; it cannot be canceled.');
    expect((await orderRow(order.id)).status, 'stays paid').toBe('paid');
  });

  it('cancels a pending test order once; a canceled order is not paid afterwards', async () => {
    const buyer = await createPerson();
    const order = await createOrder(buyer, 25);
    expect(ok(await settle(buyer.userId, order.id, 'canceled'), 'cancel')).toMatchObject({
      status: 'failed',
      failure_reason: 'Canceled on the test payment page.',
    });
    expect(ok(await settle(buyer.userId, order.id, 'canceled'), 'cancel again')).toMatchObject({ status: 'failed' });

    expectRefusal(await settle(buyer.userId, order.id, 'paid'), 'PT409', 'invalid_state', 'order_canceled',
      'This order was canceled. Start a new purchase to buy credits.');
    expect(await balance(buyer.accountId), 'no credits').toBe(0);
  });

  it('another account\'s order looks unknown; staff see it but only the buyer settles it', async () => {
    const buyer = await createPerson();
    const stranger = await createPerson();
    const order = await createOrder(buyer, 25);
    const unknown = 'There is no such order among yours.';
    expectRefusal(await settle(stranger.userId, order.id, 'paid'), 'PT404', 'not_found', 'order_not_found', unknown);
    expectRefusal(await settle(buyer.userId, randomUUID(), 'paid'), 'PT404', 'not_found', 'order_not_found', unknown);
    expectRefusal(await settle(engineer.userId, order.id, 'canceled'), '42501', 'forbidden', 'not_your_order',
      'Only the customer who placed this order can pay for it.');
    expect((await orderRow(order.id)).status, 'untouched').toBe('pending');
    expect(await balance(buyer.accountId)).toBe(0);
  });

  it('refuses a Stripe order and an outcome it does not know, changing nothing', async () => {
    const buyer = await createPerson();
    const id = await stripeOrder(buyer);
    expectRefusal(await settle(buyer.userId, id, 'paid'), 'PT409', 'invalid_state', 'not_a_test_order',
      'This order is paid through Stripe, not the test provider.');
    const order = await createOrder(buyer, 25);
    expectError(await settle(buyer.userId, order.id, 'refunded'), '22023', 'invalid_input', 'an unknown outcome');
    expect((await orderRow(id)).status).toBe('pending');
    expect((await orderRow(order.id)).status).toBe('pending');
    expect(await balance(buyer.accountId)).toBe(0);
  });
});

describe('service_role_attach_checkout_session', () => {
  it('records the session of a Stripe order; the same session again returns the order unchanged', async () => {
    const buyer = await createPerson();
    const id = await stripeOrder(buyer);
    const session = `cs_test_${randomUUID()}`;
    expect(ok(await attach(id, session), 'attach')).toMatchObject({ id, status: 'pending', provider_session_id: session });
    expect(ok(await attach(id, session), 'attach again')).toMatchObject({ id, provider_session_id: session });
  });

  it('keeps the session of a paid order and refuses test orders, unknown orders and empty ids', async () => {
    const buyer = await createPerson();
    const id = await stripeOrder(buyer);
    const session = `cs_test_${randomUUID()}`;
    ok(await attach(id, session), 'attach');
    ok(await serviceClient().rpc('service_role_fulfil_order', { p_order_id: id, p_provider_payment_id: `pi_${randomUUID()}` }), 'paid');
    expectError(await attach(id, `cs_test_${randomUUID()}`), 'PT409', 'invalid_state', 'another session for a paid order');
    expect((await orderRow(id)).provider_session_id, 'the session it was paid through').toBe(session);

    const testOrder = await createOrder(buyer, 25);
    expectError(await attach(testOrder.id, `cs_test_${randomUUID()}`), 'PT409', 'invalid_state', 'a test order');
    expectError(await attach(randomUUID(), `cs_test_${randomUUID()}`), 'PT404', 'not_found', 'an unknown order');
    expectError(await attach(id, ''), '22023', 'invalid_input', 'an empty session id');
    expect((await orderRow(testOrder.id)).provider_session_id).toBeNull();
  });
});
