/**
 * Buying credits with the test provider (issue 4): the local default when Stripe is not configured.
 * The whole path runs through supabase-js against a stack of its own serving supabase/functions:
 * checkout → test-payment → service_role_fulfil_order → balance, ledger, notification, waiting tickets.
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

interface CheckoutAnswer {
  order_id: string;
  url: string;
  provider: string;
  error?: { code: string; message: string };
}

interface PaymentAnswer {
  order?: { id: string; status: string; credits: number };
  error?: { code: string; message: string };
}

let stack: PaymentStack;
let customer: Customer;
let other: Customer;
let pkg25: PackageRow;
let pkg100: PackageRow;

beforeAll(async () => {
  stack = await startPaymentStack({ PAYMENT_PROVIDER: 'test' });
  [customer, other] = await Promise.all([createUser(stack), createUser(stack)]);
  [pkg25, pkg100] = await Promise.all([packageWith(stack, 25), packageWith(stack, 100)]);
});

afterAll(async () => {
  await stack?.stop();
});

const checkout = (who: Customer, body: unknown) => invoke<CheckoutAnswer>(who.client, 'checkout', body);
const pay = (who: Customer, orderId: string, outcome: string) =>
  invoke<PaymentAnswer>(who.client, 'test-payment', { order_id: orderId, outcome });

describe('checkout with the test provider', () => {
  it('creates a pending order at the package price and points at the test payment page', async () => {
    const answer = await checkout(customer, { package_id: pkg100.id });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.provider, 'provider').toBe('test');
    expect(answer.body.url, 'the app page for this order').toBe(`${SITE_URL}/checkout/test/${answer.body.order_id}`);

    const order = await orderRow(stack, answer.body.order_id);
    expect(order, 'the order copies the package').toMatchObject({
      status: 'pending',
      provider: 'test',
      user_id: customer.userId,
      account_id: customer.accountId,
      package_id: pkg100.id,
      credits: pkg100.credits,
      amount_cents: pkg100.price_cents,
      currency: pkg100.currency,
    });
    const { data: visible } = await customer.client.from('orders').select('id, status').eq('id', order.id);
    expect(visible, 'the buyer sees the order through RLS').toEqual([{ id: order.id, status: 'pending' }]);
  });

  it('ignores price, credits, account and provider sent by the browser', async () => {
    const fresh = await createUser(stack);
    const answer = await checkout(fresh, {
      package_id: pkg25.id,
      price_cents: 1,
      amount_cents: 1,
      credits: 100000,
      currency: 'jpy',
      account_id: other.accountId,
      user_id: other.userId,
      provider: 'stripe',
      status: 'paid',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const order = await orderRow(stack, answer.body.order_id);
    expect(order, 'server-side values only').toMatchObject({
      status: 'pending',
      provider: 'test',
      user_id: fresh.userId,
      account_id: fresh.accountId,
      credits: pkg25.credits,
      amount_cents: pkg25.price_cents,
      currency: pkg25.currency,
    });
    expect(await balanceOf(stack, other.accountId), 'nothing reached the other account').toBe(0);
  });

  it('reuses the open pending order on repeated clicks, per package', async () => {
    const buyer = await createUser(stack);
    const first = await checkout(buyer, { package_id: pkg25.id });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await checkout(buyer, { package_id: pkg25.id });
    const third = await checkout(buyer, { package_id: pkg25.id });
    const otherPackage = await checkout(buyer, { package_id: pkg100.id });
    expect(again.body.order_id, 'second click, same order').toBe(first.body.order_id);
    expect(third.body.order_id, 'third click, same order').toBe(first.body.order_id);
    expect(otherPackage.body.order_id, 'another package is another order').not.toBe(first.body.order_id);
    const count = await countOf(
      stack,
      "select count(*) from public.orders where user_id = $1 and package_id = $2 and status = 'pending'",
      [buyer.userId, pkg25.id],
    );
    expect(count, 'one pending order for the package').toBe(1);

    // Once that order is settled, the next click starts a new one.
    expect((await pay(buyer, again.body.order_id, 'canceled')).status, 'cancel').toBe(200);
    const afterCancel = await checkout(buyer, { package_id: pkg25.id });
    expect(afterCancel.status).toBe(200);
    expect(afterCancel.body.order_id, 'a canceled order is not reused').not.toBe(again.body.order_id);
  });

  it('simultaneous clicks converge on one order to pay', async () => {
    const buyer = await createUser(stack);
    const answers = await Promise.all(Array.from({ length: 8 }, () => checkout(buyer, { package_id: pkg100.id })));
    expect(answers.map((a) => a.status), 'all answered').toEqual(Array(8).fill(200));
    const pending = await stack.sql<{ id: string }>(
      "select id from public.orders where user_id = $1 and status = 'pending'",
      [buyer.userId],
    );
    expect(pending, 'one order left to pay').toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.order_id)), 'every click points at it').toEqual(new Set([pending[0]!.id]));
  });

  it('refuses unknown and inactive packages and malformed bodies with a 400 in words', async () => {
    const unknown = await checkout(customer, { package_id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status, 'unknown package').toBe(400);
    expect(unknown.body.error?.code).toBe('unknown_package');
    expect(unknown.body.error?.message).toMatch(/no such credit package/i);

    const [inactive] = await stack.sql<{ id: string }>(
      "insert into public.credit_packages (name, credits, price_cents, currency, active) values ('Retired 42', 42, 4200, 'usd', false) returning id",
    );
    const retired = await checkout(customer, { package_id: inactive!.id });
    expect(retired.status, 'inactive package').toBe(400);
    expect(retired.body.error).toEqual({
      code: 'package_unavailable',
      message: 'The Retired 42 package is no longer on sale. Choose another package.',
    });

    for (const body of [{}, { package_id: 'not-a-uuid' }, { package_id: 42 }, ['x'], 'plain text']) {
      const answer = await checkout(customer, body);
      expect(answer.status, `body ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body.error?.code, `body ${JSON.stringify(body)}`).toMatch(/^invalid_(package|body)$/);
    }
    const count = await countOf(
      stack,
      'select count(*) from public.orders where package_id = $1',
      [inactive!.id],
    );
    expect(count, 'no order for a refused package').toBe(0);
  });

  it('refuses a buyer without a wallet with a 409 in words, creating nothing', async () => {
    const walletless = await createUser(stack);
    await stack.sql('delete from public.account_members where user_id = $1', [walletless.userId]);
    const answer = await checkout(walletless, { package_id: pkg25.id });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({
      code: 'no_account',
      message: 'Your sign-in has no credit account to add credits to. Please contact support.',
    });
    expect(await countOf(stack, 'select count(*) from public.orders where user_id = $1', [walletless.userId])).toBe(0);
  });

  it('needs a signed-in user', async () => {
    const anonymous = await invoke<CheckoutAnswer>(stack.anonClient(), 'checkout', { package_id: pkg25.id });
    expect(anonymous.status, 'the anon key is not a user').toBe(401);
    expect(anonymous.body.error?.code).toBe('not_signed_in');

    const noToken = await fetch(`${stack.apiUrl}/functions/v1/checkout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ package_id: pkg25.id }),
    });
    expect(noToken.status, 'verify_jwt refuses a request without a JWT').toBe(401);
  });
});

describe('paying with the test provider', () => {
  it('credits the buyer once: balance, paid order, ledger entry, notification', async () => {
    const buyer = await createUser(stack);
    const { body } = await checkout(buyer, { package_id: pkg100.id });
    const paid = await pay(buyer, body.order_id, 'paid');
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.order, 'the answer').toMatchObject({ id: body.order_id, status: 'paid', credits: pkg100.credits });

    expect(await balanceOf(stack, buyer.accountId), 'balance').toBe(pkg100.credits);
    const order = await orderRow(stack, body.order_id);
    expect(order.status, 'order paid').toBe('paid');
    expect(order.paid_at, 'paid_at').not.toBeNull();
    expect(await purchaseTransfers(stack, body.order_id), 'one purchase transfer').toEqual([
      { amount: pkg100.credits, to_account_id: buyer.accountId, idempotency_key: `order:${body.order_id}` },
    ]);
    const notices = await notificationsOf(stack, buyer.userId, 'credits_added');
    expect(notices, 'one "credits added" notification').toHaveLength(1);
    expect(notices[0]!.title).toBe(`${pkg100.credits} credits added`);

    // The customer reads the same through the API, under RLS.
    const { data: entries } = await buyer.client.from('credit_entries').select('amount, balance_after');
    expect(entries, 'the statement line').toEqual([{ amount: pkg100.credits, balance_after: pkg100.credits }]);

    // Paying again (a double click on "Pay") changes nothing.
    const twice = await pay(buyer, body.order_id, 'paid');
    expect(twice.status, 'idempotent').toBe(200);
    expect(twice.body.order?.status).toBe('paid');
    expect(await balanceOf(stack, buyer.accountId), 'balance unchanged').toBe(pkg100.credits);
    expect(await purchaseTransfers(stack, body.order_id), 'still one transfer').toHaveLength(1);
    expect(await notificationsOf(stack, buyer.userId, 'credits_added'), 'still one notification').toHaveLength(1);

    // And a paid order cannot be canceled afterwards.
    const cancel = await pay(buyer, body.order_id, 'canceled');
    expect(cancel.status, 'cancel after pay').toBe(409);
    expect(cancel.body.error?.code).toBe('order_paid');
    expect((await orderRow(stack, body.order_id)).status, 'still paid').toBe('paid');
  });

  it('a canceled payment credits nothing, and the canceled order cannot be paid later', async () => {
    const buyer = await createUser(stack);
    const { body } = await checkout(buyer, { package_id: pkg25.id });
    const canceled = await pay(buyer, body.order_id, 'canceled');
    expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
    expect(canceled.body.order?.status).toBe('failed');
    expect((await pay(buyer, body.order_id, 'canceled')).status, 'cancel twice is fine').toBe(200);

    const late = await pay(buyer, body.order_id, 'paid');
    expect(late.status, 'paying a canceled order').toBe(409);
    expect(late.body.error?.code).toBe('order_canceled');
    expect(await balanceOf(stack, buyer.accountId), 'no credits').toBe(0);
    expect(await purchaseTransfers(stack, body.order_id), 'no transfer').toEqual([]);
    expect(await notificationsOf(stack, buyer.userId, 'credits_added'), 'no notification').toEqual([]);
  });

  it('another customer can neither see nor pay the order', async () => {
    const buyer = await createUser(stack);
    const { body } = await checkout(buyer, { package_id: pkg25.id });

    const { data: seen } = await other.client.from('orders').select('id').eq('id', body.order_id);
    expect(seen, 'hidden by RLS').toEqual([]);
    for (const outcome of ['paid', 'canceled']) {
      const attempt = await pay(other, body.order_id, outcome);
      expect(attempt.status, `${outcome} by another customer`).toBe(404);
      expect(attempt.body.error?.code).toBe('order_not_found');
    }
    expect((await orderRow(stack, body.order_id)).status, 'untouched').toBe('pending');
    expect(await balanceOf(stack, other.accountId), 'nothing for the intruder').toBe(0);
    expect(await balanceOf(stack, buyer.accountId), 'nothing for the buyer either').toBe(0);
  });

  it('staff see the order but cannot pay it in the customer\'s place', async () => {
    const engineer = await createUser(stack, 'engineer');
    const buyer = await createUser(stack);
    const { body } = await checkout(buyer, { package_id: pkg25.id });
    const { data: seen } = await engineer.client.from('orders').select('id').eq('id', body.order_id);
    expect(seen, 'staff read every order').toEqual([{ id: body.order_id }]);
    const attempt = await pay(engineer, body.order_id, 'paid');
    expect(attempt.status, 'staff refused').toBe(403);
    expect(attempt.body.error?.code).toBe('not_your_order');
    expect((await orderRow(stack, body.order_id)).status, 'untouched').toBe('pending');
  });

  it('refuses bad input in words', async () => {
    const { body } = await checkout(customer, { package_id: pkg25.id });
    const badOutcome = await pay(customer, body.order_id, 'refunded');
    expect(badOutcome.status).toBe(400);
    expect(badOutcome.body.error?.code).toBe('invalid_outcome');
    const badId = await invoke<PaymentAnswer>(customer.client, 'test-payment', { order_id: 'x', outcome: 'paid' });
    expect(badId.status).toBe(400);
    expect(badId.body.error?.code).toBe('invalid_order');
    expect((await orderRow(stack, body.order_id)).status, 'untouched').toBe('pending');

    // An order placed through Stripe (before a switch back to test mode) is not the test page's to settle.
    const stripeBuyer = await createUser(stack);
    const [stripeOrder] = await stack.sql<{ id: string }>(
      `insert into public.orders (account_id, user_id, package_id, credits, amount_cents, currency, provider)
       values ($1, $2, $3, $4, $5, $6, 'stripe') returning id`,
      [stripeBuyer.accountId, stripeBuyer.userId, pkg25.id, pkg25.credits, pkg25.price_cents, pkg25.currency],
    );
    const viaTest = await pay(stripeBuyer, stripeOrder!.id, 'paid');
    expect(viaTest.status, 'a Stripe order').toBe(409);
    expect(viaTest.body.error?.code).toBe('not_a_test_order');
    expect((await orderRow(stack, stripeOrder!.id)).status, 'untouched').toBe('pending');
  });

  it('charges a ticket waiting for credits as soon as the purchase lands', async () => {
    const buyer = await createUser(stack);
    const engineer = await createUser(stack, 'engineer');
    const { data: ticket, error } = await buyer.client
      .rpc('create_ticket', {
        p_subject: 'Configure the mail server',
        p_body: 'Outgoing mail never arrives; please help set it up.',
        p_pre_approved: true,
      })
      .single<{ id: string }>();
    expect(error, 'create_ticket').toBeNull();
    const assessed = await engineer.client
      .rpc('assess_ticket', { p_ticket_id: ticket!.id, p_category: 'configuration' })
      .single<{ status: string; quoted_credits: number }>();
    expect(assessed.error, 'assess_ticket').toBeNull();
    expect(assessed.data?.status, 'no credits yet').toBe('awaiting_credits');

    const { body } = await checkout(buyer, { package_id: pkg25.id });
    expect((await pay(buyer, body.order_id, 'paid')).status).toBe(200);

    const [after] = await stack.sql<{ status: string; charged_credits: number }>(
      'select status, charged_credits from public.tickets where id = $1',
      [ticket!.id],
    );
    expect(after, 'charged automatically').toEqual({ status: 'in_progress', charged_credits: assessed.data!.quoted_credits });
    expect(await balanceOf(stack, buyer.accountId), 'purchase minus the charge').toBe(pkg25.credits - assessed.data!.quoted_credits);
  });
});
