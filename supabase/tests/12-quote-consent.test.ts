/**
 * The customer is charged only a price they agreed to: a confirmation carries the credits the customer
 * saw, and a re-priced quote is not charged; an upgrade is priced from two versions of the release list;
 * a pre-approved ticket priced above the customer's pre-approval ceiling waits for confirmation.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assess,
  balance,
  checkInvariantsAfterAll,
  createCast,
  createTicket,
  eventKinds,
  expectError,
  ledger,
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

const customerWith = (credits: number): Promise<Person> => createCustomerWith(admin, credits);

describe('confirming the price the customer saw', () => {
  it('a quote re-priced between the view and the click charges nothing and says so; the new price confirmed is charged', async () => {
    const customer = await customerWith(50);
    const created = await createTicket(customer, false);
    await assess(engineer, created.id, 'configuration'); // the customer sees 10 credits
    ok(
      await engineer.client.rpc('reassess_ticket', {
        p_ticket_id: created.id,
        p_category: 'investigation',
        p_reason: 'The logs point at the database server',
      }),
      'the engineer re-prices to 20',
    );

    const stale = await customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 10 });
    expectError(stale, 'PT409', 'invalid_state', 'confirming the price seen before the change');
    expect(stale.error?.details, 'says what changed, in words').toMatch(/now costs 20 credits, not 10.*Nothing was charged/);
    expect(await balance(customer.accountId), 'nothing charged').toBe(50);
    expect(await ticket(created.id), 'still waiting at the new price').toMatchObject({
      status: 'awaiting_confirmation',
      quoted_credits: 20,
      charged_credits: 0,
    });
    expect(await eventKinds(created.id), 'no confirmation recorded').toEqual(['created', 'assessed', 'reassessed']);

    const confirmed = ok(
      await customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 20 }).single<TicketRow>(),
      'confirming the new price',
    );
    expect(confirmed, 'charged the price confirmed').toMatchObject({ status: 'in_progress', charged_credits: 20 });
    expect(await balance(customer.accountId), '50 − 20').toBe(30);
  });

  it('the price is required; a repeated confirmation with the same key returns the first result and charges once', async () => {
    const customer = await customerWith(30);
    const created = await createTicket(customer, false);
    await assess(engineer, created.id, 'configuration');
    expectError(
      await customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: null }),
      '22023',
      'invalid_input',
      'no price',
    );
    const key = randomUUID();
    const [first, second] = await Promise.all(
      [1, 2].map(() =>
        customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 10, p_idempotency_key: key }).single<TicketRow>(),
      ),
    );
    expect(ok(first!, 'first'), 'charged').toMatchObject({ status: 'in_progress', charged_credits: 10 });
    expect(ok(second!, 'second'), 'the same answer').toEqual(first!.data);
    expect(await balance(customer.accountId), 'charged once').toBe(20);
    expect((await ledger(customer.accountId)).filter((line) => line.kind === 'ticket_charge'), 'one charge').toHaveLength(1);
  });
});

describe('upgrades are priced from the release list', () => {
  it('assessing a ticket without versions as an upgrade is refused until the engineer names two known versions', async () => {
    const customer = await customerWith(100);
    const created = await createTicket(customer, true, { p_pre_approval_ceiling: 100 });
    const without = await engineer.client.rpc('assess_ticket', { p_ticket_id: created.id, p_category: 'upgrade' });
    expectError(without, '22023', 'invalid_input', 'an upgrade without versions');
    expect(without.error?.details).toMatch(/current and the target version/);
    expectError(
      await engineer.client.rpc('assess_ticket', { p_ticket_id: created.id, p_category: 'upgrade', p_credits: 20 }),
      '22023',
      'invalid_input',
      'a number typed in place of versions',
    );
    expectError(
      await engineer.client.rpc('assess_ticket', {
        p_ticket_id: created.id,
        p_category: 'upgrade',
        p_upgrade_from: '4.3.1',
        p_upgrade_to: '9.9.9',
      }),
      '22023',
      'invalid_input',
      'a version not in the release list',
    );
    expectError(
      await engineer.client.rpc('assess_ticket', {
        p_ticket_id: created.id,
        p_category: 'question',
        p_upgrade_from: '4.3.1',
        p_upgrade_to: '4.3.9',
      }),
      '22023',
      'invalid_input',
      'versions for a category that is not an upgrade',
    );
    expect(await ticket(created.id), 'refusals change nothing').toMatchObject({ status: 'new', upgrade_from: null });
    expect(await balance(customer.accountId)).toBe(100);

    const assessed = ok(
      await engineer.client
        .rpc('assess_ticket', { p_ticket_id: created.id, p_category: 'upgrade', p_upgrade_from: '4.3.1', p_upgrade_to: '4.3.9' })
        .single<TicketRow>(),
      'an upgrade with versions',
    );
    expect(assessed, 'priced 50 from the release list and charged within the ceiling').toMatchObject({
      status: 'in_progress',
      quoted_credits: 50,
      charged_credits: 50,
      upgrade_from: '4.3.1',
      upgrade_to: '4.3.9',
    });
  });
});

describe('the pre-approval ceiling', () => {
  it('defaults to the dearest fixed category (20); a pre-approved upgrade above it waits for confirmation, charging nothing', async () => {
    const defaultCeiling = ok(await (await customerWith(0)).client.rpc('default_pre_approval_ceiling'), 'default ceiling');
    expect(defaultCeiling, 'investigation, 20 credits').toBe(20);

    const customer = await customerWith(100);
    const created = await createTicket(customer, true, { p_upgrade_from: '4.3.1', p_upgrade_to: '4.3.9' });
    expect((await ticket(created.id)) as TicketRow & { pre_approval_ceiling: number }, 'the ceiling is stored').toMatchObject({
      pre_approval_ceiling: 20,
    });
    const assessed = await assess(engineer, created.id, 'upgrade');
    expect(assessed, 'waits like a cost-first ticket').toMatchObject({
      status: 'awaiting_confirmation',
      quoted_credits: 50,
      charged_credits: 0,
    });
    expect(await balance(customer.accountId), 'nothing charged').toBe(100);
    const [quote] = await notifications(customer.userId, 'quote_ready');
    expect(quote?.body, 'the notice says why').toMatch(/above the 20 credits you agreed to in advance/);

    ok(await customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 50 }), 'confirmed');
    expect(await balance(customer.accountId), 'charged on confirmation').toBe(50);
  });

  it('a price at the ceiling is charged at once; a reassessment above it asks first', async () => {
    const customer = await customerWith(100);
    const created = await createTicket(customer, true);
    const assessed = await assess(engineer, created.id, 'investigation');
    expect(assessed, '20 = the ceiling: charged').toMatchObject({ status: 'in_progress', charged_credits: 20 });
    const raised = ok(
      await engineer.client
        .rpc('reassess_ticket', { p_ticket_id: created.id, p_category: 'code_modification', p_credits: 25, p_reason: 'A code change' })
        .single<TicketRow>(),
      'reassessed',
    );
    expect(raised, 'above the ceiling: asks').toMatchObject({ status: 'awaiting_confirmation', charged_credits: 20 });
    expect(await balance(customer.accountId), 'nothing more charged').toBe(80);
  });

  it("a question split off a pre-approved ticket keeps the customer's ceiling", async () => {
    const customer = await customerWith(100);
    const raised = await createTicket(customer, true, { p_pre_approval_ceiling: 50 });
    const lowered = await createTicket(customer, true, { p_pre_approval_ceiling: 10 });
    const split = async (parent: TicketRow) =>
      ok(
        await engineer.client
          .rpc('split_ticket', { p_ticket_id: parent.id, p_subject: 'A second question', p_body: 'About exports.' })
          .single<TicketRow & { pre_approval_ceiling: number | null }>(),
        'split_ticket',
      );
    const fromRaised = await split(raised);
    const fromLowered = await split(lowered);
    expect(fromRaised.pre_approval_ceiling, 'raised to 50 on the parent').toBe(50);
    expect(fromLowered.pre_approval_ceiling, 'lowered to 10 on the parent').toBe(10);
    expect(await assess(engineer, fromRaised.id, 'investigation'), '20 ≤ 50: charged at once').toMatchObject({
      status: 'in_progress',
      charged_credits: 20,
    });
    expect(await assess(engineer, fromLowered.id, 'investigation'), '20 > 10: asks first').toMatchObject({
      status: 'awaiting_confirmation',
      charged_credits: 0,
    });
    expect(await balance(customer.accountId), 'only the child within its ceiling was charged').toBe(80);
  });

  it('is refused in words when out of range or given for a cost-first ticket', async () => {
    const customer = await customerWith(0);
    for (const [what, args] of [
      ['zero', { p_pre_approved: true, p_pre_approval_ceiling: 0 }],
      ['too high', { p_pre_approved: true, p_pre_approval_ceiling: 100001 }],
      ['cost first', { p_pre_approved: false, p_pre_approval_ceiling: 30 }],
    ] as const) {
      const result = await customer.client.rpc('create_ticket', { p_subject: 'Ceiling test', p_body: 'Body', ...args });
      expectError(result, '22023', 'invalid_input', what);
      expect(result.error?.details, what).toMatch(/ceiling/);
    }
  });
});
