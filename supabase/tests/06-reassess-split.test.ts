/**
 * Re-categorization, split and refund (docs/design.md §1.3, §1.7): a lower cost refunds the difference at once;
 * a higher one is charged at once for pre-approved tickets (except code_modification), otherwise waits
 * for the customer's confirmation; declining keeps what was charged and closes the ticket. A split
 * question becomes its own ticket, assessed on its own. Refunds give credits back (and pay for waiting tickets).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  assess,
  balance,
  checkInvariantsAfterAll,
  createCast,
  createTicket,
  eventKinds,
  expectError,
  ledger,
  notificationKinds,
  ok,
  type Person,
  ticket,
  type TicketRow,
  createCustomerWith,
} from './support.ts';

checkInvariantsAfterAll();

let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ engineer, admin } = await createCast());
});

const customerWith = (credits: number): Promise<Person> => createCustomerWith(admin, credits);

async function reassess(ticketId: string, category: string, credits: number | null = null, reason = 'Turned out differently') {
  return ok(
    await engineer.client
      .rpc('reassess_ticket', { p_ticket_id: ticketId, p_category: category, p_credits: credits, p_reason: reason })
      .single<TicketRow>(),
    `reassess to ${category}`,
  );
}

async function ticketLedger(accountId: string, ticketId: string) {
  return (await ledger(accountId))
    .filter((line) => line.ticket_id === ticketId)
    .map(({ kind, amount, balance_after, idempotency_key }) => ({ kind, amount, balance_after, idempotency_key }));
}

describe('re-categorization', () => {
  it('a lower cost refunds the difference at once', async () => {
    const customer = await customerWith(20);
    const created = await createTicket(customer, true);
    await assess(engineer, created.id, 'configuration');
    const lowered = await reassess(created.id, 'question', null, 'Only a question after all');
    expect(lowered, 'now a question, 5 kept').toMatchObject({
      status: 'in_progress',
      category: 'question',
      quoted_credits: 5,
      charged_credits: 5,
    });
    expect(await balance(customer.accountId), '20 − 10 + 5').toBe(15);
    expect(await ticketLedger(customer.accountId, created.id), 'charge then refund').toEqual([
      { kind: 'ticket_charge', amount: -10, balance_after: 10, idempotency_key: `ticket:${created.id}:charge:1` },
      { kind: 'ticket_refund', amount: 5, balance_after: 15, idempotency_key: `ticket:${created.id}:refund:1` },
    ]);
    expect(await notificationKinds(customer.userId, created.id), 'told of the re-categorization and its refund').toEqual(['charged', 'recategorized']);
    expect(await eventKinds(created.id), 'audit trail').toEqual(['created', 'assessed', 'charged', 'reassessed', 'refunded']);
  });

  it('a higher cost is charged at once for a pre-approved ticket', async () => {
    const customer = await customerWith(40);
    const created = await createTicket(customer, true);
    await assess(engineer, created.id, 'configuration');
    const raised = await reassess(created.id, 'investigation');
    expect(raised, 'difference charged').toMatchObject({ status: 'in_progress', quoted_credits: 20, charged_credits: 20 });
    expect(await balance(customer.accountId), '40 − 10 − 10').toBe(20);
    expect(await ticketLedger(customer.accountId, created.id), 'two charges').toEqual([
      { kind: 'ticket_charge', amount: -10, balance_after: 30, idempotency_key: `ticket:${created.id}:charge:1` },
      { kind: 'ticket_charge', amount: -10, balance_after: 20, idempotency_key: `ticket:${created.id}:charge:2` },
    ]);
    expect(await notificationKinds(customer.userId, created.id), 'the charge, then the re-categorization with its extra charge').toEqual([
      'charged',
      'recategorized',
    ]);
  });

  it('a higher cost waits for credits when the balance cannot cover the difference', async () => {
    const customer = await customerWith(15);
    const created = await createTicket(customer, true);
    await assess(engineer, created.id, 'configuration');
    const raised = await reassess(created.id, 'investigation');
    expect(raised, 'waiting for the 10 more').toMatchObject({ status: 'awaiting_credits', charged_credits: 10 });
    expect(await balance(customer.accountId), 'untouched').toBe(5);
    await adjustCredits(admin, customer.accountId, 5);
    expect(await ticket(created.id), 'difference charged when covered').toMatchObject({ status: 'in_progress', charged_credits: 20 });
    expect(await balance(customer.accountId), '10 − 10').toBe(0);
  });

  it('a raise to code_modification waits for the customer even when pre-approved', async () => {
    const customer = await customerWith(50);
    const created = await createTicket(customer, true);
    await assess(engineer, created.id, 'configuration');
    const raised = await reassess(created.id, 'code_modification', 30, 'Needs a change to the export module');
    expect(raised, 'waiting for confirmation').toMatchObject({
      status: 'awaiting_confirmation',
      quoted_credits: 30,
      charged_credits: 10,
    });
    expect(await balance(customer.accountId), 'only the first charge').toBe(40);
    expect(await notificationKinds(customer.userId, created.id), 'asked').toEqual(['charged', 'quote_ready']);
    const confirmed = ok(await customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 30 }).single<TicketRow>(), 'confirm');
    expect(confirmed, 'the difference charged').toMatchObject({ status: 'in_progress', charged_credits: 30 });
    expect(await balance(customer.accountId), '50 − 10 − 20').toBe(20);
  });

  it('cost first: a raise waits for confirmation; declining keeps what was charged and closes the ticket', async () => {
    const customer = await customerWith(30);
    const created = await createTicket(customer, false);
    await assess(engineer, created.id, 'question');
    const raised = await reassess(created.id, 'configuration');
    expect(raised, 'waiting').toMatchObject({ status: 'awaiting_confirmation', quoted_credits: 10, charged_credits: 5 });
    expect(await balance(customer.accountId), 'only the first charge').toBe(25);
    const declined = ok(
      await customer.client.rpc('decline_quote', { p_ticket_id: created.id }).single<TicketRow>(),
      'customer declines the raise',
    );
    expect(declined, 'closed, 5 kept').toMatchObject({ status: 'declined', charged_credits: 5 });
    expect(await balance(customer.accountId), 'no refund, no charge').toBe(25);
    expect(await eventKinds(created.id), 'audit trail').toEqual(['created', 'assessed', 'charged', 'reassessed', 'quote_declined']);
  });

  it('needs a reason, a change, an assessed open ticket, and staff', async () => {
    const customer = await customerWith(20);
    const created = await createTicket(customer, true);
    expectError(
      await engineer.client.rpc('reassess_ticket', { p_ticket_id: created.id, p_category: 'question', p_reason: 'Because' }),
      'PT409',
      'invalid_state',
      'reassess before assessment',
    );
    await assess(engineer, created.id, 'configuration');
    expectError(
      await engineer.client.rpc('reassess_ticket', { p_ticket_id: created.id, p_category: 'question', p_reason: '' }),
      '22023',
      'invalid_input',
      'no reason',
    );
    expectError(
      await engineer.client.rpc('reassess_ticket', { p_ticket_id: created.id, p_category: 'configuration', p_reason: 'Same again' }),
      '22023',
      'invalid_input',
      'no change',
    );
    expectError(
      await customer.client.rpc('reassess_ticket', { p_ticket_id: created.id, p_category: 'question', p_reason: 'Cheaper please' }),
      '42501',
      'forbidden',
      'a customer reassesses their own ticket',
    );
    expect(await ticket(created.id), 'unchanged').toMatchObject({ category: 'configuration', charged_credits: 10 });
    expect(await balance(customer.accountId), 'unchanged').toBe(10);
  });
});

describe('split', () => {
  it('a separate question becomes its own ticket, same account and consent, assessed and charged on its own', async () => {
    const customer = await customerWith(30);
    const parent = await createTicket(customer, true);
    await assess(engineer, parent.id, 'configuration');
    const child = ok(
      await engineer.client
        .rpc('split_ticket', {
          p_ticket_id: parent.id,
          p_subject: 'Also: invoices show the wrong VAT',
          p_body: 'Customer also asked about VAT on invoices.',
        })
        .single<TicketRow>(),
      'split',
    );
    expect(child, 'a new ticket').toMatchObject({
      account_id: customer.accountId,
      created_by: customer.userId,
      pre_approved: true,
      parent_id: parent.id,
      status: 'new',
      charged_credits: 0,
    });
    expect(child.number, 'its own number').toBeGreaterThan(parent.number);
    expect(await notificationKinds(customer.userId, child.id), 'told about the split').toEqual(['split']);
    expect(await eventKinds(parent.id), 'parent trail').toEqual(['created', 'assessed', 'charged', 'split']);
    expect(await eventKinds(child.id), 'child trail').toEqual(['created']);
    const listed = ok(await customer.client.from('tickets').select('id').eq('id', child.id), 'customer sees the new ticket');
    expect(listed, 'visible to the customer').toEqual([{ id: child.id }]);

    await assess(engineer, child.id, 'investigation');
    expect(await ticket(child.id), 'charged separately').toMatchObject({ status: 'in_progress', charged_credits: 20 });
    expect(await ticket(parent.id), 'parent untouched').toMatchObject({ status: 'in_progress', charged_credits: 10 });
    expect(await balance(customer.accountId), '30 − 10 − 20').toBe(0);
  });

  it('only staff split, and only open tickets', async () => {
    const customer = await customerWith(10);
    const created = await createTicket(customer, true);
    expectError(
      await customer.client.rpc('split_ticket', { p_ticket_id: created.id, p_subject: 'Free second question', p_body: 'x' }),
      '42501',
      'forbidden',
      'a customer splits',
    );
    ok(await customer.client.rpc('cancel_ticket', { p_ticket_id: created.id }), 'cancel');
    expectError(
      await engineer.client.rpc('split_ticket', { p_ticket_id: created.id, p_subject: 'Another one', p_body: 'x' }),
      'PT409',
      'invalid_state',
      'split a canceled ticket',
    );
    expect(ok(await customer.client.from('tickets').select('id'), 'list'), 'no ticket added').toHaveLength(1);
  });
});

describe('refund', () => {
  it('gives back part of a charge with a reason, and the credits pay for a waiting ticket', async () => {
    const customer = await customerWith(20);
    const charged = await createTicket(customer, true);
    await assess(engineer, charged.id, 'investigation'); // balance 0
    const waiting = await createTicket(customer, true);
    await assess(engineer, waiting.id, 'question');
    expect((await ticket(waiting.id)).status, 'waiting for 5').toBe('awaiting_credits');

    const refunded = ok(
      await engineer.client
        .rpc('refund_ticket', { p_ticket_id: charged.id, p_credits: 8, p_reason: 'Part of it was our bug', p_idempotency_key: crypto.randomUUID() })
        .single<TicketRow>(),
      'refund 8',
    );
    expect(refunded, 'charged_credits reduced').toMatchObject({ charged_credits: 12, status: 'in_progress' });
    expect(await ticket(waiting.id), 'the refund paid for the waiting ticket').toMatchObject({
      status: 'in_progress',
      charged_credits: 5,
    });
    expect(await balance(customer.accountId), '0 + 8 − 5').toBe(3);
    expect(await notificationKinds(customer.userId, charged.id), 'told of the refund').toEqual(['charged', 'refunded']);
    expect((await eventKinds(charged.id)).at(-1), 'audit trail').toBe('refunded');
  });

  it('refunds at most what was charged, with a reason, by staff only', async () => {
    const customer = await customerWith(10);
    const created = await createTicket(customer, true);
    expectError(
      await engineer.client.rpc('refund_ticket', { p_ticket_id: created.id, p_credits: 1, p_reason: 'Nothing to give', p_idempotency_key: crypto.randomUUID() }),
      'PT409',
      'invalid_state',
      'refund before any charge',
    );
    await assess(engineer, created.id, 'configuration');
    expectError(
      await engineer.client.rpc('refund_ticket', { p_ticket_id: created.id, p_credits: 11, p_reason: 'Too generous', p_idempotency_key: crypto.randomUUID() }),
      '22023',
      'invalid_input',
      'refund more than charged',
    );
    expectError(
      await engineer.client.rpc('refund_ticket', { p_ticket_id: created.id, p_credits: 5, p_reason: '', p_idempotency_key: crypto.randomUUID() }),
      '22023',
      'invalid_input',
      'refund without reason',
    );
    expectError(
      await customer.client.rpc('refund_ticket', { p_ticket_id: created.id, p_credits: 10, p_reason: 'I want it back', p_idempotency_key: crypto.randomUUID() }),
      '42501',
      'forbidden',
      'customer refunds',
    );
    const full = ok(
      await admin.client.rpc('refund_ticket', { p_ticket_id: created.id, p_credits: 10, p_reason: 'Goodwill', p_idempotency_key: crypto.randomUUID() }).single<TicketRow>(),
      'admin refunds all',
    );
    expect(full.charged_credits, 'nothing left charged').toBe(0);
    expect(await balance(customer.accountId), 'all back').toBe(10);
  });
});
