/**
 * The invariant check itself (docs/design.md §4, `app.check_invariants()`): every test file ends with it, so it
 * must notice a broken state. Each case breaks one rule as the console could — inside a transaction that
 * is rolled back — and expects the check to name it; and the references migration 001200 moved off
 * credit_transfers are still enforced by credit_entries' foreign key.
 */
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  assess,
  checkInvariantsAfterAll,
  createCast,
  createTicket,
  type Person,
  sqlRow,
  stack,
} from './support.ts';

checkInvariantsAfterAll();

let customer: Person;
let ticketId: string;
let transferId: string;

beforeAll(async () => {
  let admin: Person;
  let engineer: Person;
  ({ customer, engineer, admin } = await createCast());
  await adjustCredits(admin, customer.accountId, 20);
  ticketId = (await createTicket(customer, true)).id;
  await assess(engineer, ticketId, 'question');
  ({ id: transferId } = await sqlRow<{ id: string }>(
    "select id from public.credit_transfers where ticket_id = $1 and kind = 'ticket_charge'",
    [ticketId],
  ));
});

/** Runs `breakIt` as the console in a transaction, returns what the check reports, and rolls back. */
async function violationsAfter(breakIt: (db: pg.Client) => Promise<unknown>): Promise<string[]> {
  const db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
  try {
    await db.query('begin');
    await breakIt(db);
    const { rows } = await db.query<{ v: string }>('select app.check_invariants() as v');
    return rows.map((row) => row.v);
  } finally {
    await db.query('rollback').catch(() => undefined);
    await db.end();
  }
}

describe('app.check_invariants() notices', () => {
  it('nothing on the intact ledger', async () => {
    expect(await violationsAfter(async () => undefined)).toEqual([]);
  });

  it('an audit event filed under another account than its ticket’s', async () => {
    const violations = await violationsAfter((db) =>
      db.query(
        `insert into public.ticket_events (ticket_id, account_id, kind)
         values ($1, (select id from public.accounts where system_code = 'consumed'), 'resolved')`,
        [ticketId],
      ),
    );
    expect(violations).toEqual([expect.stringMatching(/^event \d+ of ticket #\d+: account .* but the ticket's is /)]);
  });

  it('a transfer without its entries', async () => {
    const violations = await violationsAfter((db) =>
      db.query(
        `insert into public.credit_transfers (from_account_id, to_account_id, amount, kind, idempotency_key)
         select from_account_id, to_account_id, 1, 'adjustment', 'test:no-entries' from public.credit_transfers where id = $1`,
        [transferId],
      ),
    );
    expect(violations).toEqual([expect.stringMatching(/^transfer .*: entries do not match \(count 0, sum 0\)$/)]);
  });

  it('a balance that is not the sum of its entries', async () => {
    const violations = await violationsAfter((db) =>
      db.query('update public.accounts set balance = balance + 1 where id = $1', [customer.accountId]),
    );
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^account ${customer.accountId}: balance 16 but entries sum to 15$`)),
        expect.stringMatching(new RegExp(`^account ${customer.accountId}: last balance_after 15 but balance 16$`)),
      ]),
    );
  });
});

describe('references the transfer row no longer carries', () => {
  it('an entry on an account that does not exist is refused by its foreign key', async () => {
    await expect(
      violationsAfter((db) =>
        db.query(
          `insert into public.credit_entries (transfer_id, account_id, amount) values ($1, gen_random_uuid(), 1)`,
          [transferId],
        ),
      ),
    ).rejects.toMatchObject({ code: '23503', constraint: 'credit_entries_account_id_fkey' });
  });
});
