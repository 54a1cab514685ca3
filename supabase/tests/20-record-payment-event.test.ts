/**
 * public.record_payment_event, the database's half of the Stripe webhook, called as the webhook does
 * (service role) with events built here, so every outcome is proved without Stripe: fulfilled, failed,
 * refused, ignored, mismatch (unknown order, another session, another amount or currency: nothing
 * credited, the problem kept) and duplicate (the same event id applies once). Only the service role
 * may call it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  anonClient,
  balance,
  checkInvariantsAfterAll,
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

interface Recorded {
  outcome: string;
  order_id: string | null;
  order_status: string | null;
  detail: string | null;
}

interface EventRow {
  order_id: string | null;
  problem: string | null;
  processed_at: Date | null;
}

let customer: Person;

beforeAll(async () => {
  customer = await createPerson();
});

/** A pending order whose checkout session is stored on it, as the checkout function leaves it. */
async function orderWithSession(person: Person, credits = 25) {
  const order = await createOrder(person, credits);
  const sessionId = `cs_test_${crypto.randomUUID()}`;
  await sql('update public.orders set provider_session_id = $2 where id = $1', [order.id, sessionId]);
  return { ...order, sessionId, currency: 'usd' };
}

type Order = Awaited<ReturnType<typeof orderWithSession>>;

/** A Checkout Session event as Stripe sends it, for `order` unless the changes say otherwise. */
function sessionEvent(type: string, order: Order, changes: Record<string, unknown> = {}) {
  return {
    id: `evt_test_${crypto.randomUUID()}`,
    object: 'event',
    type,
    data: {
      object: {
        id: order.sessionId,
        object: 'checkout.session',
        amount_total: order.amount_cents,
        currency: order.currency,
        payment_status: type === 'checkout.session.expired' ? 'unpaid' : 'paid',
        payment_intent: `pi_test_${order.id.slice(0, 8)}`,
        client_reference_id: order.id,
        metadata: { order_id: order.id },
        ...changes,
      },
    },
  };
}

async function record(event: unknown): Promise<Recorded> {
  return ok(await serviceClient().rpc('record_payment_event', { p_event: event }), 'record_payment_event') as Recorded;
}

async function orderStatus(orderId: string): Promise<{ status: string; provider_payment_id: string | null }> {
  return sqlRow('select status, provider_payment_id from public.orders where id = $1', [orderId]);
}

async function eventRow(eventId: string): Promise<EventRow | undefined> {
  const [row] = await sql<EventRow>('select order_id, problem, processed_at from public.payment_events where id = $1', [eventId]);
  return row;
}

describe('record_payment_event', () => {
  it('fulfils the order of a paid session once; the same event again is a duplicate that credits nothing', async () => {
    const order = await orderWithSession(customer);
    const before = await balance(customer.accountId);
    const event = sessionEvent('checkout.session.completed', order);

    expect(await record(event)).toEqual({ outcome: 'fulfilled', order_id: order.id, order_status: 'paid', detail: null });
    expect(await orderStatus(order.id)).toEqual({ status: 'paid', provider_payment_id: `pi_test_${order.id.slice(0, 8)}` });
    expect(await balance(customer.accountId), 'credited').toBe(before + order.credits);
    expect((await eventRow(event.id))?.processed_at, 'processed').not.toBeNull();

    const again = await record(event);
    expect(again.outcome, 'a redelivery').toBe('duplicate');
    expect(await balance(customer.accountId), 'credited once').toBe(before + order.credits);

    // Simultaneous redeliveries of a new event: one applies it, the others wait and see a duplicate.
    const other = await orderWithSession(customer);
    const concurrent = sessionEvent('checkout.session.async_payment_succeeded', other);
    const outcomes = (await Promise.all(Array.from({ length: 6 }, () => record(concurrent)))).map((r) => r.outcome).sort();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'fulfilled']);
    expect(await balance(customer.accountId), 'the second order credited once').toBe(before + order.credits + other.credits);
  });

  it('fails a pending order on an async failure or an expiry, and refuses to fail a paid one', async () => {
    const failing = await orderWithSession(customer);
    const failed = await record(sessionEvent('checkout.session.async_payment_failed', failing));
    expect(failed).toMatchObject({ outcome: 'failed', order_id: failing.id, order_status: 'failed', detail: 'The payment failed.' });

    const expiring = await orderWithSession(customer);
    expect(await record(sessionEvent('checkout.session.expired', expiring))).toMatchObject({
      outcome: 'failed',
      order_status: 'failed',
      detail: 'The checkout session expired before it was paid.',
    });

    const paid = await orderWithSession(customer);
    await record(sessionEvent('checkout.session.completed', paid));
    const late = await record(sessionEvent('checkout.session.expired', paid));
    expect(late).toMatchObject({ outcome: 'refused', order_status: 'paid' });
    expect((await orderStatus(paid.id)).status, 'stays paid').toBe('paid');
  });

  it('ignores other event types, sessions without an order id and checkouts that completed unpaid, and changes no order', async () => {
    const order = await orderWithSession(customer);
    const before = await balance(customer.accountId);
    const cases: Array<[string, unknown, RegExp]> = [
      ['another type', { id: `evt_test_${crypto.randomUUID()}`, type: 'customer.created', data: { object: { id: 'cus_1' } } }, /not used/],
      ['no order id', sessionEvent('checkout.session.completed', order, { metadata: {}, client_reference_id: null }), /carries no order id/],
      ['not a uuid', sessionEvent('checkout.session.completed', order, { metadata: { order_id: 'order-1' } }), /carries no order id/],
      ['completed unpaid', sessionEvent('checkout.session.completed', order, { payment_status: 'unpaid' }), /completed unpaid/],
    ];
    for (const [what, event, detail] of cases) {
      const recorded = await record(event);
      expect(recorded.outcome, what).toBe('ignored');
      expect(recorded.detail, what).toMatch(detail);
      expect((await eventRow((event as { id: string }).id))?.problem, `${what}: no problem for an admin`).toBeNull();
    }
    expect((await orderStatus(order.id)).status, 'untouched').toBe('pending');
    expect(await balance(customer.accountId)).toBe(before);
  });

  it('keeps a session that does not match its order as a problem and credits nothing: unknown order, another session, amount or currency', async () => {
    const before = await balance(customer.accountId);
    const unknownOrder = '00000000-0000-4000-8000-000000000000';
    const cases: Array<[string, (order: Order) => Record<string, unknown>, RegExp]> = [
      ['an unknown order', () => ({ metadata: { order_id: unknownOrder }, client_reference_id: null }), /names an order that does not exist/],
      ['another session', () => ({ id: `cs_test_other_${crypto.randomUUID()}` }), /is not the checkout session stored on order/],
      ['a smaller amount', () => ({ amount_total: 1 }), /is for 1 minor units, but order .* costs/],
      ['no amount', () => ({ amount_total: null }), /is for no minor units/],
      ['another currency', () => ({ currency: 'eur' }), /is in eur, but order .* is in usd/],
    ];
    for (const [what, change, problem] of cases) {
      const order = await orderWithSession(customer);
      const event = sessionEvent('checkout.session.completed', order, change(order));
      const recorded = await record(event);
      expect(recorded.outcome, what).toBe('mismatch');
      expect(recorded.detail, what).toMatch(problem);
      const row = await eventRow(event.id);
      expect(row, `${what}: kept with its problem`).toMatchObject({
        order_id: what === 'an unknown order' ? unknownOrder : order.id,
        problem: expect.stringMatching(problem),
      });
      expect(row?.processed_at, `${what}: processed, not retried`).not.toBeNull();
      expect((await orderStatus(order.id)).status, `${what}: order untouched`).toBe('pending');
      expect((await record(event)).outcome, `${what}: a redelivery is a duplicate`).toBe('duplicate');
    }
    // An expiry of someone else's session must not fail the order either.
    const order = await orderWithSession(customer);
    const expiry = await record(sessionEvent('checkout.session.expired', order, { id: 'cs_test_someone_elses' }));
    expect(expiry.outcome).toBe('mismatch');
    expect((await orderStatus(order.id)).status, 'still payable').toBe('pending');
    expect(await balance(customer.accountId), 'nothing credited').toBe(before);
  });

  it('processes an event recorded earlier but never processed', async () => {
    const order = await orderWithSession(customer);
    const event = sessionEvent('checkout.session.completed', order);
    await sql('insert into public.payment_events (id, type, payload) values ($1, $2, $3)', [event.id, event.type, event]);
    expect((await record(event)).outcome).toBe('fulfilled');
    expect((await orderStatus(order.id)).status).toBe('paid');
  });

  it('refuses a malformed event in words and records nothing', async () => {
    for (const event of [null, 'evt_1', { type: 'checkout.session.completed' }, { id: 'evt_test_no_type' }, { id: '', type: 'x' }]) {
      expectError(await serviceClient().rpc('record_payment_event', { p_event: event }), '22023', 'invalid_input', JSON.stringify(event));
    }
    expect(await sql("select id from public.payment_events where id = 'evt_test_no_type'")).toEqual([]);
  });

  it('is for the service role only', async () => {
    const order = await orderWithSession(customer);
    const event = sessionEvent('checkout.session.completed', order);
    expectError(await customer.client.rpc('record_payment_event', { p_event: event }), '42501', undefined, 'a customer');
    expectError(await anonClient().rpc('record_payment_event', { p_event: event }), '42501', undefined, 'anon');
    expect((await orderStatus(order.id)).status).toBe('pending');
  });
});
