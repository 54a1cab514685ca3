/**
 * A staff account deleted while an event notifies staff: the event's own transaction read the staff list
 * before the deletion committed, and its notification insert then met a foreign key to a profile that was
 * gone. The customer's action (here, opening a ticket) must not fail for it; the deleted person simply
 * gets nothing.
 */
import pg from 'pg';
import { expect, it } from 'vitest';
import { checkInvariantsAfterAll, createPerson, createTicket, sql, stack } from './support.ts';

checkInvariantsAfterAll();

it('a ticket opened while an engineer is being deleted is opened, and notifies the staff who remain', async () => {
  const customer = await createPerson();
  const leaving = await createPerson('engineer', 'Leaving Engineer');
  const staying = await createPerson('engineer', 'Staying Engineer');

  const db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
  try {
    await db.query('begin');
    await db.query('delete from public.profiles where id = $1', [leaving.userId]);

    // The ticket's transaction sees the profile (the delete is not committed) and waits on its row lock.
    const opening = createTicket(customer, false);
    for (let i = 0; i < 200; i++) {
      const [row] = await sql<{ waiting: number }>(
        `select count(*)::int as waiting from pg_stat_activity
          where wait_event_type = 'Lock' and query ilike '%create_ticket%'`,
      );
      if (row!.waiting > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await db.query('commit');

    const ticket = await opening;
    const [leavingNotes] = await sql<{ n: number }>('select count(*)::int as n from public.notifications where user_id = $1', [leaving.userId]);
    expect(leavingNotes!.n).toBe(0);
    const [stayingNotes] = await sql<{ n: number }>(
      'select count(*)::int as n from public.notifications where user_id = $1 and ticket_id = $2',
      [staying.userId, ticket.id],
    );
    expect(stayingNotes!.n).toBe(1);
  } finally {
    await db.query('rollback').catch(() => undefined);
    await db.end();
  }
});
