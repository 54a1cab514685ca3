/**
 * The credit ledger (docs/design.md §1.2, §1.6, §4; issue item 3): purchases and adjustments post double-entry
 * transfers with idempotency keys and balance_after; the ledger is append-only for everyone, the console
 * included; customer balances never go below zero; a charge crossing the low-balance threshold notifies
 * once per crossing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  anonClient,
  assess,
  balance,
  buyCredits,
  checkInvariantsAfterAll,
  createCast,
  createPerson,
  createTicket,
  defined,
  expectError,
  ledger,
  notificationKinds,
  notifications,
  ok,
  type Person,
  serviceClient,
  sql,
  sqlRow,
} from './support.ts';

checkInvariantsAfterAll();

let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ engineer, admin } = await createCast());
});

describe('purchases', () => {
  it('a fulfilled order credits the account once: purchase transfer order:<id>, balance_after, credits_added notice', async () => {
    const customer = await createPerson();
    const orderId = await buyCredits(customer, 25);
    expect(await balance(customer.accountId), 'balance after purchase').toBe(25);
    expect(await ledger(customer.accountId), 'one purchase line').toEqual([
      { kind: 'purchase', amount: 25, balance_after: 25, ticket_id: null, order_id: orderId, idempotency_key: `order:${orderId}` },
    ]);
    expect(await notificationKinds(customer.userId), 'told the credits arrived').toEqual(['credits_added']);

    const transfer = await sqlRow<{ from_code: string; entries: number; total: number }>(
      `select f.system_code as from_code, count(e.*)::int as entries, sum(e.amount)::int as total
         from public.credit_transfers t join public.accounts f on f.id = t.from_account_id
         join public.credit_entries e on e.transfer_id = t.id
        where t.order_id = $1 group by f.system_code`,
      [orderId],
    );
    expect(transfer, 'issued → customer, two entries summing to 0').toEqual({ from_code: 'issued', entries: 2, total: 0 });

    const statement = ok(
      await customer.client.from('credit_entries').select('amount, balance_after'),
      'customer reads their statement',
    );
    expect(statement, 'only their side of the transfer').toEqual([{ amount: 25, balance_after: 25 }]);
    const accounts = ok(await customer.client.from('accounts').select('balance').eq('id', customer.accountId).single(), 'balance');
    expect(accounts.balance, 'balance through the API').toBe(25);
  });

  it('a second fulfilment of the same order changes nothing', async () => {
    const customer = await createPerson();
    const orderId = await buyCredits(customer, 50);
    const again = ok(
      await serviceClient()
        .rpc('service_role_fulfil_order', { p_order_id: orderId, p_provider_payment_id: `pay_${orderId}` })
        .single<{ id: string; status: string }>(),
      'second fulfilment',
    );
    expect(again, 'returns the paid order').toMatchObject({ id: orderId, status: 'paid' });
    expect(await balance(customer.accountId), 'credited once').toBe(50);
    expect(await ledger(customer.accountId), 'one ledger line').toHaveLength(1);
    expect(await notificationKinds(customer.userId), 'one notice').toEqual(['credits_added']);
  });
});

describe('adjustments', () => {
  it('an admin adds and removes credits with a note; the ledger shows both with running balances', async () => {
    const customer = await createPerson();
    const added = ok(
      await admin.client
        .rpc('adjust_credits', { p_account_id: customer.accountId, p_amount: 30, p_note: 'Goodwill for the outage', p_idempotency_key: crypto.randomUUID() })
        .single<{ kind: string; amount: number; note: string; created_by: string }>(),
      'admin adds 30',
    );
    expect(added, 'returns the transfer').toMatchObject({ kind: 'adjustment', amount: 30, note: 'Goodwill for the outage', created_by: admin.userId });
    await adjustCredits(admin, customer.accountId, -12, 'Double credit corrected');
    expect(await balance(customer.accountId), 'balance after +30 −12').toBe(18);
    expect(
      (await ledger(customer.accountId)).map(({ kind, amount, balance_after }) => ({ kind, amount, balance_after })),
      'two adjustment lines',
    ).toEqual([
      { kind: 'adjustment', amount: 30, balance_after: 30 },
      { kind: 'adjustment', amount: -12, balance_after: 18 },
    ]);
    expect(await notificationKinds(customer.userId), 'credits_added only for the addition').toEqual(['credits_added']);
  });

  it('an adjustment never takes a customer below zero', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 5);
    expectError(
      await admin.client.rpc('adjust_credits', { p_account_id: customer.accountId, p_amount: -6, p_note: 'Too much', p_idempotency_key: crypto.randomUUID() }),
      'PT402',
      'insufficient_credits',
      'removing more than the balance',
    );
    expect(await balance(customer.accountId), 'balance unchanged').toBe(5);
    expect(await ledger(customer.accountId), 'nothing posted').toHaveLength(1);
  });

  it('validates its input and its caller', async () => {
    const customer = await createPerson();
    expectError(
      await admin.client.rpc('adjust_credits', { p_account_id: customer.accountId, p_amount: 0, p_note: 'Nothing', p_idempotency_key: crypto.randomUUID() }),
      '22023',
      'invalid_input',
      'zero amount',
    );
    expectError(
      await admin.client.rpc('adjust_credits', { p_account_id: customer.accountId, p_amount: 5, p_note: '', p_idempotency_key: crypto.randomUUID() }),
      '22023',
      'invalid_input',
      'empty note',
    );
    expectError(
      await admin.client.rpc('adjust_credits', { p_account_id: '00000000-0000-4000-8000-00000000dead', p_amount: 5, p_note: 'x y', p_idempotency_key: crypto.randomUUID() }),
      'PT404',
      'not_found',
      'unknown account',
    );
    const system = await sqlRow<{ id: string }>("select id from public.accounts where system_code = 'consumed'");
    const toSystem = await admin.client.rpc('adjust_credits', { p_account_id: system.id, p_amount: 5, p_note: 'System', p_idempotency_key: crypto.randomUUID() });
    expect(toSystem.error?.code, 'system accounts are not adjustable').toMatch(/^(22023|PT404)$/);
    for (const caller of [customer, engineer]) {
      expectError(
        await caller.client.rpc('adjust_credits', { p_account_id: caller.accountId, p_amount: 100, p_note: 'Free', p_idempotency_key: crypto.randomUUID() }),
        '42501',
        'forbidden',
        `${caller.role} adjusts`,
      );
    }
    expectError(
      await anonClient().rpc('adjust_credits', { p_account_id: customer.accountId, p_amount: 100, p_note: 'Free', p_idempotency_key: crypto.randomUUID() }),
      '42501',
      undefined,
      'anon adjusts',
    );
    expect(await balance(customer.accountId), 'nothing changed').toBe(0);
  });
});

describe('append-only', () => {
  it('UPDATE, DELETE and TRUNCATE of the ledger are refused for the console too', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 10);
    const entry = await sqlRow<{ id: number; transfer_id: string }>(
      'select id, transfer_id from public.credit_entries where account_id = $1',
      [customer.accountId],
    );
    const attempts: Array<[string, string, unknown[]]> = [
      ['update entry', 'update public.credit_entries set amount = 1000 where id = $1', [entry.id]],
      ['delete entry', 'delete from public.credit_entries where id = $1', [entry.id]],
      ['update transfer', 'update public.credit_transfers set amount = 1000 where id = $1', [entry.transfer_id]],
      ['delete transfer', 'delete from public.credit_transfers where id = $1', [entry.transfer_id]],
      ['truncate entries', 'truncate public.credit_entries cascade', []],
      ['truncate transfers', 'truncate public.credit_transfers cascade', []],
    ];
    for (const [what, text, values] of attempts) {
      await expect(sql(text, values), `${what} as postgres`).rejects.toMatchObject({ code: '42501' });
    }
    expect(await ledger(customer.accountId), 'ledger intact').toEqual([
      expect.objectContaining({ kind: 'adjustment', amount: 10, balance_after: 10 }),
    ]);
  });

  it('a customer balance below zero is refused by CHECK, even from the console', async () => {
    const customer = await createPerson();
    await expect(
      sql('update public.accounts set balance = -1 where id = $1', [customer.accountId]),
      'negative balance',
    ).rejects.toMatchObject({ code: '23514' });
  });
});

describe('low balance', () => {
  it('notifies once when a charge takes the balance below the threshold, and again after the next crossing', async () => {
    const customer = await createPerson();
    const account = await sqlRow<{ low_balance_threshold: number }>('select low_balance_threshold from public.accounts where id = $1', [
      customer.accountId,
    ]);
    expect(account.low_balance_threshold, 'default threshold').toBe(10);
    await adjustCredits(admin, customer.accountId, 25);

    // 25 → 15: still above 10.
    await assess(engineer, (await createTicket(customer, true)).id, 'configuration');
    expect(await notifications(customer.userId, 'low_balance'), 'no notice above the threshold').toHaveLength(0);
    // 15 → 5: crosses.
    await assess(engineer, (await createTicket(customer, true)).id, 'configuration');
    const crossed = await notifications(customer.userId, 'low_balance');
    expect(crossed, 'one notice on crossing').toHaveLength(1);
    expect(defined(crossed[0], 'notice').data, 'with the new balance').toMatchObject({ balance: 5 });
    // 5 → 0: already below, no second notice.
    await assess(engineer, (await createTicket(customer, true)).id, 'question');
    expect(await notifications(customer.userId, 'low_balance'), 'still one notice while below').toHaveLength(1);
    // Top up to 20, then 20 → 10 (not below), 10 → 5 (crosses again).
    await adjustCredits(admin, customer.accountId, 20);
    await assess(engineer, (await createTicket(customer, true)).id, 'configuration');
    expect(await notifications(customer.userId, 'low_balance'), 'at the threshold is not below it').toHaveLength(1);
    await assess(engineer, (await createTicket(customer, true)).id, 'question');
    expect(await notifications(customer.userId, 'low_balance'), 'a second crossing, a second notice').toHaveLength(2);
    expect(await balance(customer.accountId), 'balance 25−10−10−5+20−10−5').toBe(5);
  });
});
