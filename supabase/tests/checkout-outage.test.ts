/**
 * The payment functions while Postgres is down (its postmaster killed, the stack's restart held): the
 * platform answers 503, and so must checkout, test-payment and stripe-webhook. A customer is told to try
 * again in a moment, not to sign in again (a 401) or that something broke (a 500); Stripe gets a 503 and
 * redelivers. Once Postgres is back the same calls succeed, and the outage left nothing half-written.
 *
 * The test provider is configured (test-payment works only with it); STRIPE_WEBHOOK_SECRET is set too,
 * so the webhook verifies signatures and reaches the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseError, HttpError } from '../functions/_shared/errors.ts';
import { Hold, postmasterPid } from '@pro-portal/supabase-local/testing/postgres-hold';
import {
  balanceOf,
  countOf,
  createUser,
  type Customer,
  orderRow,
  packageWith,
  type PackageRow,
  type PaymentStack,
  startPaymentStack,
} from './checkout-support.ts';
import { type FakeSession, sessionEvent, signature } from './fake-stripe.ts';

const WEBHOOK_SECRET = 'whsec_pro_portal_outage_secret';
const RECOVERY_LIMIT_MS = 30_000;

let hold = new Hold();
hold.release();
let stack: PaymentStack;
let customer: Customer;
let pkg25: PackageRow;
let pkg50: PackageRow;

beforeAll(async () => {
  stack = await startPaymentStack(
    { PAYMENT_PROVIDER: 'test', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET },
    { beforePostgresRestart: () => hold.wait() },
  );
  customer = await createUser(stack);
  [pkg25, pkg50] = await Promise.all([packageWith(stack, 25), packageWith(stack, 50)]);
});

afterAll(async () => {
  hold.release();
  await stack?.stop();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { error?: { code: string; message: string }; order_id?: string; order?: { status: string }; received?: boolean };
}

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Answer['body'] };
}

/** POSTs to a function as supabase-js's `functions.invoke` does for the signed-in customer, keeping the headers. */
async function callAsCustomer(name: string, body: unknown): Promise<Answer> {
  const { data } = await customer.client.auth.getSession();
  const token = data.session?.access_token;
  if (!token) throw new Error('the customer has no session');
  const response = await fetch(`${stack.apiUrl}/functions/v1/${name}`, {
    method: 'POST',
    headers: { apikey: stack.running.keys.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return answerOf(response);
}

/** Delivers a signed webhook event as Stripe does: raw JSON body, Stripe-Signature, no JWT. */
async function deliver(payload: string): Promise<Answer> {
  const response = await fetch(`${stack.apiUrl}/functions/v1/stripe-webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': await signature(payload, WEBHOOK_SECRET) },
    body: payload,
  });
  return answerOf(response);
}

/** Soft, so that one answer being wrong still shows what the others were. */
function expectTemporarilyUnavailable(answer: Answer, what: string): void {
  expect.soft(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(503);
  expect.soft(answer.retryAfter, `${what}: Retry-After`).toBe('1');
  expect.soft(answer.body.error?.code, what).toBe('temporarily_unavailable');
  expect.soft(answer.body.error?.message, what).toMatch(/try again in a moment/);
}

/** A session event of an order checkout never sent to Stripe: our handling records it, then leaves the order be. */
function webhookEvent(orderId: string): { id: string; payload: string } {
  const session: FakeSession = {
    id: `cs_test_outage_${Date.now()}`,
    object: 'checkout.session',
    mode: 'payment',
    status: 'complete',
    payment_status: 'paid',
    payment_intent: 'pi_test_outage',
    client_reference_id: orderId,
    metadata: { order_id: orderId },
    amount_total: pkg25.price_cents,
    currency: pkg25.currency,
    url: 'https://checkout.stripe.test/c/pay/outage',
    success_url: '',
    cancel_url: '',
  };
  const payload = sessionEvent('checkout.session.completed', session);
  return { id: (JSON.parse(payload) as { id: string }).id, payload };
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('payment functions while Postgres is down', () => {
  it('answer 503 temporarily_unavailable with Retry-After, then work again with nothing half-written', async () => {
    // Before the outage: a pending order waiting on the test payment page.
    const opened = await callAsCustomer('checkout', { package_id: pkg25.id });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    const pendingId = opened.body.order_id!;
    const ordersOf = () => countOf(stack, 'select count(*) from public.orders where account_id = $1', [customer.accountId]);
    expect(await ordersOf()).toBe(1);
    const event = webhookEvent(pendingId);

    hold = new Hold();
    process.kill(postmasterPid(stack.dataDir), 'SIGKILL');
    await hold.reached;
    let duringOutage: { checkout: Answer; payment: Answer; webhook: Answer };
    try {
      duringOutage = {
        // A valid session whose check fails because Auth cannot reach its database: not "sign in again".
        checkout: await callAsCustomer('checkout', { package_id: pkg50.id }),
        payment: await callAsCustomer('test-payment', { order_id: pendingId, outcome: 'paid' }),
        // The webhook needs no Auth: its first write reaches PostgREST, which has no database behind it.
        webhook: await deliver(event.payload),
      };
    } finally {
      hold.release();
    }
    expectTemporarilyUnavailable(duringOutage.checkout, 'checkout');
    expectTemporarilyUnavailable(duringOutage.payment, 'test-payment');
    expectTemporarilyUnavailable(duringOutage.webhook, 'stripe-webhook');
    expect.soft(duringOutage.webhook.body.error?.message, 'says what is missing').toMatch(/database is unavailable/);

    await until(async () => (await callAsCustomer('checkout', { package_id: pkg50.id })).status === 200, RECOVERY_LIMIT_MS, 'checkout back');

    // The calls made during the outage changed nothing: no order, no payment, no event.
    expect(await ordersOf(), 'the pending order, and the one checkout made once back').toBe(2);
    expect((await orderRow(stack, pendingId)).status).toBe('pending');
    expect(await balanceOf(stack, customer.accountId)).toBe(0);
    expect(await countOf(stack, 'select count(*) from public.payment_events where id = $1', [event.id])).toBe(0);

    // And once back, each answers as it would have: checkout reuses its order, the payment goes through,
    // Stripe's redelivery is recorded and processed.
    const again = await callAsCustomer('checkout', { package_id: pkg50.id });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(await ordersOf()).toBe(2);
    const paid = await callAsCustomer('test-payment', { order_id: pendingId, outcome: 'paid' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.order?.status).toBe('paid');
    expect(await balanceOf(stack, customer.accountId)).toBe(pkg25.credits);
    const redelivered = await deliver(event.payload);
    expect(redelivered.status, JSON.stringify(redelivered.body)).toBe(200);
    expect(
      await countOf(stack, 'select count(*) from public.payment_events where id = $1 and processed_at is not null', [event.id]),
    ).toBe(1);
  }, 120_000);

  it('still answers 401 when Auth refuses the token (its user was deleted), as before', async () => {
    const deleted = await createUser(stack);
    const { data } = await deleted.client.auth.getSession();
    const token = data.session!.access_token;
    await stack.serviceClient().auth.admin.deleteUser(deleted.userId);
    const response = await fetch(`${stack.apiUrl}/functions/v1/checkout`, {
      method: 'POST',
      headers: { apikey: stack.running.keys.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ package_id: pkg25.id }),
    });
    const answer = await answerOf(response);
    expect(answer.status, JSON.stringify(answer.body)).toBe(401);
    expect(answer.body.error?.code).toBe('not_signed_in');
  });
});

/**
 * The mapping itself, for the failures an outage of this stack does not produce in the functions (Auth
 * fails first for checkout and test-payment; the webhook's first call is a write, answered PGRST000).
 * errors.ts has no imports, so Node runs the functions' own code here.
 */
describe('databaseError', () => {
  const unavailable = (result: Parameters<typeof databaseError>[1]) => {
    const error = databaseError('reading x', result);
    return error instanceof HttpError && error.status === 503 && error.code === 'temporarily_unavailable';
  };

  it('is a 503 when the database or the way to it is down', () => {
    // supabase-js's result when fetch itself failed (REST unreachable): status 0, no code.
    expect(unavailable({ error: { code: '', message: 'TypeError: fetch failed', details: 'ECONNREFUSED' }, status: 0 })).toBe(true);
    for (const code of ['PGRST000', 'PGRST001', 'PGRST002']) {
      expect(unavailable({ error: { code, message: 'Database connection error. Retrying the connection.' }, status: 503 }), code).toBe(true);
    }
    expect(unavailable({ error: { code: 'PGRST003', message: 'Timed out acquiring connection from connection pool.' }, status: 504 })).toBe(true);
    expect(unavailable({ error: { message: 'Bad gateway' }, status: 502 })).toBe(true);
    const error = databaseError('reading x', { error: { code: 'PGRST000', message: 'down' }, status: 503 }) as HttpError;
    expect(error.headers).toEqual({ 'Retry-After': '1' });
    expect(error.message).toMatch(/database is unavailable.*try again in a moment/);
    expect(error.detail, 'the log says what failed').toMatch(/^reading x failed: HTTP 503 PGRST000 down/);
  });

  it('stays a plain error (a 500) for what a retry cannot fix', () => {
    for (const [code, status] of [['42501', 403], ['42P01', 404], ['PGRST204', 400], ['XX000', 500]] as const) {
      const error = databaseError('reading x', { error: { code, message: 'refused', details: null }, status });
      expect(error, code).not.toBeInstanceOf(HttpError);
      expect(error.message).toBe(`reading x failed: HTTP ${status} ${code} refused`);
    }
  });
});
