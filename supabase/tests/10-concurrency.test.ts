/**
 * Concurrency (issue 3), through the API as the app calls it: 200 pre-approved tickets assessed at the
 * same moment by an engineer against one account that can afford k of them → exactly k charged, the
 * rest awaiting credits, the balance never negative, no deadlock (the REST server runs them on its
 * 20-connection pool, so they contend on the account row for real); 50 simultaneous fulfilments of one
 * order → credited once; and credits arriving in the middle of a charging storm.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  balance,
  checkInvariantsAfterAll,
  createCast,
  createOrder,
  createPerson,
  expectInvariants,
  ok,
  type Person,
  serviceClient,
  sql,
  sqlRow,
  type TicketRow,
} from './support.ts';

checkInvariantsAfterAll();

let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ engineer, admin } = await createCast());
});

/** n pre-approved tickets, opened 20 at a time (as many browsers would). */
async function openTickets(customer: Person, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < n; start += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, n - start) }, (_, index) =>
        customer.client
          .rpc('create_ticket', {
            p_subject: `Concurrent ticket ${start + index}`,
            p_body: 'Charged in a storm.',
            p_pre_approved: true,
          })
          .single<TicketRow>(),
      ),
    );
    for (const result of batch) ids.push(ok(result, 'create_ticket').id);
  }
  return ids;
}

async function statusCounts(accountId: string): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; n: number }>(
    'select status::text, count(*)::int as n from public.tickets where account_id = $1 group by status',
    [accountId],
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

describe('many charges on one account', () => {
  it('200 simultaneous assessments against a balance for k = 37: exactly 37 charged, 163 waiting, never negative, no deadlock', async () => {
    const TICKETS = 200;
    const PRICE = 10; // configuration
    const K = 37;
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, K * PRICE + 5);
    const ids = await openTickets(customer, TICKETS);

    const results = await Promise.all(
      ids.map((id) => engineer.client.rpc('assess_ticket', { p_ticket_id: id, p_category: 'configuration' }).single<TicketRow>()),
    );
    const errors = results.filter((result) => result.error).map((result) => `${result.error?.code} ${result.error?.message}`);
    expect(errors, 'every call succeeds: no deadlock (40P01), no serialization failure, no 5xx').toEqual([]);
    const returned = results.map((result) => result.data!.status);
    expect(returned.filter((status) => status === 'in_progress'), 'k calls report a charge').toHaveLength(K);
    expect(returned.filter((status) => status === 'awaiting_credits'), 'the rest report waiting').toHaveLength(TICKETS - K);

    expect(await statusCounts(customer.accountId), 'stored states').toEqual({ in_progress: K, awaiting_credits: TICKETS - K });
    expect(await balance(customer.accountId), 'what is left: 5').toBe(5);

    const entries = await sql<{ amount: number; balance_after: number }>(
      'select amount, balance_after from public.credit_entries where account_id = $1 order by id',
      [customer.accountId],
    );
    expect(entries, 'one adjustment and k charges').toHaveLength(K + 1);
    let running = 0;
    for (const [index, entry] of entries.entries()) {
      running += entry.amount;
      expect(entry.balance_after, `entry ${index}: balance_after is the running sum`).toBe(running);
      expect(entry.balance_after, `entry ${index}: never negative`).toBeGreaterThanOrEqual(0);
    }

    const notices = await sql<{ kind: string; n: number }>(
      'select kind, count(*)::int as n from public.notifications where user_id = $1 group by kind order by kind',
      [customer.userId],
    );
    expect(Object.fromEntries(notices.map((row) => [row.kind, row.n])), 'one notice per charge, one for all waiting tickets, one low-balance crossing').toEqual({
      charged: K,
      credits_added: 1,
      credits_needed: 1,
      low_balance: 1,
    });
    await expectInvariants();

    // Credits arriving now pay for the oldest waiting tickets first.
    const waiting = await sql<{ id: string }>(
      "select id from public.tickets where account_id = $1 and status = 'awaiting_credits' order by created_at, number",
      [customer.accountId],
    );
    await adjustCredits(admin, customer.accountId, 25); // 5 + 25 = 30 = three tickets
    const nowCharged = await sql<{ id: string }>(
      "select id from public.tickets where id = any($1::uuid[]) and status = 'in_progress' order by created_at, number",
      [waiting.map((row) => row.id)],
    );
    expect(nowCharged.map((row) => row.id), 'the three oldest waiting tickets were charged').toEqual(
      waiting.slice(0, 3).map((row) => row.id),
    );
    expect(await statusCounts(customer.accountId), 'three fewer waiting').toEqual({
      in_progress: K + 3,
      awaiting_credits: TICKETS - K - 3,
    });
    expect(await balance(customer.accountId), 'spent exactly').toBe(0);
  }, 180_000);

  it('credits arriving during a charging storm: nothing lost, nothing left waiting that the balance covers', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 100);
    const ids = await openTickets(customer, 100);
    const orders = await Promise.all(Array.from({ length: 3 }, () => createOrder(customer, 25)));
    const calls: Array<PromiseLike<{ error: { code?: string; message: string } | null }>> = [
      ...ids.map((id) => engineer.client.rpc('assess_ticket', { p_ticket_id: id, p_category: 'question' })),
      ...orders.map((order) =>
        serviceClient().rpc('service_role_fulfil_order', { p_order_id: order.id, p_provider_payment_id: `pay_${order.id}` }),
      ),
      ...Array.from({ length: 5 }, () =>
        admin.client.rpc('adjust_credits', { p_account_id: customer.accountId, p_amount: 10, p_note: 'Storm top-up', p_idempotency_key: crypto.randomUUID() }),
      ),
    ];
    // Interleave: purchases and adjustments land among the assessments, not after them.
    const results = await Promise.all(calls);
    const errors = results.filter((result) => result.error).map((result) => `${result.error?.code} ${result.error?.message}`);
    expect(errors, 'no call fails').toEqual([]);

    const credited = 100 + 3 * 25 + 5 * 10; // 225
    const charged = 5 * Math.min(100, Math.floor(credited / 5)); // 45 tickets of 5 fit in 225 credits
    const counts = await statusCounts(customer.accountId);
    expect(counts.in_progress, 'as many tickets charged as the credits cover').toBe(charged / 5);
    expect(await balance(customer.accountId), 'credits in − charges').toBe(credited - charged);
    const cheapestWaiting = await sqlRow<{ due: number | null }>(
      "select min(quoted_credits - charged_credits)::int as due from public.tickets where account_id = $1 and status = 'awaiting_credits'",
      [customer.accountId],
    );
    if (cheapestWaiting.due !== null) {
      expect(cheapestWaiting.due, 'no waiting ticket that the balance covers').toBeGreaterThan(await balance(customer.accountId));
    }
    await expectInvariants();
  }, 180_000);
});

describe('one order, many fulfilments', () => {
  it('50 simultaneous service_role_fulfil_order calls for one order credit it once', async () => {
    const customer = await createPerson();
    const order = await createOrder(customer, 100);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        serviceClient()
          .rpc('service_role_fulfil_order', { p_order_id: order.id, p_provider_payment_id: `pay_${order.id}` })
          .single<{ id: string; status: string }>(),
      ),
    );
    const errors = results.filter((result) => result.error).map((result) => `${result.error?.code} ${result.error?.message}`);
    expect(errors, 'every call succeeds (idempotent)').toEqual([]);
    expect(new Set(results.map((result) => result.data?.status)), 'all see it paid').toEqual(new Set(['paid']));
    expect(await balance(customer.accountId), 'credited once').toBe(100);
    const transfers = await sqlRow<{ n: number }>(
      "select count(*)::int as n from public.credit_transfers where order_id = $1 and kind = 'purchase'",
      [order.id],
    );
    expect(transfers.n, 'one purchase transfer').toBe(1);
    const notices = await sqlRow<{ n: number }>(
      "select count(*)::int as n from public.notifications where user_id = $1 and kind = 'credits_added'",
      [customer.userId],
    );
    expect(notices.n, 'one credits_added notice').toBe(1);
  }, 60_000);
});
