/**
 * Buying credits through Stripe, offline (issue 4): a stack of its own with STRIPE_SECRET_KEY set and
 * STRIPE_API_URL pointing at a fake Stripe API served by this test, and webhook events signed with the
 * `stripe` package's own helper. Proves the session carries the server's price, that a paid order is
 * credited exactly once whatever Stripe redelivers, and that unsigned or stale events change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  balanceOf,
  countOf,
  createUser,
  type Customer,
  invoke,
  notificationsOf,
  orderRow,
  packageWith,
  type PackageRow,
  type PaymentStack,
  purchaseTransfers,
  SITE_URL,
  startPaymentStack,
} from './checkout-support.ts';
import { type FakeSession, type FakeStripe, sessionEvent, type SessionEventType, signature, startFakeStripe } from './fake-stripe.ts';

const SECRET_KEY = 'sk_test_pro_portal_fake';
const WEBHOOK_SECRET = 'whsec_pro_portal_test_secret';

interface CheckoutAnswer {
  order_id: string;
  url: string;
  provider: string;
  error?: { code: string; message: string };
}

let fake: FakeStripe;
let stack: PaymentStack;
let pkg50: PackageRow;
let pkg200: PackageRow;

beforeAll(async () => {
  fake = await startFakeStripe(SECRET_KEY);
  stack = await startPaymentStack({
    STRIPE_SECRET_KEY: SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: fake.url,
  });
  [pkg50, pkg200] = await Promise.all([packageWith(stack, 50), packageWith(stack, 200)]);
});

afterAll(async () => {
  await stack?.stop();
  await fake?.close();
});

const checkout = (who: Customer, body: unknown) => invoke<CheckoutAnswer>(who.client, 'checkout', body);

/** A customer with a Stripe checkout session for `pkg`, as the fake Stripe holds it. */
async function startCheckout(pkg: PackageRow): Promise<{ buyer: Customer; orderId: string; session: FakeSession }> {
  const buyer = await createUser(stack);
  const answer = await checkout(buyer, { package_id: pkg.id });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const order = await orderRow(stack, answer.body.order_id);
  const session = fake.sessions.get(order.provider_session_id ?? '');
  if (!session) throw new Error(`the fake Stripe has no session ${order.provider_session_id}`);
  return { buyer, orderId: order.id, session };
}

/** Delivers a webhook as Stripe does: raw JSON body, optional Stripe-Signature, no apikey, no JWT. */
async function deliver(payload: string, signatureHeader: string | null): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.apiUrl}/functions/v1/stripe-webhook`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      ...(signatureHeader === null ? {} : { 'Stripe-Signature': signatureHeader }),
    },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function deliverSigned(type: SessionEventType, session: FakeSession, changes: Partial<FakeSession> = {}) {
  const payload = sessionEvent(type, session, changes);
  const answer = await deliver(payload, await signature(payload, WEBHOOK_SECRET));
  return { ...answer, payload, eventId: (JSON.parse(payload) as { id: string }).id };
}

const paidChanges = (session: FakeSession): Partial<FakeSession> => ({
  status: 'complete',
  payment_status: 'paid',
  payment_intent: `pi_test_${session.id.slice(-12)}`,
});

async function eventRow(eventId: string) {
  return stack.sql<{ type: string; processed_at: Date | null }>('select type, processed_at from public.payment_events where id = $1', [eventId]);
}

describe('checkout with Stripe', () => {
  it('creates a Checkout Session with the server price, the order id and an idempotency key', async () => {
    const buyer = await createUser(stack);
    const before = fake.requests.length;
    const answer = await checkout(buyer, {
      package_id: pkg200.id,
      price_cents: 1,
      unit_amount: 1,
      amount_cents: 1,
      credits: 99999,
      currency: 'jpy',
      success_url: 'https://evil.example/steal',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.provider).toBe('stripe');

    const sent = fake.requests.slice(before);
    expect(sent, 'one request to Stripe').toHaveLength(1);
    const [request] = sent;
    const orderId = answer.body.order_id;
    expect(request!.path).toBe('/v1/checkout/sessions');
    expect(request!.headers.authorization, 'the secret key').toBe(`Bearer ${SECRET_KEY}`);
    expect(request!.headers['idempotency-key'], 'one idempotency key per order').toBe(`checkout:${orderId}`);
    expect(request!.params, 'what Stripe was asked to charge').toMatchObject({
      mode: 'payment',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][unit_amount]': String(pkg200.price_cents),
      'line_items[0][price_data][currency]': pkg200.currency,
      'line_items[0][price_data][product_data][name]': `${pkg200.credits} support credits`,
      client_reference_id: orderId,
      'metadata[order_id]': orderId,
      customer_email: buyer.email,
      success_url: `${SITE_URL}/checkout/success?order_id=${orderId}&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${SITE_URL}/checkout/cancel?order_id=${orderId}`,
    });
    expect(Object.keys(request!.params).filter((key) => /credits|account|user_id/.test(key)), 'nothing from the body').toEqual([]);

    const order = await orderRow(stack, orderId);
    const session = fake.sessions.get(order.provider_session_id ?? '');
    expect(session, 'the session id is saved on the order').toBeDefined();
    expect(answer.body.url, 'the customer is sent to Stripe Checkout').toBe(session!.url);
    expect(order, 'the order').toMatchObject({
      status: 'pending',
      provider: 'stripe',
      amount_cents: pkg200.price_cents,
      credits: pkg200.credits,
      account_id: buyer.accountId,
    });
  });

  it('repeated clicks reuse the order and get the same session back', async () => {
    const { buyer, orderId, session } = await startCheckout(pkg50);
    const before = fake.requests.length;
    const again = await checkout(buyer, { package_id: pkg50.id });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.order_id, 'same order').toBe(orderId);
    expect(again.body.url, 'same Stripe page').toBe(session.url);
    const sent = fake.requests.slice(before);
    expect(sent.map((r) => r.headers['idempotency-key']), 'the same key, so Stripe answers with the same session').toEqual([
      `checkout:${orderId}`,
    ]);
    const count = await countOf(
      stack,
      "select count(*) from public.orders where user_id = $1 and status = 'pending'",
      [buyer.userId],
    );
    expect(count, 'no pile of pending orders').toBe(1);
  });

  it('a Stripe refusal fails the order and says so; the next click starts afresh', async () => {
    const buyer = await createUser(stack);
    fake.refuseNext = 'Amount must be no more than $999,999.99';
    const refused = await checkout(buyer, { package_id: pkg50.id });
    expect(refused.status, 'bad gateway').toBe(502);
    expect(refused.body.error?.code).toBe('payment_provider_error');
    const [failed] = await stack.sql<{ id: string; status: string; failure_reason: string }>(
      'select id, status, failure_reason from public.orders where user_id = $1',
      [buyer.userId],
    );
    expect(failed, 'the order failed with the reason').toMatchObject({ status: 'failed' });
    expect(failed!.failure_reason).toContain('Amount must be no more than');

    const retry = await checkout(buyer, { package_id: pkg50.id });
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.body.order_id, 'a new order').not.toBe(failed!.id);
  });

  it('the test provider is refused in Stripe mode', async () => {
    const { buyer, orderId } = await startCheckout(pkg50);
    for (const outcome of ['paid', 'canceled']) {
      const attempt = await invoke<{ error?: { code: string; message: string } }>(buyer.client, 'test-payment', { order_id: orderId, outcome });
      expect(attempt.status, outcome).toBe(403);
      expect(attempt.body.error?.code).toBe('test_payments_disabled');
      expect(attempt.body.error?.message).toMatch(/Stripe/);
    }
    expect((await orderRow(stack, orderId)).status, 'untouched').toBe('pending');
    expect(await balanceOf(stack, buyer.accountId), 'no free credits').toBe(0);
  });
});

describe('the Stripe webhook', () => {
  it('a signed checkout.session.completed credits the order once; replays and a second event credit nothing more', async () => {
    const { buyer, orderId, session } = await startCheckout(pkg50);
    const completed = await deliverSigned('checkout.session.completed', session, paidChanges(session));
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);

    const order = await orderRow(stack, orderId);
    expect(order.status, 'paid').toBe('paid');
    expect(order.provider_payment_id, 'the payment intent').toBe(paidChanges(session).payment_intent);
    expect(await balanceOf(stack, buyer.accountId), 'credited').toBe(pkg50.credits);
    expect(await notificationsOf(stack, buyer.userId, 'credits_added'), 'told').toHaveLength(1);
    const [recorded] = await eventRow(completed.eventId);
    expect(recorded?.type, 'event recorded').toBe('checkout.session.completed');
    expect(recorded?.processed_at, 'and processed').not.toBeNull();

    // Stripe redelivers the same event, three times at once.
    const signed = await signature(completed.payload, WEBHOOK_SECRET);
    const replays = await Promise.all([1, 2, 3].map(() => deliver(completed.payload, signed)));
    expect(replays.map((r) => r.status), 'replays are acknowledged').toEqual([200, 200, 200]);
    expect(replays.map((r) => r.body.duplicate), 'as duplicates').toEqual([true, true, true]);
    // A second, distinct event about the same paid session (async_payment_succeeded after completed).
    const second = await deliverSigned('checkout.session.async_payment_succeeded', session, paidChanges(session));
    expect(second.status).toBe(200);

    expect(await balanceOf(stack, buyer.accountId), 'credited once').toBe(pkg50.credits);
    expect(await purchaseTransfers(stack, orderId), 'one purchase transfer').toHaveLength(1);
    expect(await notificationsOf(stack, buyer.userId, 'credits_added'), 'told once').toHaveLength(1);
  });

  it('the same event delivered 3× concurrently the first time credits once', async () => {
    const { buyer, orderId, session } = await startCheckout(pkg50);
    const payload = sessionEvent('checkout.session.completed', session, paidChanges(session));
    const signed = await signature(payload, WEBHOOK_SECRET);
    const answers = await Promise.all([1, 2, 3].map(() => deliver(payload, signed)));
    expect(answers.map((a) => a.status), 'all acknowledged').toEqual([200, 200, 200]);
    expect(await balanceOf(stack, buyer.accountId), 'credited once').toBe(pkg50.credits);
    expect(await purchaseTransfers(stack, orderId), 'one purchase transfer').toHaveLength(1);
    expect((await orderRow(stack, orderId)).status).toBe('paid');
  });

  it('checkout.session.expired after completed does not undo the paid order', async () => {
    const { buyer, orderId, session } = await startCheckout(pkg50);
    expect((await deliverSigned('checkout.session.completed', session, paidChanges(session))).status).toBe(200);
    const expired = await deliverSigned('checkout.session.expired', session, { status: 'expired', payment_status: 'unpaid' });
    expect(expired.status, 'acknowledged, so Stripe stops retrying').toBe(200);
    const failed = await deliverSigned('checkout.session.async_payment_failed', session);
    expect(failed.status).toBe(200);
    const order = await orderRow(stack, orderId);
    expect(order.status, 'still paid').toBe('paid');
    expect(await balanceOf(stack, buyer.accountId), 'credits kept').toBe(pkg50.credits);
    expect((await eventRow(expired.eventId))[0]?.processed_at, 'the expiry is recorded as handled').not.toBeNull();
  });

  it('an expired session fails its pending order; an unpaid completion waits for async_payment_succeeded', async () => {
    const expiring = await startCheckout(pkg50);
    expect((await deliverSigned('checkout.session.expired', expiring.session, { status: 'expired' })).status).toBe(200);
    expect((await orderRow(stack, expiring.orderId)).status, 'expired → failed').toBe('failed');

    const delayed = await startCheckout(pkg50);
    const unpaid = await deliverSigned('checkout.session.completed', delayed.session, { status: 'complete', payment_status: 'unpaid' });
    expect(unpaid.status).toBe(200);
    expect((await orderRow(stack, delayed.orderId)).status, 'not paid yet').toBe('pending');
    expect(await balanceOf(stack, delayed.buyer.accountId)).toBe(0);
    const settled = await deliverSigned('checkout.session.async_payment_succeeded', delayed.session, paidChanges(delayed.session));
    expect(settled.status).toBe(200);
    expect((await orderRow(stack, delayed.orderId)).status, 'paid once the money arrived').toBe('paid');
    expect(await balanceOf(stack, delayed.buyer.accountId)).toBe(pkg50.credits);

    const bounced = await startCheckout(pkg50);
    await deliverSigned('checkout.session.completed', bounced.session, { status: 'complete', payment_status: 'unpaid' });
    expect((await deliverSigned('checkout.session.async_payment_failed', bounced.session)).status).toBe(200);
    expect((await orderRow(stack, bounced.orderId)).status, 'async failure → failed').toBe('failed');
    expect(await balanceOf(stack, bounced.buyer.accountId)).toBe(0);
  });

  it('an event recorded but never processed (a crash half-way) is processed when Stripe retries', async () => {
    const { buyer, orderId, session } = await startCheckout(pkg50);
    const payload = sessionEvent('checkout.session.completed', session, paidChanges(session));
    const event = JSON.parse(payload) as { id: string; type: string };
    // What a function that died right after recording the event leaves behind.
    await stack.sql('insert into public.payment_events (id, type, payload) values ($1, $2, $3)', [event.id, event.type, payload]);
    const retried = await deliver(payload, await signature(payload, WEBHOOK_SECRET));
    expect(retried.status).toBe(200);
    expect(retried.body.duplicate, 'not treated as a finished duplicate').toBeUndefined();
    expect((await orderRow(stack, orderId)).status, 'fulfilled on retry').toBe('paid');
    expect(await balanceOf(stack, buyer.accountId)).toBe(pkg50.credits);
    expect((await eventRow(event.id))[0]?.processed_at, 'now processed').not.toBeNull();
  });

  it('events for orders it does not know, and other event types, are acknowledged and change nothing', async () => {
    const { orderId, session } = await startCheckout(pkg50);
    const stranger = await deliverSigned('checkout.session.completed', session, {
      ...paidChanges(session),
      metadata: { order_id: '00000000-0000-4000-8000-000000000000' },
      client_reference_id: null,
    });
    expect(stranger.status, 'another environment\'s order').toBe(200);
    const payload = JSON.stringify({ id: 'evt_test_other_type', object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), data: { object: { id: 'cus_1', object: 'customer' } } });
    expect((await deliver(payload, await signature(payload, WEBHOOK_SECRET))).status, 'unused type').toBe(200);
    expect((await orderRow(stack, orderId)).status, 'untouched').toBe('pending');
  });

  it('a paid session that is not the order\'s own, or is for another amount or currency, credits nothing, is kept for an admin and answered 200', async () => {
    const cases: Array<[string, (session: FakeSession) => Partial<FakeSession>, RegExp]> = [
      ['another session naming the order', (session) => ({ id: `cs_test_other_${session.id.slice(-8)}` }), /is not the checkout session stored on order/],
      ['a smaller amount', () => ({ amount_total: 1 }), /is for 1 minor units, but order .* costs/],
      ['another currency', () => ({ currency: 'eur' }), /is in eur, but order .* is in usd/],
    ];
    const admin = await createUser(stack, 'admin');
    for (const [what, change, problem] of cases) {
      const { buyer, orderId, session } = await startCheckout(pkg50);
      const answer = await deliverSigned('checkout.session.completed', session, { ...paidChanges(session), ...change(session) });
      expect(answer.status, `${what}: 2xx, so Stripe stops retrying`).toBe(200);
      expect((await orderRow(stack, orderId)).status, `${what}: order untouched`).toBe('pending');
      expect(await balanceOf(stack, buyer.accountId), `${what}: no credits`).toBe(0);
      const [row] = await stack.sql<{ order_id: string; problem: string; processed_at: Date | null; resolved_at: Date | null }>(
        'select order_id, problem, processed_at, resolved_at from public.payment_events where id = $1',
        [answer.eventId],
      );
      expect(row, `${what}: kept with its problem`).toMatchObject({ order_id: orderId, problem: expect.stringMatching(problem), resolved_at: null });
      expect(row?.processed_at, `${what}: handled, not retried`).not.toBeNull();

      // Staff see it; an admin resolves it with a note; a customer cannot.
      const { error: customerError } = await buyer.client.rpc('admin_resolve_payment_event', { p_event_id: answer.eventId, p_note: 'Mine now' });
      expect(customerError?.code, `${what}: a customer cannot resolve`).toBe('42501');
      const { data: seen } = await admin.client.from('payment_events').select('id, problem').eq('id', answer.eventId);
      expect(seen, `${what}: the admin sees it`).toHaveLength(1);
      const { data: resolved, error } = await admin.client
        .rpc('admin_resolve_payment_event', { p_event_id: answer.eventId, p_note: 'Refunded the payment in Stripe' })
        .single<{ resolved_at: string | null; resolution_note: string }>();
      expect(error, `${what}: resolved`).toBeNull();
      expect(resolved, `${what}: with the note`).toMatchObject({ resolution_note: 'Refunded the payment in Stripe' });
      expect(resolved?.resolved_at).not.toBeNull();
    }
  });

  it('an expiry of a session that is not the order\'s own does not fail the order', async () => {
    const { orderId, session } = await startCheckout(pkg50);
    const answer = await deliverSigned('checkout.session.expired', session, { id: 'cs_test_someone_elses', status: 'expired' });
    expect(answer.status).toBe(200);
    expect((await orderRow(stack, orderId)).status, 'still payable').toBe('pending');
  });

  it('forged, tampered, stale and unsigned payloads are refused with 400 and change nothing', async () => {
    const { buyer, orderId, session } = await startCheckout(pkg50);
    const payload = sessionEvent('checkout.session.completed', session, paidChanges(session));
    const eventId = (JSON.parse(payload) as { id: string }).id;
    const now = Math.floor(Date.now() / 1000);

    const attempts: Array<[string, string, string | null]> = [
      ['forged (wrong secret)', payload, await signature(payload, 'whsec_not_the_real_secret')],
      ['stale (signed 301 s ago)', payload, await signature(payload, WEBHOOK_SECRET, now - 301)],
      ['unsigned', payload, null],
      ['garbage signature', payload, 't=1,v1=deadbeef'],
    ];
    // Tampered: a valid signature for another payload (a cheaper session claiming this order).
    const other = sessionEvent('checkout.session.completed', session, { ...paidChanges(session), amount_total: 1 });
    attempts.push(['tampered body', payload.replace('"livemode":false', '"livemode":true'), await signature(other, WEBHOOK_SECRET)]);

    for (const [what, body, header] of attempts) {
      const answer = await deliver(body, header);
      expect(answer.status, what).toBe(400);
      expect((answer.body.error as { code: string }).code, what).toMatch(/^(invalid|missing)_signature$/);
    }
    expect(await eventRow(eventId), 'no event recorded').toEqual([]);
    expect((await orderRow(stack, orderId)).status, 'order untouched').toBe('pending');
    expect(await balanceOf(stack, buyer.accountId), 'no credits').toBe(0);

    // The same payload, correctly signed and fresh, is accepted: the refusals above were the signatures.
    expect((await deliver(payload, await signature(payload, WEBHOOK_SECRET))).status).toBe(200);
    expect(await balanceOf(stack, buyer.accountId), 'now credited').toBe(pkg50.credits);
  });
});
