/**
 * Orders (docs/design.md §1.1, §4, §5): created pending by checkout (service role), then fulfilled — the only way
 * a purchase adds credits, idempotently — or failed. Members and staff read them; nobody else writes them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  balance,
  buyCredits,
  checkInvariantsAfterAll,
  createCast,
  createOrder,
  createPerson,
  expectError,
  ledger,
  notificationKinds,
  ok,
  packageWith,
  type Person,
  serviceClient,
  sql,
  sqlRow,
} from './support.ts';

checkInvariantsAfterAll();

let customer: Person;
let other: Person;
let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ customer, engineer, admin } = await createCast());
  other = await createPerson();
});

describe('reading orders', () => {
  it('members and staff read an order; other customers do not', async () => {
    const orderId = await buyCredits(customer, 100);
    const own = ok(
      await customer.client.from('orders').select('id, status, credits, amount_cents, paid_at').eq('id', orderId).single(),
      'customer reads own order',
    );
    const pkg = await packageWith(100);
    expect(own, 'a paid order with its price and credits').toMatchObject({
      id: orderId,
      status: 'paid',
      credits: 100,
      amount_cents: pkg.price_cents,
    });
    expect(own.paid_at, 'paid_at set').not.toBeNull();
    expect(ok(await other.client.from('orders').select('id').eq('id', orderId), 'other reads'), 'hidden').toEqual([]);
    for (const staff of [engineer, admin]) {
      expect(
        ok(await staff.client.from('orders').select('id').eq('id', orderId), `${staff.role} reads`),
        `${staff.role} sees it`,
      ).toEqual([{ id: orderId }]);
    }
  });
});

describe('fulfilment', () => {
  it('only the service role fulfils, and only through service_role_fulfil_order', async () => {
    const order = await createOrder(customer, 25);
    const before = await balance(customer.accountId);
    for (const caller of [customer, engineer, admin]) {
      expectError(
        await caller.client.rpc('service_role_fulfil_order', { p_order_id: order.id, p_provider_payment_id: 'pay_forged' }),
        '42501',
        undefined,
        `${caller.role} fulfils`,
      );
    }
    expect(await balance(customer.accountId), 'no credits from refused calls').toBe(before);
    const row = await sqlRow<{ status: string }>('select status from public.orders where id = $1', [order.id]);
    expect(row.status, 'still pending').toBe('pending');
  });

  it('a paid order cannot be written directly, even by the service role: credits come only with the function', async () => {
    const order = await createOrder(customer, 25);
    const before = await balance(customer.accountId);
    const update = await serviceClient().from('orders').update({ status: 'paid' }).eq('id', order.id).select('status');
    expect(update.error, 'service role marks an order paid directly: refused').not.toBeNull();
    const pkg = await packageWith(25);
    const insert = await serviceClient().from('orders').insert({
      account_id: customer.accountId,
      user_id: customer.userId,
      package_id: pkg.id,
      credits: 25,
      amount_cents: pkg.price_cents,
      currency: pkg.currency,
      status: 'paid',
      provider: 'test',
    });
    expect(insert.error, 'service role inserts a paid order: refused').not.toBeNull();
    expect(await balance(customer.accountId), 'balance unchanged').toBe(before);
  });

  it('a failed order adds nothing; money received later still wins, once; a paid order cannot fail', async () => {
    const person = await createPerson();
    const order = await createOrder(person, 25);
    const failed = ok(
      await serviceClient()
        .rpc('service_role_fail_order', { p_order_id: order.id, p_reason: 'card_declined' })
        .single<{ status: string; failure_reason: string }>(),
      'fail the order',
    );
    expect(failed, 'failed with its reason').toMatchObject({ status: 'failed', failure_reason: 'card_declined' });
    expect(await balance(person.accountId), 'no credits').toBe(0);
    expect(await ledger(person.accountId), 'no ledger lines').toEqual([]);
    expect(await notificationKinds(person.userId), 'no notice').toEqual([]);

    // Providers deliver out of order: if the payment succeeds after all, the customer gets the credits.
    const paid = ok(
      await serviceClient()
        .rpc('service_role_fulfil_order', { p_order_id: order.id, p_provider_payment_id: 'pay_late' })
        .single<{ status: string }>(),
      'fulfil after a failure',
    );
    expect(paid.status, 'paid').toBe('paid');
    expect(await balance(person.accountId), 'credited once').toBe(25);
    expectError(
      await serviceClient().rpc('service_role_fail_order', { p_order_id: order.id, p_reason: 'expired' }),
      'PT409',
      'invalid_state',
      'fail a paid order',
    );
    expect(await balance(person.accountId), 'the paid credits stay').toBe(25);
    expect(await notificationKinds(person.userId), 'one credits_added').toEqual(['credits_added']);
  });

  it('unknown orders are not found; input is validated', async () => {
    expectError(
      await serviceClient().rpc('service_role_fulfil_order', {
        p_order_id: '00000000-0000-4000-8000-00000000dead',
        p_provider_payment_id: 'pay_x',
      }),
      'PT404',
      'not_found',
      'unknown order',
    );
    expectError(
      await serviceClient().rpc('service_role_fulfil_order', { p_order_id: null, p_provider_payment_id: 'pay_x' }),
      '22023',
      'invalid_input',
      'null order',
    );
  });

  it('customers cannot create orders themselves', async () => {
    const pkg = await packageWith(500);
    expectError(
      await customer.client.from('orders').insert({
        account_id: customer.accountId,
        user_id: customer.userId,
        package_id: pkg.id,
        credits: 500,
        amount_cents: 1,
        currency: 'usd',
        status: 'pending',
        provider: 'test',
      }),
      '42501',
      undefined,
      'customer inserts an order',
    );
  });
});

describe('one open order per account and package', () => {
  it('the database refuses a second pending order for the same account and package', async () => {
    const buyer = await createPerson();
    const pkg = await packageWith(25);
    // Written as the console would, past the functions, to show the table itself holds the rule.
    const insert = () =>
      sql(
        `insert into public.orders (account_id, user_id, package_id, credits, amount_cents, currency)
         values ($1, $2, $3, 25, $4, $5)`,
        [buyer.accountId, buyer.userId, pkg.id, pkg.price_cents, pkg.currency],
      );
    await insert();
    await expect(insert(), 'a second pending order for the same package').rejects.toMatchObject({ code: '23505' });
    const count = await sqlRow<{ n: number }>(
      "select count(*)::int as n from public.orders where account_id = $1 and status = 'pending'",
      [buyer.accountId],
    );
    expect(count.n, 'still one open order').toBe(1);
  });

  it('20 simultaneous service_role_open_order calls open one order, and every call returns it', async () => {
    const buyer = await createPerson();
    const pkg = await packageWith(50);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        serviceClient()
          .rpc('service_role_open_order', {
            p_user_id: buyer.userId,
            p_package_id: pkg.id,
            p_provider: 'test',
          })
          .single<{ id: string; account_id: string; credits: number; amount_cents: number; status: string }>(),
      ),
    );
    const orders = results.map((result) => ok(result, 'service_role_open_order'));
    expect(new Set(orders.map((order) => order.id)).size, 'one order id for all calls').toBe(1);
    expect(orders[0], 'priced from the package, for the buyer\'s own wallet').toMatchObject({
      credits: 50,
      amount_cents: pkg.price_cents,
      status: 'pending',
      account_id: buyer.accountId,
    });
    const count = await sqlRow<{ n: number }>('select count(*)::int as n from public.orders where account_id = $1', [buyer.accountId]);
    expect(count.n, 'one order in the table').toBe(1);
  });

  it('an open order older than 15 minutes is retired and replaced; an unknown package, a package off sale, a buyer without a wallet and bad input are refused in words', async () => {
    const buyer = await createPerson();
    const pkg = await packageWith(25);
    const open = () =>
      serviceClient()
        .rpc('service_role_open_order', { p_user_id: buyer.userId, p_package_id: pkg.id, p_provider: 'test' })
        .single<{ id: string }>();
    const first = ok(await open(), 'first');
    expect(ok(await open(), 'again').id, 'reused while recent').toBe(first.id);
    // Age it as only the table's owner could: the order guard forbids rewriting created_at. One
    // transaction, so no other session ever sees the guard switched off.
    await sql(`do $$ begin
      alter table public.orders disable trigger orders_guard;
      update public.orders set created_at = now() - interval '16 minutes' where id = '${first.id}';
      alter table public.orders enable trigger orders_guard;
    end $$`);
    const second = ok(await open(), 'after 15 minutes');
    expect(second.id, 'a new order').not.toBe(first.id);
    const old = await sqlRow<{ status: string; failure_reason: string }>(
      'select status::text, failure_reason from public.orders where id = $1',
      [first.id],
    );
    expect(old, 'the stale one is retired').toEqual({ status: 'failed', failure_reason: 'Replaced by a newer checkout of the same package.' });

    const retired = await sqlRow<{ id: string }>(
      "insert into public.credit_packages (name, credits, price_cents, active) values ('Retired for the open-order test', 30, 3000, false) returning id",
    );
    expectError(
      await serviceClient().rpc('service_role_open_order', { p_user_id: buyer.userId, p_package_id: retired.id, p_provider: 'test' }),
      'PT409',
      'invalid_state',
      'a package off sale',
    );
    expectError(
      await serviceClient().rpc('service_role_open_order', { p_user_id: buyer.userId, p_package_id: crypto.randomUUID(), p_provider: 'test' }),
      'PT404',
      'not_found',
      'an unknown package',
    );
    // The credits go to the buyer's own wallet, which the database finds: a buyer without one is refused.
    const walletless = await createPerson();
    await sql('delete from public.account_members where user_id = $1', [walletless.userId]);
    expectError(
      await serviceClient().rpc('service_role_open_order', { p_user_id: walletless.userId, p_package_id: pkg.id, p_provider: 'test' }),
      '42501',
      'forbidden',
      'a buyer without a wallet',
    );
    expectError(
      await serviceClient().rpc('service_role_open_order', { p_user_id: buyer.userId, p_package_id: pkg.id, p_provider: 'paypal' }),
      '22023',
      'invalid_input',
      'unknown provider',
    );
    expectError(
      await customer.client.rpc('service_role_open_order', { p_user_id: customer.userId, p_package_id: pkg.id, p_provider: 'test' }),
      '42501',
      undefined,
      'customers cannot open orders this way',
    );
  });
});
