/**
 * How mail leaves the outbox (issue 14): a transaction that queues mail due now asks the send-mail edge
 * function to run, through pg_net, exactly once however many mails it queued; pg_net sends that request
 * only after commit, so a rolled-back event asks for nothing. Held (daily) mail asks for nothing until its
 * digest is built; an admin's retry asks again. pg_cron asks every minute (for retries) and builds the
 * digests daily.
 *
 * Each case runs in a transaction that it rolls back, and looks at the pg_net requests that transaction
 * queued (visible to it before commit), so other test files' traffic on the shared stack never counts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPerson, type Person, stack } from './support.ts';

let db: pg.Client;
let engineer: Person;
let customer: Person;

beforeAll(async () => {
  db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
  [engineer, customer] = await Promise.all([createPerson('engineer'), createPerson('customer')]);
});
afterAll(() => db?.end());

type Request = { url: string; headers: Record<string, string> };

/**
 * Runs `work` in a transaction that is rolled back, and returns the send-mail requests it queued;
 * `work` may ask for those queued so far.
 */
async function requestsQueuedBy(work: (queuedSoFar: () => Promise<Request[]>) => Promise<unknown>): Promise<Request[]> {
  await db.query('begin');
  try {
    const before = (await db.query<{ id: string | null }>('select max(id) as id from net.http_request_queue')).rows[0]!.id ?? '0';
    const queued = async () =>
      (
        await db.query<Request>(
          `select url, headers from net.http_request_queue where id > $1 and url like '%/functions/v1/send-mail' order by id`,
          [before],
        )
      ).rows;
    await work(queued);
    return await queued();
  } finally {
    await db.query('rollback');
  }
}

const queueMail = (userId: string, key: string) =>
  db.query(`select app.enqueue_mail($1, 'new_ticket', $2)`, [userId, `test:${key}:${userId}`]);

describe('a transaction that queues mail', () => {
  it('asks send-mail once, with the project URL and service role key from Vault', async () => {
    const requests = await requestsQueuedBy(async () => {
      await queueMail(engineer.userId, `one-${Date.now()}`);
      await queueMail(engineer.userId, `two-${Date.now()}`);
      await db.query(`select app.notify($1, 'answered', 'An answer', 'Body')`, [customer.userId]);
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe(`${stack.apiUrl}/functions/v1/send-mail`);
    expect(requests[0]!.headers.Authorization).toBe(`Bearer ${stack.serviceRoleKey}`);
  });

  it('asks for nothing when the mail is held for the daily digest', async () => {
    const requests = await requestsQueuedBy(async () => {
      await db.query(`select app.set_mail_delivery($1, 'new_ticket', 'daily')`, [engineer.userId]);
      const key = `held:${Date.now()}:${engineer.userId}`;
      await queueMail(engineer.userId, key);
      const { rows } = await db.query<{ status: string }>(`select status from app.mail_outbox where dedupe_key = $1`, [
        `test:${key}:${engineer.userId}`,
      ]);
      expect(rows.map((row) => row.status)).toEqual(['held']);
    });
    expect(requests).toEqual([]);
  });

  it('asks again when an admin puts a failed mail back, not when it failed', async () => {
    const requests = await requestsQueuedBy(async (queuedSoFar) => {
      const key = `dead:${Date.now()}:${engineer.userId}`;
      await db.query(
        `insert into app.mail_outbox (dedupe_key, kind, user_id, to_email, status, attempts) values ($1, 'new_ticket', $2, $3, 'dead', 6)`,
        [key, engineer.userId, engineer.email.toLowerCase()],
      );
      expect(await queuedSoFar()).toEqual([]);
      await db.query(`update app.mail_outbox set status = 'pending' where dedupe_key = $1`, [key]);
    });
    expect(requests).toHaveLength(1);
  });
});

describe('the schedule', () => {
  it('asks send-mail every minute and builds digests daily, as postgres', async () => {
    const { rows } = await db.query(`select jobname, schedule, command, username, active from cron.job where jobname in ('send-mail', 'mail-digest') order by jobname`);
    expect(rows).toEqual([
      { jobname: 'mail-digest', schedule: '0 7 * * *', command: 'select public.service_role_build_digests()', username: 'postgres', active: true },
      { jobname: 'send-mail', schedule: '* * * * *', command: 'select app.request_mail_delivery()', username: 'postgres', active: true },
    ]);
  });
});
