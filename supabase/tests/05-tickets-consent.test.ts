/**
 * Tickets and consent (docs/design.md §1.3, §1.5, §1.6, §1.8): opening a ticket; pre-approved vs cost first;
 * level 1 charged without confirmation; code_modification always confirmed at a price ≥ 20; upgrades
 * priced from the release list; awaiting credits and automatic charging oldest first; decline; cancel
 * before any charge; messages with internal notes; assignment; resolution; the audit trail.
 * Every step checks the ticket, the balance, the ledger and the notifications.
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
  eventKinds,
  expectError,
  ledger,
  notificationKinds,
  notifications,
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

/** A customer with exactly `credits` in their account. */
const customerWith = (credits: number): Promise<Person> => createCustomerWith(admin, credits);

function charges(lines: Awaited<ReturnType<typeof ledger>>, ticketId: string) {
  return lines.filter((line) => line.ticket_id === ticketId).map(({ kind, amount, balance_after }) => ({ kind, amount, balance_after }));
}

describe('opening a ticket', () => {
  it('makes a new ticket on the personal account, numbered from #1001, with a created event and no charge', async () => {
    const customer = await customerWith(20);
    const created = await createTicket(customer, true);
    expect(created, 'a new ticket').toMatchObject({
      account_id: customer.accountId,
      created_by: customer.userId,
      status: 'new',
      pre_approved: true,
      category: null,
      quoted_credits: null,
      charged_credits: 0,
    });
    expect(created.number, 'human number').toBeGreaterThanOrEqual(1001);
    const second = await createTicket(customer, false);
    expect(second.number, 'numbers increase').toBeGreaterThan(created.number);
    expect(await eventKinds(created.id), 'audit trail').toEqual(['created']);
    expect(await balance(customer.accountId), 'nothing charged').toBe(20);
    expect(await notificationKinds(customer.userId, created.id), 'no notice').toEqual([]);
    const listed = ok(await customer.client.from('tickets').select('id').order('number'), 'customer lists tickets');
    expect(listed.map((row) => row.id), 'both tickets listed').toEqual([created.id, second.id]);
  });

  it.each([
    ['a too short subject', { p_subject: 'Hi' }],
    ['a too long subject', { p_subject: 'x'.repeat(201) }],
    ['an empty body', { p_body: '   ' }],
    ['no consent choice', { p_pre_approved: null }],
    ['only one upgrade version', { p_upgrade_from: '4.3.1' }],
    ['an unknown upgrade version', { p_upgrade_from: '4.3.1', p_upgrade_to: '7.0.0' }],
    ['a backwards upgrade', { p_upgrade_from: '4.3.9', p_upgrade_to: '4.3.1' }],
  ])('refuses %s as invalid_input', async (_what, override) => {
    const customer = await createPerson();
    const result = await customer.client.rpc('create_ticket', {
      p_subject: 'Export fails',
      p_body: 'Details',
      p_pre_approved: true,
      ...override,
    });
    expectError(result, '22023', 'invalid_input', `create_ticket with ${_what}`);
    expect(ok(await customer.client.from('tickets').select('id'), 'list'), 'nothing created').toEqual([]);
  });

  it('anon cannot open tickets', async () => {
    expectError(
      await anonClient().rpc('create_ticket', { p_subject: 'Export fails', p_body: 'Details', p_pre_approved: true }),
      '42501',
      undefined,
      'anon create_ticket',
    );
  });
});

describe('pre-approved', () => {
  it('is charged as soon as the engineer assesses it', async () => {
    const customer = await customerWith(30);
    const created = await createTicket(customer, true);
    const assessed = await assess(engineer, created.id, 'configuration');
    expect(assessed, 'charged, in progress').toMatchObject({
      status: 'in_progress',
      category: 'configuration',
      quoted_credits: 10,
      charged_credits: 10,
      assignee_id: engineer.userId,
    });
    expect(await balance(customer.accountId), 'balance 30 − 10').toBe(20);
    expect(charges(await ledger(customer.accountId), created.id), 'one charge').toEqual([
      { kind: 'ticket_charge', amount: -10, balance_after: 20 },
    ]);
    const line = defined((await ledger(customer.accountId)).find((row) => row.ticket_id === created.id), 'charge line');
    expect(line.idempotency_key, 'charge key').toBe(`ticket:${created.id}:charge:1`);
    expect(await notificationKinds(customer.userId, created.id), 'told of the charge').toEqual(['charged']);
    expect(await eventKinds(created.id), 'audit trail').toEqual(['created', 'assessed', 'charged']);
  });

  it('an upgrade is priced from the release list (4.3.1 → 4.3.9 = 50), charged at once within a raised ceiling', async () => {
    const customer = await customerWith(60);
    const created = await createTicket(customer, true, { p_upgrade_from: '4.3.1', p_upgrade_to: '4.3.9', p_pre_approval_ceiling: 50 });
    const assessed = await assess(engineer, created.id, 'upgrade');
    expect(assessed, 'charged 50').toMatchObject({ status: 'in_progress', quoted_credits: 50, charged_credits: 50 });
    expect(await balance(customer.accountId), '60 − 50').toBe(10);
    expectError(
      await engineer.client.rpc('assess_ticket', {
        p_ticket_id: (await createTicket(customer, true, { p_upgrade_from: '4.3.1', p_upgrade_to: '4.3.9' })).id,
        p_category: 'upgrade',
        p_credits: 20,
      }),
      '22023',
      'invalid_input',
      'an upgrade priced against the release list',
    );
  });

  it('code_modification still waits for the customer: its price is agreed', async () => {
    const customer = await customerWith(50);
    const created = await createTicket(customer, true);
    expectError(
      await engineer.client.rpc('assess_ticket', { p_ticket_id: created.id, p_category: 'code_modification', p_credits: 19 }),
      '22023',
      'invalid_input',
      'a proposal under 20',
    );
    expectError(
      await engineer.client.rpc('assess_ticket', { p_ticket_id: created.id, p_category: 'code_modification' }),
      '22023',
      'invalid_input',
      'no proposal',
    );
    expect((await ticket(created.id)).status, 'refused proposals change nothing').toBe('new');
    const assessed = await assess(engineer, created.id, 'code_modification', 35);
    expect(assessed, 'quoted, waiting').toMatchObject({ status: 'awaiting_confirmation', quoted_credits: 35, charged_credits: 0 });
    expect(await balance(customer.accountId), 'nothing charged').toBe(50);
    const [quote] = await notifications(customer.userId, 'quote_ready');
    expect(quote?.data, 'told the category and credits').toMatchObject({ category: 'code_modification', credits: 35 });
    const confirmed = ok(
      await customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 35 }).single<TicketRow>(),
      'customer confirms',
    );
    expect(confirmed, 'charged on confirmation').toMatchObject({ status: 'in_progress', charged_credits: 35 });
    expect(await balance(customer.accountId), '50 − 35').toBe(15);
    expect(await eventKinds(created.id), 'audit trail').toEqual(['created', 'assessed', 'quote_confirmed', 'charged']);
  });
});

describe('cost first', () => {
  it('level 1 is charged and answered without confirmation', async () => {
    const customer = await customerWith(10);
    const created = await createTicket(customer, false);
    const assessed = await assess(engineer, created.id, 'question');
    expect(assessed, 'charged at once').toMatchObject({ status: 'in_progress', quoted_credits: 5, charged_credits: 5 });
    expect(await balance(customer.accountId), '10 − 5').toBe(5);
    expect(await notificationKinds(customer.userId, created.id), 'no quote, a charge').toEqual(['charged']);
  });

  it('level 2 waits for confirmation with nothing deducted, then charges when confirmed', async () => {
    const customer = await customerWith(25);
    const created = await createTicket(customer, false);
    const assessed = await assess(engineer, created.id, 'configuration');
    expect(assessed, 'waiting for the customer').toMatchObject({
      status: 'awaiting_confirmation',
      quoted_credits: 10,
      charged_credits: 0,
    });
    expect(await balance(customer.accountId), 'nothing deducted').toBe(25);
    expect(charges(await ledger(customer.accountId), created.id), 'no charge').toEqual([]);
    const [quote] = await notifications(customer.userId, 'quote_ready');
    expect(quote, 'quote notice').toMatchObject({ ticket_id: created.id, data: expect.objectContaining({ credits: 10 }) });

    // Consent is the customer's alone: an engineer cannot confirm for them.
    expectError(
      await engineer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 10 }),
      'PT404',
      'not_found',
      'the engineer confirms for the customer',
    );

    const confirmed = ok(
      await customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 10 }).single<TicketRow>(),
      'customer confirms',
    );
    expect(confirmed, 'charged').toMatchObject({ status: 'in_progress', charged_credits: 10 });
    expect(await balance(customer.accountId), '25 − 10').toBe(15);
    expect(await notificationKinds(customer.userId, created.id), 'quote, then charge').toEqual(['quote_ready', 'charged']);
    expect(await eventKinds(created.id), 'audit trail').toEqual(['created', 'assessed', 'quote_confirmed', 'charged']);
    expectError(
      await customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 10 }),
      'PT409',
      'invalid_state',
      'confirming twice',
    );
    expect(await balance(customer.accountId), 'charged once').toBe(15);
  });

  it('a declined quote closes the ticket without a charge', async () => {
    const customer = await customerWith(25);
    const created = await createTicket(customer, false);
    await assess(engineer, created.id, 'investigation');
    const declined = ok(
      await customer.client
        .rpc('decline_quote', { p_ticket_id: created.id, p_reason: 'Too expensive for now' })
        .single<TicketRow & { closed_at: string | null }>(),
      'customer declines',
    );
    expect(declined, 'declined, nothing charged').toMatchObject({ status: 'declined', charged_credits: 0 });
    expect(declined.closed_at, 'closed').not.toBeNull();
    expect(await balance(customer.accountId), 'balance untouched').toBe(25);
    expect(await eventKinds(created.id), 'audit trail').toEqual(['created', 'assessed', 'quote_declined']);
    expectError(
      await customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 20 }),
      'PT409',
      'invalid_state',
      'confirm after decline',
    );
    expectError(
      await customer.client.rpc('post_message', { p_ticket_id: created.id, p_body: 'Hello?' }),
      'PT409',
      'invalid_state',
      'a message on a closed ticket',
    );
  });
});

describe('not enough credits', () => {
  it('waits in awaiting_credits, says how many are missing, and is charged when a purchase arrives', async () => {
    const customer = await customerWith(3);
    const created = await createTicket(customer, true);
    const assessed = await assess(engineer, created.id, 'configuration');
    expect(assessed, 'waiting for credits').toMatchObject({ status: 'awaiting_credits', quoted_credits: 10, charged_credits: 0 });
    expect(await balance(customer.accountId), 'never negative, untouched').toBe(3);
    const needed = defined((await notifications(customer.userId, 'credits_needed'))[0], 'credits_needed notice');
    expect(needed, 'told what is missing').toMatchObject({ ticket_id: created.id, data: expect.objectContaining({ missing: 7 }) });
    expect(needed.body, 'in words').toContain('7');

    await buyCredits(customer, 25);
    const after = await ticket(created.id);
    expect(after, 'charged automatically').toMatchObject({ status: 'in_progress', charged_credits: 10 });
    expect(await balance(customer.accountId), '3 + 25 − 10').toBe(18);
    expect(charges(await ledger(customer.accountId), created.id), 'one charge').toEqual([
      { kind: 'ticket_charge', amount: -10, balance_after: 18 },
    ]);
    expect(await notificationKinds(customer.userId, created.id), 'needed, then charged').toEqual(['credits_needed', 'charged']);
    expect(await eventKinds(created.id), 'audit trail').toEqual(['created', 'assessed', 'awaiting_credits', 'charged']);
  });

  it('charges waiting tickets oldest first as far as the added credits go (an admin adjustment too)', async () => {
    const customer = await customerWith(0);
    const older = await createTicket(customer, true);
    const newer = await createTicket(customer, true);
    await assess(engineer, older.id, 'investigation'); // 20
    await assess(engineer, newer.id, 'configuration'); // 10
    expect([(await ticket(older.id)).status, (await ticket(newer.id)).status], 'both waiting').toEqual([
      'awaiting_credits',
      'awaiting_credits',
    ]);
    await adjustCredits(admin, customer.accountId, 25);
    expect((await ticket(older.id)).status, 'the oldest is charged first').toBe('in_progress');
    expect((await ticket(newer.id)).status, 'the newer one waits: 5 left').toBe('awaiting_credits');
    expect(await balance(customer.accountId), '25 − 20').toBe(5);
    await adjustCredits(admin, customer.accountId, 5);
    expect((await ticket(newer.id)).status, 'covered now').toBe('in_progress');
    expect(await balance(customer.accountId), '10 − 10').toBe(0);
  });

  it('a confirmed quote the balance cannot cover waits for credits too', async () => {
    const customer = await customerWith(4);
    const created = await createTicket(customer, false);
    await assess(engineer, created.id, 'configuration');
    const confirmed = ok(
      await customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 10 }).single<TicketRow>(),
      'customer confirms',
    );
    expect(confirmed, 'waiting for credits').toMatchObject({ status: 'awaiting_credits', charged_credits: 0 });
    expect(await balance(customer.accountId), 'untouched').toBe(4);
    await adjustCredits(admin, customer.accountId, 6);
    expect(await ticket(created.id), 'charged when covered').toMatchObject({ status: 'in_progress', charged_credits: 10 });
    expect(await balance(customer.accountId), '10 − 10').toBe(0);
  });
});

describe('cancel', () => {
  it('a customer withdraws a ticket before any charge — new, awaiting confirmation or awaiting credits', async () => {
    const customer = await customerWith(0);
    const fresh = await createTicket(customer, true);
    const quoted = await createTicket(customer, false);
    await assess(engineer, quoted.id, 'configuration');
    const waiting = await createTicket(customer, true);
    await assess(engineer, waiting.id, 'configuration');
    for (const row of [fresh, quoted, waiting]) {
      const canceled = ok(await customer.client.rpc('cancel_ticket', { p_ticket_id: row.id }).single<TicketRow>(), 'cancel');
      expect(canceled, 'canceled').toMatchObject({ status: 'canceled', charged_credits: 0 });
      expect((await eventKinds(row.id)).at(-1), 'audit trail ends with canceled').toBe('canceled');
    }
    await adjustCredits(admin, customer.accountId, 50);
    expect((await ticket(waiting.id)).status, 'a canceled ticket is never charged later').toBe('canceled');
    expect(await balance(customer.accountId), 'all 50 still there').toBe(50);
  });

  it('not once credits were charged', async () => {
    const customer = await customerWith(10);
    const created = await createTicket(customer, true);
    await assess(engineer, created.id, 'configuration');
    expectError(await customer.client.rpc('cancel_ticket', { p_ticket_id: created.id }), 'PT409', 'invalid_state', 'cancel a charged ticket');
    expect(await ticket(created.id), 'still in progress').toMatchObject({ status: 'in_progress', charged_credits: 10 });
  });
});

describe('messages, assignment, resolution and the audit trail', () => {
  it('customer and engineer talk on the ticket; internal notes stay with staff; replies notify', async () => {
    const customer = await customerWith(10);
    const created = await createTicket(customer, true);
    await assess(engineer, created.id, 'configuration');
    ok(await customer.client.rpc('post_message', { p_ticket_id: created.id, p_body: 'Any news?' }), 'customer writes');
    ok(
      await engineer.client.rpc('post_message', { p_ticket_id: created.id, p_body: 'Customer uses a custom theme.', p_internal: true }),
      'internal note',
    );
    expect(await notificationKinds(customer.userId, created.id), 'an internal note does not notify').toEqual(['charged']);
    ok(await engineer.client.rpc('post_message', { p_ticket_id: created.id, p_body: 'Set **Export format** to CSV.' }), 'reply');
    expect(await notificationKinds(customer.userId, created.id), 'the reply notifies').toEqual(['charged', 'answered']);

    const seen = ok(
      await customer.client.from('ticket_messages').select('body, internal, from_staff').eq('ticket_id', created.id).order('created_at'),
      'customer reads the thread',
    );
    expect(seen, 'no internal note').toEqual([
      { body: 'Any news?', internal: false, from_staff: false },
      { body: 'Set **Export format** to CSV.', internal: false, from_staff: true },
    ]);
    const staffSeen = ok(
      await engineer.client.from('ticket_messages').select('body').eq('ticket_id', created.id),
      'engineer reads the thread',
    );
    expect(staffSeen, 'staff see all three').toHaveLength(3);
    expectError(
      await customer.client.rpc('post_message', { p_ticket_id: created.id, p_body: 'Secret', p_internal: true }),
      '42501',
      'forbidden',
      'a customer writes an internal note',
    );
    expectError(
      await customer.client.rpc('post_message', { p_ticket_id: created.id, p_body: ' ' }),
      '22023',
      'invalid_input',
      'an empty message',
    );
  });

  it('assignment is staff-only, to staff only, and internal to the audit trail', async () => {
    const customer = await customerWith(0);
    const created = await createTicket(customer, true);
    const assigned = ok(
      await admin.client.rpc('assign_ticket', { p_ticket_id: created.id, p_assignee_id: engineer.userId }).single<TicketRow>(),
      'admin assigns',
    );
    expect(assigned.assignee_id, 'assigned').toBe(engineer.userId);
    expectError(
      await admin.client.rpc('assign_ticket', { p_ticket_id: created.id, p_assignee_id: customer.userId }),
      '22023',
      'invalid_input',
      'assign to a customer',
    );
    expectError(
      await customer.client.rpc('assign_ticket', { p_ticket_id: created.id, p_assignee_id: customer.userId }),
      '42501',
      'forbidden',
      'customer assigns',
    );
    const trail = ok(
      await customer.client.from('ticket_events').select('kind').eq('ticket_id', created.id).order('id'),
      'customer reads the audit trail',
    );
    expect(trail.map((row) => row.kind), 'assignment is internal').toEqual(['created']);
    expect(await eventKinds(created.id), 'but recorded').toEqual(['created', 'assigned']);
  });

  it('resolving closes the ticket and tells the customer; a closed ticket cannot be resolved or assessed again', async () => {
    const customer = await customerWith(10);
    const created = await createTicket(customer, true);
    await assess(engineer, created.id, 'question');
    const resolved = ok(
      await engineer.client.rpc('resolve_ticket', { p_ticket_id: created.id }).single<TicketRow & { resolved_at: string }>(),
      'resolve',
    );
    expect(resolved, 'resolved, charge kept').toMatchObject({ status: 'resolved', charged_credits: 5 });
    expect(resolved.resolved_at, 'resolved_at').not.toBeNull();
    expect(await notificationKinds(customer.userId, created.id), 'told').toEqual(['charged', 'resolved']);
    expectError(await engineer.client.rpc('resolve_ticket', { p_ticket_id: created.id }), 'PT409', 'invalid_state', 'resolve twice');
    expectError(
      await engineer.client.rpc('assess_ticket', { p_ticket_id: created.id, p_category: 'question' }),
      'PT409',
      'invalid_state',
      'assess a resolved ticket',
    );
    expectError(
      await customer.client.rpc('resolve_ticket', { p_ticket_id: created.id }),
      '42501',
      'forbidden',
      'a customer resolves',
    );
    expect(await balance(customer.accountId), '10 − 5').toBe(5);
    const trail = ok(
      await customer.client.from('ticket_events').select('kind, actor_name').eq('ticket_id', created.id).order('id'),
      'customer reads the trail',
    );
    expect(trail.map((row) => row.kind), 'the customer reads every public step').toEqual([
      'created',
      'assessed',
      'charged',
      'resolved',
    ]);
  });

  it('engineers validate what they assess', async () => {
    const customer = await customerWith(0);
    const created = await createTicket(customer, true);
    expectError(
      await engineer.client.rpc('assess_ticket', { p_ticket_id: created.id, p_category: 'astrology' }),
      '22023',
      'invalid_input',
      'unknown category',
    );
    expectError(
      await engineer.client.rpc('assess_ticket', { p_ticket_id: created.id, p_category: 'question', p_credits: 7 }),
      '22023',
      'invalid_input',
      'a fixed price changed',
    );
    expectError(
      await engineer.client.rpc('assess_ticket', { p_ticket_id: '00000000-0000-4000-8000-00000000dead', p_category: 'question' }),
      'PT404',
      'not_found',
      'unknown ticket',
    );
    expect((await ticket(created.id)).status, 'still new').toBe('new');
  });
});
