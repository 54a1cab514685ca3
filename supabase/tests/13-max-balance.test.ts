/**
 * The maximum balance (default 1,000,000 credits, app.settings.max_balance): an adjustment beyond it is
 * refused in words and changes nothing; a paid order that cannot be credited ends failed with refund_due
 * (not pending, not a 500), the customer is told, and an admin records the refund.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  balance,
  checkInvariantsAfterAll,
  createCast,
  createOrder,
  createPerson,
  expectError,
  ledger,
  notifications,
  ok,
  type Person,
  serviceClient,
  sqlRow,
} from './support.ts';

checkInvariantsAfterAll();

const MAX = 1_000_000;

let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ engineer, admin } = await createCast());
});

interface OrderRow {
  id: string;
  status: string;
  refund_due: boolean;
  refunded_at: string | null;
  failure_reason: string | null;
}

describe('the maximum balance', () => {
  it('is the default setting of 1,000,000 credits', async () => {
    expect((await sqlRow<{ max_balance: number }>('select max_balance from app.settings')).max_balance).toBe(MAX);
  });

  it('an adjustment up to the maximum is made; one beyond it is refused in words and changes nothing', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, MAX - 10);
    const beyond = await admin.client.rpc('adjust_credits', {
      p_account_id: customer.accountId,
      p_amount: 11,
      p_note: 'One too many',
      p_idempotency_key: crypto.randomUUID(),
    });
    expectError(beyond, 'PT409', 'invalid_state', 'beyond the maximum');
    expect(beyond.error?.details).toBe(
      'Adding 11 credits would take the balance to 1000001, above the maximum balance of 1000000 credits (room for 10 more).',
    );
    expect(await balance(customer.accountId), 'unchanged').toBe(MAX - 10);
    await adjustCredits(admin, customer.accountId, 10);
    expect(await balance(customer.accountId), 'exactly the maximum').toBe(MAX);
  });

  it('a purchase that cannot be credited fails visibly with refund_due, tells the customer, and is not retried into a 500', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, MAX - 20);
    const order = await createOrder(customer, 25);
    const fulfil = () =>
      serviceClient()
        .rpc('service_role_fulfil_order', { p_order_id: order.id, p_provider_payment_id: `pay_${order.id}` })
        .single<OrderRow>();
    const failed = ok(await fulfil(), 'fulfilment answers, it does not error');
    expect(failed, 'failed, refund due').toMatchObject({ status: 'failed', refund_due: true, refunded_at: null });
    expect(failed.failure_reason).toMatch(/^Paid but not credited: Adding 25 credits would take the balance to 1000005/);
    expect(await balance(customer.accountId), 'nothing credited').toBe(MAX - 20);
    expect((await ledger(customer.accountId)).filter((line) => line.kind === 'purchase'), 'no purchase line').toEqual([]);
    const [notice] = await notifications(customer.userId, 'purchase_failed');
    expect(notice?.body, 'told in words').toMatch(/above the maximum of 1000000 credits.*will be refunded/);

    expect(ok(await fulfil(), 'a redelivered payment'), 'unchanged').toMatchObject({ status: 'failed', refund_due: true });
    expect(await balance(customer.accountId), 'still nothing credited').toBe(MAX - 20);
    expect(await notifications(customer.userId, 'purchase_failed'), 'told once').toHaveLength(1);
  });

  it('an admin records the refund of such an order; nobody else can, and only refund_due orders have one', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, MAX);
    const order = await createOrder(customer, 25);
    ok(await serviceClient().rpc('service_role_fulfil_order', { p_order_id: order.id, p_provider_payment_id: 'pay_x' }), 'fulfil');

    for (const who of [customer, engineer]) {
      expectError(
        await who.client.rpc('admin_mark_order_refunded', { p_order_id: order.id, p_note: 'Refunded in Stripe' }),
        '42501',
        'forbidden',
        `${who.role} records a refund`,
      );
    }
    expectError(
      await admin.client.rpc('admin_mark_order_refunded', { p_order_id: order.id, p_note: 'x' }),
      '22023',
      'invalid_input',
      'a note too short',
    );
    const refunded = ok(
      await admin.client.rpc('admin_mark_order_refunded', { p_order_id: order.id, p_note: 'Refunded in Stripe' }).single<OrderRow>(),
      'admin records the refund',
    );
    expect(refunded.refunded_at, 'recorded').not.toBeNull();
    const again = ok(
      await admin.client.rpc('admin_mark_order_refunded', { p_order_id: order.id, p_note: 'Again' }).single<OrderRow>(),
      'again',
    );
    expect(again.refunded_at, 'a second call changes nothing').toBe(refunded.refunded_at);

    const normal = await createOrder(customer, 25);
    expectError(
      await admin.client.rpc('admin_mark_order_refunded', { p_order_id: normal.id, p_note: 'Refund it' }),
      'PT409',
      'invalid_state',
      'an order with nothing to refund',
    );
  });
});
