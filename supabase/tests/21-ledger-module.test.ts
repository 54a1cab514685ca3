/**
 * The ledger as its own module: app.transfer moves credits between accounts and knows nothing of tickets,
 * orders or notices. Only a system account may go below zero, and only when the caller says so: a
 * customer account is never taken below zero whatever the arguments, and app.check_invariants() names
 * any customer entry below zero written around the ledger. The low-balance notice is sent by the
 * functions that debit a customer, not by the ledger.
 */
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  balance,
  checkInvariantsAfterAll,
  createCast,
  createPerson,
  notifications,
  ok,
  type Person,
  sql,
  sqlRow,
  stack,
} from './support.ts';

checkInvariantsAfterAll();

let admin: Person;

beforeAll(async () => {
  ({ admin } = await createCast());
});

/** app.transfer as a domain function would call it (the console's role, which the API never has). */
function transfer(from: string, to: string, amount: number, key: string, allowNegative?: boolean | null) {
  return sql<{ id: string; order_id: string | null; ticket_id: string | null }>(
    allowNegative === undefined
      ? `select (t).id, (t).order_id, (t).ticket_id from app.transfer($1, $2, $3, 'adjustment', $4, null) t`
      : `select (t).id, (t).order_id, (t).ticket_id from app.transfer($1, $2, $3, 'adjustment', $4, null, $5) t`,
    allowNegative === undefined ? [from, to, amount, key] : [from, to, amount, key, allowNegative],
  );
}

async function systemAccount(code: string): Promise<string> {
  return (await sqlRow<{ id: string }>('select id from public.accounts where system_code = $1', [code])).id;
}

async function transfersWithKey(key: string): Promise<number> {
  return (await sqlRow<{ n: number }>('select count(*)::int as n from public.credit_transfers where idempotency_key = $1', [key])).n;
}

describe('app.transfer', () => {
  it('never takes a customer account below zero, even when told the sender may go negative', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 5);
    const consumed = await systemAccount('consumed');

    const key = `test:overdraw:${crypto.randomUUID()}`;
    await expect(transfer(customer.accountId, consumed, 50, key, true), 'allow-negative for a customer').rejects.toMatchObject({
      code: '22023',
      message: 'invalid_input',
      detail: expect.stringMatching(/^Only a system account may go below zero/),
    });
    await expect(transfer(customer.accountId, consumed, 50, key, false), 'plain overdraft').rejects.toMatchObject({
      code: 'PT402',
      message: 'insufficient_credits',
      detail: 'This needs 50 credits but the balance is 5 (45 missing).',
    });
    await expect(transfer(customer.accountId, consumed, 50, key, null), 'no answer to "may it go negative"').rejects.toMatchObject({
      code: '22023',
      message: 'invalid_input',
    });
    expect(await balance(customer.accountId), 'balance untouched').toBe(5);
    expect(await transfersWithKey(key), 'nothing recorded').toBe(0);

    // Within the balance it is an ordinary debit, allowed by default.
    await transfer(customer.accountId, consumed, 5, `${key}:ok`);
    expect(await balance(customer.accountId)).toBe(0);
  });

  it('debits a system account only when the caller allows it to go negative', async () => {
    const customer = await createPerson();
    const adjustments = await systemAccount('adjustments');
    const key = `test:system:${crypto.randomUUID()}`;
    await expect(transfer(adjustments, customer.accountId, 7, key), 'not said').rejects.toMatchObject({
      code: '22023',
      message: 'invalid_input',
      detail: expect.stringMatching(/^The system account adjustments keeps no balance to check/),
    });
    expect(await transfersWithKey(key)).toBe(0);
    const [posted] = await transfer(adjustments, customer.accountId, 7, key, true);
    expect(posted, 'no order or ticket unless the caller gives one').toMatchObject({ order_id: null, ticket_id: null });
    expect(await balance(customer.accountId)).toBe(7);
    // A retry with the same key is the same transfer, and changes nothing.
    const [again] = await transfer(adjustments, customer.accountId, 7, key, true);
    expect(again?.id).toBe(posted?.id);
    expect(await balance(customer.accountId)).toBe(7);
  });

  it('sends no notice itself; the functions that debit a customer do', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 15);
    // 15 → 5 through the ledger alone: below the threshold of 10, and no notice.
    await transfer(customer.accountId, await systemAccount('consumed'), 10, `test:quiet:${crypto.randomUUID()}`);
    expect(await balance(customer.accountId)).toBe(5);
    expect(await notifications(customer.userId, 'low_balance'), 'the ledger is silent').toHaveLength(0);

    // An admin's negative adjustment is a debit of the customer: 20 → 8 crosses the threshold once.
    await adjustCredits(admin, customer.accountId, 15);
    ok(
      await admin.client.rpc('adjust_credits', {
        p_account_id: customer.accountId,
        p_amount: -12,
        p_note: 'Correction',
        p_idempotency_key: crypto.randomUUID(),
      }),
      'negative adjustment',
    );
    const notices = await notifications(customer.userId, 'low_balance');
    expect(notices, 'one notice on crossing').toHaveLength(1);
    expect(notices[0]?.data).toMatchObject({ balance: 8, threshold: 10 });
  });
});

describe('app.notify_low_balance', () => {
  it('notices the crossing of the transfer posted now, not of one a retried key returns', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 15);
    const consumed = await systemAccount('consumed');
    const key = `test:retry:${crypto.randomUUID()}`;
    const debitAndNotify = () =>
      sql("select app.notify_low_balance(app.transfer($1, $2, 10, 'adjustment', $3, null))", [customer.accountId, consumed, key]);
    await debitAndNotify();
    expect(await notifications(customer.userId, 'low_balance'), '15 → 5 crosses 10').toHaveLength(1);
    await debitAndNotify(); // a later transaction retrying the same key gets the first transfer back
    expect(await balance(customer.accountId), 'debited once').toBe(5);
    expect(await notifications(customer.userId, 'low_balance'), 'and told once').toHaveLength(1);
  });
});

describe('app.check_invariants()', () => {
  it('names a customer entry below zero written around the ledger', async () => {
    const customer = await createPerson();
    const db = new pg.Client({ connectionString: stack.dbUrl });
    await db.connect();
    try {
      await db.query('begin');
      // What a writer that let a customer go negative would leave: the transfer and entries, balance −3.
      await db.query('alter table public.accounts drop constraint accounts_customer_balance_not_negative');
      const { rows: [row] } = await db.query<{ id: string }>(
        `insert into public.credit_transfers (from_account_id, to_account_id, amount, kind, idempotency_key)
         values ($1, (select id from public.accounts where system_code = 'consumed'), 3, 'adjustment', 'test:negative')
         returning id`,
        [customer.accountId],
      );
      await db.query(
        `insert into public.credit_entries (transfer_id, account_id, amount, balance_after) values
           ($1, $2, -3, -3), ($1, (select id from public.accounts where system_code = 'consumed'), 3, null)`,
        [row!.id, customer.accountId],
      );
      await db.query('update public.accounts set balance = -3 where id = $1', [customer.accountId]);
      const { rows } = await db.query<{ v: string }>('select app.check_invariants() as v');
      expect(rows.map((r) => r.v)).toEqual(
        expect.arrayContaining([expect.stringMatching(new RegExp(`^entry \\d+: customer account ${customer.accountId} went below zero \\(-3\\)$`))]),
      );
    } finally {
      await db.query('rollback').catch(() => undefined);
      await db.end();
    }
  });
});
