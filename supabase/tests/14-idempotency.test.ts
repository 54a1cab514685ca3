/**
 * Money-moving calls with an idempotency key: a repeated call with the same key — a double click, a
 * retried request, even at the same moment — returns the first result and changes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  assess,
  balance,
  checkInvariantsAfterAll,
  createCast,
  createPerson,
  createTicket,
  expectError,
  ledger,
  notifications,
  ok,
  type Person,
  type TicketRow,
} from './support.ts';

checkInvariantsAfterAll();

let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ engineer, admin } = await createCast());
});

describe('adjust_credits', () => {
  it('two calls with one key at the same moment make one ledger row and both return it', async () => {
    const customer = await createPerson();
    const key = crypto.randomUUID();
    const call = () =>
      admin.client
        .rpc('adjust_credits', { p_account_id: customer.accountId, p_amount: 40, p_note: 'Goodwill', p_idempotency_key: key })
        .single<{ id: string; amount: number }>();
    const [first, second] = await Promise.all([call(), call()]);
    const transfer = ok(first, 'first call');
    expect(ok(second, 'second call'), 'the same transfer').toEqual(transfer);
    expect(ok(await call(), 'a later retry'), 'still the same transfer').toEqual(transfer);
    expect(await balance(customer.accountId), 'applied once').toBe(40);
    expect((await ledger(customer.accountId)).filter((line) => line.kind === 'adjustment'), 'one ledger row').toHaveLength(1);
    expect(await notifications(customer.userId, 'credits_added'), 'told once').toHaveLength(1);
  });

  it('needs a key, and a key cannot be reused for another action', async () => {
    const customer = await createPerson();
    const missing = await admin.client.rpc('adjust_credits', {
      p_account_id: customer.accountId,
      p_amount: 5,
      p_note: 'No key',
      p_idempotency_key: null,
    });
    expectError(missing, '22023', 'invalid_input', 'no key');
    expect(missing.error?.details).toMatch(/idempotency key/);
    expectError(
      await admin.client.rpc('adjust_credits', { p_account_id: customer.accountId, p_amount: 5, p_note: 'Bad key', p_idempotency_key: 'x' }),
      '22023',
      'invalid_input',
      'a key too short',
    );
    const key = crypto.randomUUID();
    ok(await admin.client.rpc('adjust_credits', { p_account_id: customer.accountId, p_amount: 5, p_note: 'First', p_idempotency_key: key }), 'first');
    const created = await createTicket(customer, true);
    await assess(engineer, created.id, 'question');
    expectError(
      await admin.client.rpc('refund_ticket', { p_ticket_id: created.id, p_credits: 1, p_reason: 'Reusing a key', p_idempotency_key: key }),
      '22023',
      'invalid_input',
      'the key of an adjustment used for a refund',
    );
    expect(await balance(customer.accountId), 'only the first adjustment, minus the charge').toBe(0);
  });
});

describe('refund_ticket', () => {
  it('a repeated refund with the same key gives the credits back once', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 20);
    const created = await createTicket(customer, true);
    await assess(engineer, created.id, 'configuration');
    const key = crypto.randomUUID();
    const call = () =>
      engineer.client
        .rpc('refund_ticket', { p_ticket_id: created.id, p_credits: 4, p_reason: 'Part was our bug', p_idempotency_key: key })
        .single<TicketRow>();
    const [first, second] = await Promise.all([call(), call()]);
    expect(ok(first, 'first'), 'refunded').toMatchObject({ charged_credits: 6 });
    expect(ok(second, 'second'), 'the same answer').toEqual(first.data);
    expect(await balance(customer.accountId), '20 − 10 + 4').toBe(14);
    expect((await ledger(customer.accountId)).filter((line) => line.kind === 'ticket_refund'), 'one refund row').toHaveLength(1);
  });
});
