/**
 * The customer's views (`/portal`) show the signed-in person's own accounts only. Row-level security lets
 * engineers and admins read every account (the staff queue needs it), so these run the app's own
 * customer reads — the fetchers under src/features — as staff and check that nothing of another
 * customer's comes back, while the customer still sees all of their own.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getOrder as getCheckoutOrder } from '../../src/features/checkout/api/get-order.ts';
import { getOrder as getReceipt } from '../../src/features/credits/api/get-orders.ts';
import { getRecentActivity } from '../../src/features/tickets/api/get-activity.ts';
import { getThread } from '../../src/features/tickets/api/get-thread.ts';
import { getTicket } from '../../src/features/tickets/api/get-ticket.ts';
import { getTickets, getTicketsNeedingAction } from '../../src/features/tickets/api/get-tickets.ts';
import type { AppSupabaseClient } from '../../src/lib/supabase.ts';
import { adjustCredits, assess, buyCredits, checkInvariantsAfterAll, createCast, createPerson, createTicket, ok, type Person, type TicketRow } from './support.ts';

// The fetchers take their client as an argument; the app's own client needs the browser's build settings.
vi.mock('../../src/lib/supabase.ts', () => ({ supabase: undefined }));

checkInvariantsAfterAll();

const as = (person: Person) => person.client as unknown as AppSupabaseClient;
const ALL = { status: 'all', q: '' };

describe('customer views ask only for the signed-in person’s accounts', () => {
  let customer: Person;
  let engineer: Person;
  let admin: Person;
  let theirs: TicketRow;
  let quoted: TicketRow;
  let ownOfEngineer: TicketRow;
  let orderId: string;

  beforeAll(async () => {
    ({ customer, engineer, admin } = await createCast());
    theirs = await createTicket(customer, false);
    quoted = await createTicket(customer, false);
    await assess(engineer, quoted.id, 'code_modification', 40);
    orderId = await buyCredits(customer, 25);
    // Staff are customers too: the engineer's own account has a ticket with an internal note on it.
    ownOfEngineer = await createTicket(engineer, false);
    const colleague = await createPerson('engineer');
    ok(
      await colleague.client.rpc('post_message', { p_ticket_id: ownOfEngineer.id, p_body: 'Internal: check their licence', p_internal: true }),
      'internal note on the engineer’s own ticket',
    );
    ok(await colleague.client.rpc('post_message', { p_ticket_id: ownOfEngineer.id, p_body: 'Which version do you run?' }), 'a reply');
    await adjustCredits(admin, engineer.accountId, 10);
  });

  for (const role of ['engineer', 'admin'] as const) {
    const staff = () => (role === 'engineer' ? engineer : admin);

    it(`a ${role}'s ticket list and "needs you" list hold no other customer's tickets`, async () => {
      const person = staff();
      const list = await getTickets(as(person), person.userId, ALL);
      const numbers = list.map((row) => row.number);
      expect(numbers, `${role}'s list leaves out the customer's tickets`).not.toContain(theirs.number);
      expect(numbers, `${role}'s list leaves out the customer's quoted ticket`).not.toContain(quoted.number);
      if (role === 'engineer') expect(numbers, 'the engineer still sees their own ticket').toContain(ownOfEngineer.number);
      const searched = await getTickets(as(person), person.userId, { status: 'all', q: `#${theirs.number}` });
      expect(searched, `${role} searching for the customer's ticket number finds nothing`).toEqual([]);
      const needing = await getTicketsNeedingAction(as(person), person.userId);
      expect(needing.map((row) => row.number), `${role}'s "needs you" leaves out the customer's quote`).not.toContain(quoted.number);
    });

    it(`a ${role} opening another customer's ticket or receipt in the portal finds nothing`, async () => {
      const person = staff();
      expect(await getTicket(as(person), person.userId, theirs.number), `${role} opening /portal/tickets/${theirs.number}`).toBeNull();
      expect(await getReceipt(as(person), person.userId, orderId), `${role} opening the customer's receipt`).toBeNull();
      expect(await getCheckoutOrder(as(person), person.userId, orderId), `${role} polling the customer's order`).toBeNull();
    });

    it(`a ${role}'s recent activity holds no other customer's events`, async () => {
      const person = staff();
      const activity = await getRecentActivity(as(person), person.userId);
      const foreign = activity.filter((event) => event.ticket.number === theirs.number || event.ticket.number === quoted.number);
      expect(foreign, `${role}'s activity leaves out the customer's events`).toEqual([]);
    });
  }

  it('a staff member reading their own ticket in the portal does not see internal notes', async () => {
    const thread = await getThread(as(engineer), ownOfEngineer.id);
    expect(thread.messages.map((message) => message.body), 'no internal note').not.toContain('Internal: check their licence');
    expect(thread.messages.map((message) => message.body), 'the reply is there').toContain('Which version do you run?');
  });

  it('the customer still sees all of their own tickets, quote, activity and receipt', async () => {
    const list = await getTickets(as(customer), customer.userId, ALL);
    expect(list.map((row) => row.number).sort(), 'both of the customer’s tickets').toEqual([theirs.number, quoted.number].sort());
    const needing = await getTicketsNeedingAction(as(customer), customer.userId);
    expect(needing.map((row) => row.number), 'the quote needs the customer').toEqual([quoted.number]);
    const detail = await getTicket(as(customer), customer.userId, quoted.number);
    expect(detail?.ticket.number, 'the customer opens their ticket').toBe(quoted.number);
    const activity = await getRecentActivity(as(customer), customer.userId);
    expect(activity.some((event) => event.ticket.number === quoted.number), 'the assessment shows in the activity').toBe(true);
    expect((await getReceipt(as(customer), customer.userId, orderId))?.id, 'the customer’s receipt').toBe(orderId);
    expect((await getCheckoutOrder(as(customer), customer.userId, orderId))?.order.id, 'the customer’s order').toBe(orderId);
  });

  it('another customer with the same role sees none of it', async () => {
    const other = await createPerson('customer');
    expect(await getTickets(as(other), other.userId, ALL), 'a second customer sees no tickets').toEqual([]);
    expect(await getTicket(as(other), other.userId, theirs.number), 'nor opens one').toBeNull();
  });
});
