/**
 * public.preview_quote tells the engineer what assessing or re-categorizing a ticket will do, from the
 * same decision (app.quote_outcome) that app.apply_quote acts on. For tickets of every kind — pre-approved
 * or cost first, with and without a ceiling, every category, balances above and below the price, assessed
 * and re-categorized — the preview is taken, shown to change nothing, and then the real call is made:
 * the ticket, the balance and the charge must be what the preview said.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  anonClient,
  assess,
  balance,
  checkInvariantsAfterAll,
  createCast,
  createCustomerWith,
  createTicket,
  expectError,
  ok,
  type Person,
  sql,
  sqlRow,
  ticket,
  type TicketRow,
} from './support.ts';

checkInvariantsAfterAll();

let customer: Person;
let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ customer, engineer, admin } = await createCast());
});

type Kind = 'charge' | 'awaiting_credits' | 'quote' | 'refund' | 'no_change';
type Preview = {
  kind: Kind;
  category: string;
  price: number;
  charged: number;
  due: number;
  credits: number;
  ceiling: number | null;
  over_ceiling: boolean;
  balance: number;
  balance_after: number | null;
  missing: number | null;
};
type Pricing = { category: string; credits?: number; from?: string; to?: string };

const args = (ticketId: string, p: Pricing) => ({
  p_ticket_id: ticketId,
  p_category: p.category,
  p_credits: p.credits ?? null,
  p_upgrade_from: p.from ?? null,
  p_upgrade_to: p.to ?? null,
});

/** Everything a preview could touch: the ticket, the ledger, the audit trail, the customer's notices. */
async function footprint(t: TicketRow) {
  return sqlRow<Record<string, unknown>>(
    `select (select to_jsonb(x) from public.tickets x where x.id = $1) as ticket,
            (select balance from public.accounts where id = $2) as balance,
            (select count(*)::int from public.credit_transfers where from_account_id = $2 or to_account_id = $2) as transfers,
            (select count(*)::int from public.ticket_events where ticket_id = $1) as events,
            (select count(*)::int from public.notifications where user_id = $3) as notices`,
    [t.id, t.account_id, t.created_by],
  );
}

async function preview(t: TicketRow, p: Pricing): Promise<Preview> {
  const before = await footprint(t);
  const result = ok(await engineer.client.rpc('preview_quote', args(t.id, p)), `preview_quote ${p.category}`) as Preview;
  expect(await footprint(t), 'previewing changes nothing').toEqual(before);
  return result;
}

/** The real call's effect, checked against the preview taken just before it. */
async function expectDoneAsPreviewed(t: TicketRow, shown: Preview, act: () => Promise<TicketRow>) {
  const balanceBefore = await balance(t.account_id);
  const chargedBefore = (await ticket(t.id)).charged_credits;
  expect(shown.balance, 'the balance it decided on').toBe(balanceBefore);
  const after = await act();
  const balanceAfter = await balance(t.account_id);
  expect(after.quoted_credits, 'the price previewed is the price set').toBe(shown.price);
  expect(shown.due, 'due = price − charged').toBe(shown.price - chargedBefore);
  switch (shown.kind) {
    case 'charge':
      expect(after).toMatchObject({ status: 'in_progress', charged_credits: chargedBefore + shown.credits });
      expect(balanceAfter, 'balance afterwards as shown').toBe(shown.balance_after);
      break;
    case 'awaiting_credits':
      expect(after).toMatchObject({ status: 'awaiting_credits', charged_credits: chargedBefore });
      expect(balanceAfter).toBe(balanceBefore);
      expect(shown.missing, 'missing = due − balance').toBe(shown.credits - balanceBefore);
      break;
    case 'quote':
      expect(after).toMatchObject({ status: 'awaiting_confirmation', charged_credits: chargedBefore });
      expect(balanceAfter).toBe(balanceBefore);
      expect(shown.credits, 'the customer is asked for the price').toBe(shown.price);
      break;
    case 'refund':
      expect(after).toMatchObject({ status: 'in_progress', charged_credits: chargedBefore - shown.credits });
      expect(balanceAfter).toBe(balanceBefore + shown.credits);
      break;
    case 'no_change':
      expect(after).toMatchObject({ status: 'in_progress', charged_credits: chargedBefore });
      expect(balanceAfter).toBe(balanceBefore);
      break;
  }
}

type AssessCase = {
  name: string;
  preApproved: boolean;
  ceiling?: number;
  versions?: { from: string; to: string };
  balance: number;
  pricing: Pricing;
  expected: Partial<Preview> & { kind: Kind };
};

// Seed prices: question 5 (level 1), configuration 10 (2), investigation 20 (3), code_modification ≥ 20
// agreed (3), upgrade 20 + 5 per release after two (3); default ceiling 20 (the dearest fixed category).
const assessCases: AssessCase[] = [
  { name: 'pre-approved, covered', preApproved: true, balance: 100, pricing: { category: 'configuration' }, expected: { kind: 'charge', credits: 10, balance_after: 90, ceiling: 20 } },
  { name: 'pre-approved, short of credits', preApproved: true, balance: 4, pricing: { category: 'configuration' }, expected: { kind: 'awaiting_credits', credits: 10, missing: 6 } },
  { name: 'pre-approved, no credits at all', preApproved: true, balance: 0, pricing: { category: 'question' }, expected: { kind: 'awaiting_credits', credits: 5, missing: 5 } },
  { name: 'pre-approved, balance exactly the price', preApproved: true, balance: 20, pricing: { category: 'investigation' }, expected: { kind: 'charge', credits: 20, balance_after: 0, over_ceiling: false } },
  { name: 'cost first, a level-1 question is charged', preApproved: false, balance: 5, pricing: { category: 'question' }, expected: { kind: 'charge', credits: 5, ceiling: null } },
  { name: 'cost first, level 2 is quoted', preApproved: false, balance: 100, pricing: { category: 'configuration' }, expected: { kind: 'quote', credits: 10, due: 10 } },
  { name: 'pre-approved above their own ceiling', preApproved: true, ceiling: 10, balance: 100, pricing: { category: 'investigation' }, expected: { kind: 'quote', credits: 20, ceiling: 10, over_ceiling: true } },
  { name: 'pre-approved, agreed price always asked', preApproved: true, balance: 100, pricing: { category: 'code_modification', credits: 35 }, expected: { kind: 'quote', credits: 35, price: 35 } },
  { name: 'pre-approved upgrade above the default ceiling', preApproved: true, balance: 100, pricing: { category: 'upgrade', from: '4.3.1', to: '4.3.9' }, expected: { kind: 'quote', price: 50, over_ceiling: true, ceiling: 20 } },
  { name: 'pre-approved upgrade within a raised ceiling', preApproved: true, ceiling: 60, balance: 100, pricing: { category: 'upgrade', from: '4.3.1', to: '4.3.9' }, expected: { kind: 'charge', credits: 50, balance_after: 50 } },
  { name: 'pre-approved upgrade, versions from the ticket, short', preApproved: true, ceiling: 60, versions: { from: '4.3.1', to: '4.3.9' }, balance: 30, pricing: { category: 'upgrade' }, expected: { kind: 'awaiting_credits', credits: 50, missing: 20 } },
  { name: 'cost-first upgrade of two releases', preApproved: false, balance: 100, pricing: { category: 'upgrade', from: '4.3.1', to: '4.3.3' }, expected: { kind: 'quote', price: 20 } },
];

describe('preview_quote: what assessing a new ticket will do', () => {
  it.each(assessCases)('$name → $expected.kind, and assess_ticket then does exactly that', async (c) => {
    const owner = await createCustomerWith(admin, c.balance);
    const created = await createTicket(owner, c.preApproved, {
      ...(c.ceiling && { p_pre_approval_ceiling: c.ceiling }),
      ...(c.versions && { p_upgrade_from: c.versions.from, p_upgrade_to: c.versions.to }),
    });
    const shown = await preview(created, c.pricing);
    expect(shown).toMatchObject({ ...c.expected, category: c.pricing.category, balance: c.balance, charged: 0 });
    await expectDoneAsPreviewed(created, shown, async () =>
      ok(
        await engineer.client
          .rpc('assess_ticket', { ...args(created.id, c.pricing), p_note: null })
          .single<TicketRow>(),
        'assess_ticket',
      ),
    );
  });
});

type ReassessCase = {
  name: string;
  preApproved: boolean;
  balance: number;
  first: Pricing;
  confirm?: boolean;
  then: Pricing;
  expected: Partial<Preview> & { kind: Kind };
};

const reassessCases: ReassessCase[] = [
  { name: 'cheaper: the difference goes back', preApproved: true, balance: 100, first: { category: 'configuration' }, then: { category: 'question' }, expected: { kind: 'refund', credits: 5, due: -5, charged: 10 } },
  { name: 'dearer, pre-approved and covered: the difference is charged', preApproved: true, balance: 100, first: { category: 'configuration' }, then: { category: 'investigation' }, expected: { kind: 'charge', credits: 10, balance_after: 80 } },
  { name: 'dearer, pre-approved, not covered: waits for the difference', preApproved: true, balance: 15, first: { category: 'configuration' }, then: { category: 'investigation' }, expected: { kind: 'awaiting_credits', credits: 10, missing: 5 } },
  { name: 'dearer after a cost-first confirmation: asked again', preApproved: false, balance: 100, first: { category: 'configuration' }, confirm: true, then: { category: 'investigation' }, expected: { kind: 'quote', credits: 20, due: 10 } },
  { name: 'same credits, another category: nothing moves', preApproved: true, balance: 100, first: { category: 'investigation' }, then: { category: 'code_modification', credits: 20 }, expected: { kind: 'no_change', credits: 0, due: 0 } },
  { name: 'waiting for credits, made cheaper and now covered', preApproved: true, balance: 5, first: { category: 'configuration' }, then: { category: 'question' }, expected: { kind: 'charge', credits: 5, balance_after: 0 } },
];

describe('preview_quote: what re-categorizing an assessed ticket will do', () => {
  it.each(reassessCases)('$name → $expected.kind, and reassess_ticket then does exactly that', async (c) => {
    const owner = await createCustomerWith(admin, c.balance);
    const created = await createTicket(owner, c.preApproved);
    await assess(engineer, created.id, c.first.category, c.first.credits ?? null);
    if (c.confirm) {
      const quoted = await ticket(created.id);
      ok(await owner.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: quoted.quoted_credits }), 'confirm_quote');
    }
    const shown = await preview(created, c.then);
    expect(shown).toMatchObject(c.expected);
    await expectDoneAsPreviewed(created, shown, async () =>
      ok(
        await engineer.client
          .rpc('reassess_ticket', { ...args(created.id, c.then), p_reason: 'Re-categorized after a closer look' })
          .single<TicketRow>(),
        'reassess_ticket',
      ),
    );
  });
});

describe('preview_quote refuses what assessing would refuse, and only staff may ask', () => {
  it('customers and anonymous callers are refused, even for their own ticket', async () => {
    const own = await createTicket(customer, true);
    expectError(await customer.client.rpc('preview_quote', args(own.id, { category: 'question' })), '42501', undefined, 'customer');
    expectError(await anonClient().rpc('preview_quote', args(own.id, { category: 'question' })), '42501', undefined, 'anon');
    const adminPreview = ok(await admin.client.rpc('preview_quote', args(own.id, { category: 'question' })), 'admin') as Preview;
    expect(adminPreview.kind, 'admins are staff').toBe('awaiting_credits');
  });

  it('bad input is a 4xx that says what was wrong', async () => {
    const created = await createTicket(customer, true);
    const refused = async (p: Pricing, code: string, detail: RegExp, what: string) => {
      const result = await engineer.client.rpc('preview_quote', args(created.id, p));
      expectError(result, code, undefined, what);
      expect(result.error?.details, what).toMatch(detail);
    };
    await refused({ category: 'no_such' }, '22023', /no category no_such/, 'unknown category');
    await refused({ category: 'code_modification' }, '22023', /at least 20 credits/, 'agreed price missing');
    await refused({ category: 'code_modification', credits: 19 }, '22023', /at least 20 credits/, 'agreed price too low');
    await refused({ category: 'question', credits: 7 }, '22023', /costs 5 credits/, 'a fixed price overridden');
    await refused({ category: 'upgrade' }, '22023', /names no versions/, 'upgrade without versions');
    await refused({ category: 'upgrade', from: '4.3.9', to: '4.3.1' }, '22023', /not after/, 'a backwards upgrade');
    await refused({ category: 'question', from: '4.3.1', to: '4.3.2' }, '22023', /only for an upgrade/, 'versions on a non-upgrade');

    const missing = await engineer.client.rpc('preview_quote', args(crypto.randomUUID(), { category: 'question' }));
    expectError(missing, 'PT404', 'not_found', 'no such ticket');

    await assess(engineer, created.id, 'configuration');
    await refused({ category: 'configuration' }, '22023', /already Configuration for 10 credits/, 'a re-categorization that changes nothing');

    await sql("update public.tickets set status = 'resolved' where id = $1", [created.id]);
    const closed = await engineer.client.rpc('preview_quote', args(created.id, { category: 'question' }));
    expectError(closed, 'PT409', 'invalid_state', 'a closed ticket');
  });
});
