/**
 * public.staff_queue: the support queue's order (status groups in queue order, open ones oldest first,
 * closed ones newest first), its filters (status, category, assignee, search by number, e-mail or subject
 * words), its paging by cursor, and who may read it. Other test files share the database, so each query
 * here is scoped to this file's own customer (search by their e-mail) or to a token only its tickets carry.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  anonClient,
  checkInvariantsAfterAll,
  createCast,
  createPerson,
  createTicket,
  expectError,
  ok,
  type Person,
  sql,
  type TicketRow,
} from './support.ts';

checkInvariantsAfterAll();

type QueueRow = {
  id: string;
  number: number;
  subject: string;
  status: string;
  category: string | null;
  created_at: string;
  assignee_id: string | null;
  created_by: string;
  customer_email: string | null;
  assignee_name: string | null;
};
type QueuePage = { rows: QueueRow[]; next: { group: number; after: string | null } | null };

let customer: Person;
let engineer: Person;
let assignee: Person;
const token = `zq${randomUUID().slice(0, 8)}`;
/** This file's tickets by letter, in the order the queue must list them with status "all". */
const t: Record<string, TicketRow> = {};
const ALL_ORDER = ['A', 'B', 'C', 'D', 'E', 'G', 'F', 'H', 'I'];

const queue = async (args: Record<string, unknown>, who: Person = engineer): Promise<QueuePage> =>
  ok(await who.client.rpc('staff_queue', args), `staff_queue ${JSON.stringify(args)}`) as QueuePage;
const letters = (page: QueuePage) => page.rows.map((row) => Object.keys(t).find((k) => t[k]!.id === row.id) ?? row.subject);

beforeAll(async () => {
  ({ customer, engineer } = await createCast());
  assignee = await createPerson('engineer', 'Queue Engineer');
  // status, minutes after the base time, category, assigned; created out of order on purpose.
  const plan: Record<string, [string, number, string | null, boolean]> = {
    I: ['canceled', 9, null, false],
    B: ['new', 2, null, false],
    F: ['resolved', 6, 'question', false],
    A: ['new', 1, null, false],
    D: ['awaiting_credits', 4, 'investigation', false],
    C: ['in_progress', 3, 'configuration', true],
    H: ['declined', 8, 'configuration', false],
    E: ['awaiting_confirmation', 5, 'investigation', false],
    G: ['resolved', 7, 'question', false],
  };
  for (const [letter, [status, minutes, category, assigned]] of Object.entries(plan)) {
    const subject = letter === 'A' ? `Refund 50% of ${token}` : `Queue ${letter} ${token}`;
    const created = await createTicket(customer, true, { p_subject: subject });
    await sql(
      `update public.tickets set status = $2, category = $3, quoted_credits = case when $3::text is null then null else 5 end,
         assignee_id = $4, created_at = timestamptz '2026-01-01 10:00:00+00' + make_interval(mins => $5)
       where id = $1`,
      [created.id, status, category, assigned ? assignee.userId : null, minutes],
    );
    t[letter] = created;
  }
});

describe('staff_queue: order and paging', () => {
  it('lists status groups in queue order, open ones oldest first and closed ones newest first, with the names on each row', async () => {
    const page = await queue({ p_status: 'all', p_search: customer.email });
    expect(letters(page)).toEqual(ALL_ORDER);
    expect(page.next, 'one page holds them all').toBeNull();
    const c = page.rows[2]!;
    expect(c).toMatchObject({ status: 'in_progress', category: 'configuration', assignee_id: assignee.userId, assignee_name: 'Queue Engineer' });
    expect(page.rows.every((row) => row.customer_email === customer.email), 'the customer e-mail on every row').toBe(true);
    expect(page.rows[0]!.assignee_name, 'unassigned: no name').toBeNull();
  });

  it('pages of 2 by cursor walk the same order across groups, and the last page says there is no more', async () => {
    const seen: string[] = [];
    const cursors: unknown[] = [];
    let cursor: QueuePage['next'] = null;
    for (let i = 0; i < 10; i++) {
      const page = await queue({ p_status: 'all', p_search: customer.email, p_limit: 2, p_cursor: cursor });
      seen.push(...letters(page));
      cursors.push(page.next);
      cursor = page.next;
      if (!cursor) break;
    }
    expect(seen).toEqual(ALL_ORDER);
    expect(cursors.length, 'five pages for nine tickets').toBe(5);
    // Within resolved (newest first) the cursor is the last row's created_at, read as "older than".
    const third = cursors[2] as { group: number; after: string };
    expect(third.group, 'the resolved group').toBe(4);
    expect(new Date(third.after).toISOString(), "G's created_at").toBe('2026-01-01T10:07:00.000Z');
  });

  it('"open" is the four open statuses, in queue order; a single status is just that group', async () => {
    expect(letters(await queue({ p_search: customer.email }))).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(letters(await queue({ p_status: 'resolved', p_search: customer.email }))).toEqual(['G', 'F']);
    expect(letters(await queue({ p_status: 'new', p_search: customer.email }))).toEqual(['A', 'B']);
  });
});

describe('staff_queue: filters', () => {
  it('by category', async () => {
    expect(letters(await queue({ p_status: 'all', p_category: 'configuration', p_search: customer.email }))).toEqual(['C', 'H']);
  });

  it('by assignee: mine, a named engineer, unassigned', async () => {
    expect(letters(await queue({ p_status: 'all', p_assignee: 'mine', p_search: customer.email }, assignee))).toEqual(['C']);
    expect(letters(await queue({ p_status: 'all', p_assignee: 'mine', p_search: customer.email }, engineer)), 'mine is the caller').toEqual([]);
    expect(letters(await queue({ p_status: 'all', p_assignee: assignee.userId, p_search: customer.email }))).toEqual(['C']);
    expect(letters(await queue({ p_status: 'all', p_assignee: 'none', p_search: customer.email }))).toEqual(ALL_ORDER.filter((l) => l !== 'C'));
  });

  it('search: a ticket number (with or without #), words of the subject (LIKE wildcards taken literally), part of an e-mail', async () => {
    expect(letters(await queue({ p_status: 'all', p_search: `#${t.B!.number}` }))).toEqual(['B']);
    expect(letters(await queue({ p_status: 'all', p_search: String(t.F!.number) }))).toEqual(['F']);
    expect(letters(await queue({ p_status: 'all', p_search: token }))).toEqual(ALL_ORDER);
    expect(letters(await queue({ p_status: 'all', p_search: `50% of ${token}` }))).toEqual(['A']);
    expect(letters(await queue({ p_status: 'all', p_search: `50_ of ${token}` })), '_ is not a wildcard').toEqual([]);
    expect(letters(await queue({ p_status: 'all', p_search: `Queue _ ${token}` })), '_ is not a wildcard').toEqual([]);
    const emailPart = customer.email.slice(0, customer.email.indexOf('@') + 4);
    expect(letters(await queue({ p_status: 'open', p_search: emailPart }))).toEqual(['A', 'B', 'C', 'D', 'E']);
  });
});

describe('staff_queue: bad input and access', () => {
  it('bad filters and cursors are 22023 with a message saying what was wrong', async () => {
    const refused = async (args: Record<string, unknown>, detail: RegExp, what: string) => {
      const result = await engineer.client.rpc('staff_queue', args);
      expectError(result, '22023', 'invalid_input', what);
      expect(result.error?.details, what).toMatch(detail);
    };
    await refused({ p_status: 'pending' }, /open, all or a ticket status/, 'unknown status');
    await refused({ p_category: 'no_such' }, /no category no_such/, 'unknown category');
    await refused({ p_assignee: 'someone' }, /mine, none or a staff member/, 'assignee neither keyword nor id');
    await refused({ p_limit: 0 }, /1 to 100/, 'empty page');
    await refused({ p_limit: 101 }, /1 to 100/, 'page too large');
    await refused({ p_cursor: { group: 9, after: null } }, /start again/, 'group out of range');
    await refused({ p_cursor: { group: 'x' } }, /start again/, 'group not a number');
    await refused({ p_cursor: { group: 0, after: 'yesterday-ish' } }, /start again/, 'after not a time');
    await refused({ p_cursor: [0] }, /start again/, 'not an object');
    await refused({ p_search: 'x'.repeat(201) }, /at most 200/, 'search too long');
  });

  it('customers and anonymous callers are refused', async () => {
    expectError(await customer.client.rpc('staff_queue', { p_search: customer.email }), '42501', undefined, 'customer');
    expectError(await anonClient().rpc('staff_queue', {}), '42501', undefined, 'anon');
    expectError(await customer.client.rpc('staff_queue_counts'), '42501', undefined, 'customer, counts');
    expectError(await anonClient().rpc('staff_queue_counts'), '42501', undefined, 'anon, counts');
  });
});

describe('staff_queue_counts', () => {
  it('counts every status, zero included, as the table holds them', async () => {
    const counts = ok(await engineer.client.rpc('staff_queue_counts'), 'staff_queue_counts') as Record<string, number>;
    const expected = await sql<{ status: string; n: number }>(
      `select s::text as status, (select count(*)::int from public.tickets t where t.status = s) as n
       from unnest(enum_range(null::public.ticket_status)) s`,
    );
    // Other files add tickets meanwhile: each count is at least what was there before the call, and
    // this file's own tickets (one or two per status) are in it.
    expect(Object.keys(counts).sort(), 'every status, none extra').toEqual(expected.map((row) => row.status).sort());
    for (const { status, n } of expected) {
      expect(counts[status], status).toBeGreaterThanOrEqual(1);
      expect(Math.abs(counts[status]! - n), `${status}: as counted in the table`).toBeLessThanOrEqual(50);
    }
  });
});
