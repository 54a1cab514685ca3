/**
 * Credit notices do not pile up: the low-balance notice comes once per downward crossing of the
 * threshold, and the tickets waiting for credits share one unread notice that lists them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  assess,
  checkInvariantsAfterAll,
  createCast,
  createPerson,
  createTicket,
  notifications,
  ok,
  type Person,
  sql,
} from './support.ts';

checkInvariantsAfterAll();

let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ engineer, admin } = await createCast());
});

async function kinds(userId: string): Promise<Record<string, number>> {
  const rows = await sql<{ kind: string; n: number }>(
    'select kind, count(*)::int as n from public.notifications where user_id = $1 group by kind',
    [userId],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, row.n]));
}

describe('credit notices', () => {
  it('five tickets assessed on a balance that covers one: one low-balance notice and one notice listing the four waiting', async () => {
    const customer = await createPerson(); // low-balance threshold 10
    await adjustCredits(admin, customer.accountId, 12);
    const tickets = [];
    for (let index = 0; index < 5; index += 1) tickets.push(await createTicket(customer, true, { p_subject: `Waiting ticket ${index}` }));
    for (const created of tickets) await assess(engineer, created.id, 'configuration');

    expect(await kinds(customer.userId), 'no pile of near-identical notices').toEqual({
      credits_added: 1,
      charged: 1,
      low_balance: 1,
      credits_needed: 1,
    });
    const [notice] = await notifications(customer.userId, 'credits_needed');
    const waiting = tickets.slice(1);
    expect(notice?.title).toBe('4 tickets are 38 credits short');
    for (const created of waiting) expect(notice?.body, `lists #${created.number}`).toContain(`#${created.number} "${created.subject}" (10 credits)`);
    expect(notice?.body).toContain('Together they cost 40 credits and your balance is 2. Add 38 credits');
    expect((notice?.data.tickets as Array<{ number: number }>).map((t) => t.number), 'in the data, oldest first').toEqual(
      waiting.map((created) => created.number),
    );
    expect(notice?.ticket_id, 'about several tickets, so about none').toBeNull();
  });

  it('once read, the next waiting ticket brings a new notice; a second crossing a second low-balance notice', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 12);
    await assess(engineer, (await createTicket(customer, true)).id, 'configuration');
    await assess(engineer, (await createTicket(customer, true)).id, 'configuration');
    ok(await customer.client.rpc('mark_notifications_read', { p_ids: null }), 'the customer reads them');
    await assess(engineer, (await createTicket(customer, true)).id, 'configuration');
    expect((await notifications(customer.userId, 'credits_needed')).map((n) => n.title), 'a fresh notice for the two waiting').toEqual([
      'Ticket #' + (await sql<{ number: number }>(
        "select number from public.tickets where created_by = $1 and status = 'awaiting_credits' order by number limit 1",
        [customer.userId],
      ))[0]!.number + ' is 8 credits short',
      '2 tickets are 18 credits short',
    ]);
    // Credits arrive: both waiting tickets are charged (22 → 2), crossing the threshold downwards again.
    await adjustCredits(admin, customer.accountId, 20);
    expect(await kinds(customer.userId), 'two crossings, two low-balance notices').toMatchObject({ low_balance: 2, charged: 3 });
  });

  it('someone waiting on their own account and on a shared one gets a notice for each, neither replacing the other', async () => {
    const customer = await createPerson();
    const owner = await createPerson();
    // The customer also belongs to the owner's (empty) account, as a member would.
    await sql("insert into public.account_members (account_id, user_id, role) values ($1, $2, 'member')", [owner.accountId, customer.userId]);
    const own = await createTicket(customer, true, { p_subject: 'On my own account' });
    const [shared] = await sql<{ id: string; number: number }>(
      `insert into public.tickets (account_id, created_by, subject, body, pre_approved)
       values ($1, $2, 'On the shared account', 'Opened on the account we share.', true) returning id, number`,
      [owner.accountId, customer.userId],
    );
    await assess(engineer, own.id, 'configuration');
    await assess(engineer, shared!.id, 'investigation');

    const notices = await notifications(customer.userId, 'credits_needed');
    expect(notices.map((notice) => [notice.data.account_id, notice.ticket_id, notice.title]), 'one per account').toEqual([
      [customer.accountId, own.id, `Ticket #${own.number} is 10 credits short`],
      [owner.accountId, shared!.id, `Ticket #${shared!.number} is 20 credits short`],
    ]);
  });
});
