/**
 * Payments misconfigured (issue 4): PAYMENT_PROVIDER=stripe without STRIPE_SECRET_KEY or the webhook
 * secret, and a hosted deployment with no provider configured at all, must say what is missing, and
 * must neither fall back to free test payments nor drop events.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { balanceOf, createUser, invoke, packageWith, type PaymentStack, startPaymentStack } from './checkout-support.ts';

interface ErrorAnswer {
  error?: { code: string; message: string };
}

let stack: PaymentStack;
let hosted: PaymentStack;

beforeAll(async () => {
  // Empty values override whatever the developer's shell or supabase/functions/.env may hold.
  [stack, hosted] = await Promise.all([
    startPaymentStack({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' }),
    // SB_REGION is what hosted Supabase sets and `supabase functions serve` does not.
    startPaymentStack({ PAYMENT_PROVIDER: '', STRIPE_SECRET_KEY: '', SB_REGION: 'eu-central-1' }),
  ]);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), hosted?.stop()]);
});

it('checkout and test-payment refuse with a configuration error in words, creating nothing', async () => {
  const buyer = await createUser(stack);
  const pkg = await packageWith(stack, 25);
  const answer = await invoke<ErrorAnswer>(buyer.client, 'checkout', { package_id: pkg.id });
  expect(answer.status, 'checkout').toBe(500);
  expect(answer.body.error?.code).toBe('payment_config');
  expect(answer.body.error?.message).toMatch(/PAYMENT_PROVIDER is "stripe" but STRIPE_SECRET_KEY is not set/);
  const orders = await stack.sql('select id from public.orders where user_id = $1', [buyer.userId]);
  expect(orders, 'no order created').toEqual([]);

  const payment = await invoke<ErrorAnswer>(buyer.client, 'test-payment', {
    order_id: '00000000-0000-4000-8000-000000000000',
    outcome: 'paid',
  });
  expect(payment.status, 'test-payment').toBe(500);
  expect(payment.body.error?.code, 'no fallback to the test provider').toBe('payment_config');
  expect(await balanceOf(stack, buyer.accountId)).toBe(0);
});

it('the webhook without its secret answers 503 (not configured), so Stripe keeps the event and retries', async () => {
  const response = await fetch(`${stack.apiUrl}/functions/v1/stripe-webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': 't=1,v1=00' },
    body: JSON.stringify({ id: 'evt_test_unconfigured', type: 'checkout.session.completed', data: { object: {} } }),
  });
  expect(response.status).toBe(503);
  const body = (await response.json()) as ErrorAnswer;
  expect(body.error?.code).toBe('webhook_not_configured');
  expect(body.error?.message).toMatch(/STRIPE_WEBHOOK_SECRET is not set/);
  expect(await stack.sql("select id from public.payment_events where id = 'evt_test_unconfigured'"), 'nothing recorded').toEqual([]);
});

it('on hosted Supabase a missing Stripe key is an error, not free test payments', async () => {
  const buyer = await createUser(hosted);
  const pkg = await packageWith(hosted, 25);
  const answer = await invoke<ErrorAnswer>(buyer.client, 'checkout', { package_id: pkg.id });
  expect(answer.status, 'checkout').toBe(500);
  expect(answer.body.error?.code).toBe('payment_config');
  expect(answer.body.error?.message).toMatch(/No payment provider is configured/);
  expect(await hosted.sql('select id from public.orders where user_id = $1', [buyer.userId]), 'no order').toEqual([]);

  const [order] = await hosted.sql<{ id: string }>(
    `insert into public.orders (account_id, user_id, package_id, credits, amount_cents, currency, provider)
     values ($1, $2, $3, $4, $5, $6, 'test') returning id`,
    [buyer.accountId, buyer.userId, pkg.id, pkg.credits, pkg.price_cents, pkg.currency],
  );
  const payment = await invoke<ErrorAnswer>(buyer.client, 'test-payment', { order_id: order!.id, outcome: 'paid' });
  expect(payment.status, 'test-payment refuses even a test order').toBe(500);
  expect(payment.body.error?.code).toBe('payment_config');
  expect(await balanceOf(hosted, buyer.accountId), 'no free credits').toBe(0);
});
