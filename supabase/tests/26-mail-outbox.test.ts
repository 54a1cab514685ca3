/**
 * Notification mail in the database (issue 14): every event that notifies someone also enqueues its mail in
 * the same transaction (app.mail_outbox), per the recipient's preference; the send-mail worker's API
 * (claim with a lease, sent, failed with backoff, digests) keeps each mail at most once per event and
 * recipient; admins see and retry failures; replies by e-mail post to the ticket under the portal's rules.
 * The worker's calls are made as the edge function makes them (service role); the outbox is read as the
 * console, since no API role may read it.
 *
 * The stack is shared with other test files, whose events enqueue mail too, so a test here only ever
 * looks at its own people's and tickets' rows, and rows it wants claimed are made due long ago so they are
 * claimed before anyone else's.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  anonClient,
  assess,
  buyCredits,
  checkInvariantsAfterAll,
  createCast,
  createPerson,
  createTicket,
  defined,
  expectError,
  notificationKinds,
  ok,
  type Person,
  serviceClient,
  sql,
  sqlRow,
  type TicketRow,
} from './support.ts';

checkInvariantsAfterAll();

interface Mail {
  id: number;
  dedupe_key: string;
  kind: string;
  user_id: string | null;
  to_email: string;
  to_name: string;
  ticket_id: string | null;
  notification_id: string | null;
  status: string;
  attempts: number;
  data: Record<string, unknown>;
  last_error: string | null;
  digest_id: number | null;
  wait_seconds: number;
}

interface Message {
  id: number;
  dedupe_key: string;
  kind: string;
  attempt: number;
  to: { email: string; name: string };
  optional: boolean;
  data: Record<string, unknown>;
  ticket: { id: string; number: number; subject: string } | null;
  reply_token: string | null;
  unsubscribe_token: string | null;
  items: Array<{ kind: string; data: Record<string, unknown>; ticket: unknown; created_at: string }> | null;
}

interface Preference {
  kind: string;
  label: string;
  description: string;
  optional: boolean;
  delivery: string;
}

const MAIL_COLUMNS = `id::int as id, dedupe_key, kind, user_id, to_email, to_name, ticket_id, notification_id, status, attempts,
  data, last_error, digest_id::int as digest_id, extract(epoch from next_attempt_at - now())::float as wait_seconds`;

/** A person's outbox rows (optionally of one kind or ticket), oldest first. */
async function mailsTo(userId: string, kind?: string, ticketId?: string): Promise<Mail[]> {
  return sql<Mail>(
    `select ${MAIL_COLUMNS} from app.mail_outbox
      where user_id = $1 and ($2::text is null or kind = $2) and ($3::uuid is null or ticket_id = $3) order by id`,
    [userId, kind ?? null, ticketId ?? null],
  );
}

async function mailsToAddress(email: string): Promise<Mail[]> {
  return sql<Mail>(`select ${MAIL_COLUMNS} from app.mail_outbox where to_email = lower($1) order by id`, [email]);
}

async function mail(id: number): Promise<Mail> {
  return sqlRow<Mail>(`select ${MAIL_COLUMNS} from app.mail_outbox where id = $1`, [id]);
}

/** What the worker would have done when it claimed the row: sending, one more attempt, a lease. */
async function markSending(id: number, leaseSeconds = 60): Promise<void> {
  await sql(
    `update app.mail_outbox set status = 'sending', attempts = attempts + 1, locked_until = now() + make_interval(secs => $2)
      where id = $1`,
    [id, leaseSeconds],
  );
}

async function claim(limit: number, lease = 60): Promise<Message[]> {
  return ok(await serviceClient().rpc('service_role_claim_mail', { p_limit: limit, p_lease_seconds: lease }), 'claim') as Message[];
}

async function failed(id: number, permanent: boolean, error = '451 4.3.0 try later'): Promise<{ status: string }> {
  return ok(
    await serviceClient().rpc('service_role_mail_failed', { p_id: id, p_error: error, p_permanent: permanent }),
    'mail_failed',
  ) as { status: string };
}

async function token(purpose: 'unsubscribe' | 'reply', userId: string, ticketId: string | null = null): Promise<string> {
  const row = await sqlRow<{ token: string }>('select app.mail_token($1, $2, $3) as token', [purpose, userId, ticketId]);
  return row.token;
}

async function setPreference(person: Person, kind: string, delivery: string): Promise<void> {
  ok(await person.client.rpc('set_notification_preference', { p_kind: kind, p_delivery: delivery }), `${kind} ${delivery}`);
}

async function post(person: Person, ticketId: string, body: string): Promise<void> {
  ok(await person.client.rpc('post_message', { p_ticket_id: ticketId, p_body: body }), 'post_message');
}

let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ engineer, admin } = await createCast());
});

describe('every notice of a mail kind enqueues its mail in the same transaction', () => {
  it('a ticket from opening to resolution: each side gets the mails of what the other did', async () => {
    const customer = await createPerson('customer', 'Casey Customer');
    await adjustCredits(admin, customer.accountId, 100);
    expect((await mailsTo(customer.userId, 'credits_added')).map((row) => row.status), 'the receipt of the adjustment').toEqual([
      'pending',
    ]);

    const created = await createTicket(customer, false);
    for (const staff of [engineer, admin]) {
      const [newTicket] = await mailsTo(staff.userId, 'new_ticket', created.id);
      expect(newTicket, `${staff.role} told of the new ticket`).toMatchObject({
        status: 'pending',
        to_email: staff.email.toLowerCase(),
        dedupe_key: expect.stringMatching(/^new_ticket:/),
      });
    }
    expect(await mailsTo(customer.userId, 'new_ticket'), 'not the customer who opened it').toEqual([]);

    await assess(engineer, created.id, 'configuration');
    const [quote] = await mailsTo(customer.userId, 'quote_ready', created.id);
    const notice = defined(
      (await sql<{ id: string; title: string; body: string }>(
        "select id, title, body from public.notifications where user_id = $1 and kind = 'quote_ready' and ticket_id = $2",
        [customer.userId, created.id],
      ))[0],
      'the in-app notice',
    );
    expect(quote, 'the quote mail carries the notice and its words').toMatchObject({
      status: 'pending',
      notification_id: notice.id,
      dedupe_key: `quote_ready:${notice.id}:${customer.userId}`,
      to_name: 'Casey Customer',
      data: expect.objectContaining({ title: notice.title, body: notice.body, credits: 10 }),
    });

    await post(customer, created.id, 'Is the price for both servers?');
    const [replied] = await mailsTo(engineer.userId, 'customer_replied', created.id);
    expect(replied?.data, 'to the assignee, with the text').toMatchObject({ message: 'Is the price for both servers?' });
    expect(await mailsTo(admin.userId, 'customer_replied', created.id), 'only the assignee').toEqual([]);

    ok(await customer.client.rpc('confirm_quote', { p_ticket_id: created.id, p_credits: 10 }), 'confirm');
    expect((await mailsTo(engineer.userId, 'quote_confirmed', created.id)).length, 'the assessor hears of it').toBe(1);
    expect((await mailsTo(customer.userId, 'charged', created.id)).length, 'the customer is charged').toBe(1);

    await post(engineer, created.id, 'Yes, both.');
    expect((await mailsTo(customer.userId, 'answered', created.id))[0]?.data, 'the answer').toMatchObject({ message: 'Yes, both.' });

    ok(
      await engineer.client.rpc('split_ticket', { p_ticket_id: created.id, p_subject: 'Backups', p_body: 'A separate question.' }),
      'split',
    );
    expect((await mailsTo(customer.userId, 'split')).length, 'told of the split').toBe(1);

    ok(await engineer.client.rpc('reassess_ticket', { p_ticket_id: created.id, p_category: 'question', p_reason: 'Simpler than it looked' }), 'reassess');
    const [recategorized] = await mailsTo(customer.userId, 'recategorized', created.id);
    expect(recategorized?.data, 'the refund, in the one re-categorization mail').toMatchObject({
      from_category: 'configuration',
      to_category: 'question',
      refunded: 5,
      charged: 0,
    });
    expect(await notificationKinds(customer.userId, created.id), 'no separate refund notice').not.toContain('refunded');

    ok(await engineer.client.rpc('resolve_ticket', { p_ticket_id: created.id }), 'resolve');
    expect((await mailsTo(customer.userId, 'resolved', created.id)).length, 'told it is resolved').toBe(1);

    const inApp = await notificationKinds(customer.userId, created.id);
    const mailed = (await mailsTo(customer.userId, undefined, created.id)).map((row) => row.kind);
    expect(mailed, 'every mail has its in-app notice').toEqual(inApp);
  });

  it('a customer reply on an unassigned ticket goes to every engineer; a decline to the assessor', async () => {
    const customer = await createPerson();
    const created = await createTicket(customer, false);
    await post(customer, created.id, 'Any news?');
    expect((await mailsTo(engineer.userId, 'customer_replied', created.id)).length, 'engineers are told').toBe(1);
    expect(await mailsTo(admin.userId, 'customer_replied', created.id), 'admins are not').toEqual([]);

    const other = await createPerson('engineer');
    await assess(other, created.id, 'configuration');
    ok(await customer.client.rpc('decline_quote', { p_ticket_id: created.id, p_reason: 'Too dear' }), 'decline');
    const [declined] = await mailsTo(other.userId, 'quote_declined', created.id);
    expect(declined?.data, 'to the assessor, with the reason').toMatchObject({ reason: 'Too dear', credits: 10 });
    expect(await mailsTo(engineer.userId, 'quote_declined', created.id), 'not to other engineers').toEqual([]);
  });

  it('credit mails: receipt, low balance once per crossing, tickets awaiting credits', async () => {
    const customer = await createPerson();
    const orderId = await buyCredits(customer, 25);
    const [receipt] = await mailsTo(customer.userId, 'credits_added');
    expect(receipt?.data, 'what a receipt needs').toMatchObject({
      order_id: orderId,
      credits: 25,
      amount_cents: expect.any(Number),
      currency: expect.any(String),
      provider_payment_id: `pay_${orderId}`,
    });

    const first = await createTicket(customer, true);
    await assess(engineer, first.id, 'investigation'); // 25 - 20 = 5, below the threshold of 10
    expect((await mailsTo(customer.userId, 'low_balance')).length, 'the crossing').toBe(1);
    const second = await createTicket(customer, true);
    await assess(engineer, second.id, 'configuration'); // 10 > 5: waits
    expect((await mailsTo(customer.userId, 'low_balance')).length, 'not again while below').toBe(1);
    expect((await mailsTo(customer.userId, 'credits_needed')).length, 'the ticket waits for credits').toBe(1);
  });

  it('a payment an admin must review is mailed to the admins', async () => {
    const eventId = `evt_mail_${randomUUID()}`;
    const unknownOrder = randomUUID();
    const recorded = ok(
      await serviceClient().rpc('record_payment_event', {
        p_event: {
          id: eventId,
          type: 'checkout.session.completed',
          data: {
            object: {
              id: `cs_mail_${randomUUID()}`,
              amount_total: 1000,
              currency: 'usd',
              payment_status: 'paid',
              client_reference_id: unknownOrder,
              metadata: { order_id: unknownOrder },
            },
          },
        },
      }),
      'record',
    ) as { outcome: string };
    expect(recorded.outcome).toBe('mismatch');
    const review = (await mailsTo(admin.userId, 'payment_review')).filter((row) => row.data.event_id === eventId);
    expect(review, 'one mail to this admin').toHaveLength(1);
    expect((await mailsTo(engineer.userId, 'payment_review')).filter((row) => row.data.event_id === eventId), 'not engineers').toEqual(
      [],
    );
  });

  it('a rolled-back event enqueues nothing, and its notice is gone too', async () => {
    const customer = await createPerson();
    const subject = `Rolled back ${randomUUID().slice(0, 8)}`;
    const claims = JSON.stringify({ sub: customer.userId, role: 'authenticated' });
    // Other files open tickets at the same time, so the mails are found by this ticket's own text.
    const mailsAbout = async (body: string) =>
      sql<{ user_id: string }>("select user_id from app.mail_outbox where kind = 'new_ticket' and data->>'message' = $1", [body]);
    const open = (body: string, end: 'rollback' | 'commit') =>
      sql(
        `begin;
         select set_config('request.jwt.claims', '${claims}', true);
         set local role authenticated;
         select public.create_ticket('${subject}', '${body}', false);
         ${end};`,
      );
    await open('Then the request fails.', 'rollback');
    expect(await sql('select 1 from public.tickets where subject = $1', [subject]), 'no ticket').toEqual([]);
    expect(await mailsAbout('Then the request fails.'), 'no mail').toEqual([]);
    // The same statements committed do enqueue, so the check above is not vacuous.
    await open('This time it commits.', 'commit');
    expect((await mailsAbout('This time it commits.')).map((row) => row.user_id), 'committed: mailed to staff').toContain(engineer.userId);
  });

  it('a repeated dedupe key adds nothing', async () => {
    const customer = await createPerson();
    const key = `resolved:test:${randomUUID()}`;
    const enqueue = () =>
      sqlRow<{ id: number | null }>("select app.enqueue_mail($1, 'resolved', $2, null, null, '{}')::int as id", [customer.userId, key]);
    expect((await enqueue()).id, 'the first is stored').not.toBeNull();
    expect((await enqueue()).id, 'the second is not').toBeNull();
    expect(await sql('select 1 from app.mail_outbox where dedupe_key = $1', [key])).toHaveLength(1);
  });
});

describe('preferences', () => {
  it('list the kinds of the caller\'s audience, "immediately" by default, receipts not optional', async () => {
    const customer = await createPerson();
    const mine = ok(await customer.client.rpc('my_notification_preferences'), 'customer prefs') as Preference[];
    expect(mine.map((row) => row.kind).sort()).toEqual(
      ['answered', 'charged', 'credits_added', 'credits_needed', 'low_balance', 'quote_ready', 'recategorized', 'resolved', 'split'].sort(),
    );
    expect(mine.every((row) => row.delivery === 'immediately'), 'default').toBe(true);
    expect(mine.find((row) => row.kind === 'credits_added'), 'the receipt').toMatchObject({ optional: false });
    expect(defined(mine.find((row) => row.kind === 'quote_ready'), 'quote_ready').label).toBe('Quote ready');

    const staff = ok(await engineer.client.rpc('my_notification_preferences'), 'engineer prefs') as Preference[];
    expect(staff.map((row) => row.kind).sort()).toEqual(['customer_replied', 'new_ticket', 'quote_confirmed', 'quote_declined']);
    const admins = ok(await admin.client.rpc('my_notification_preferences'), 'admin prefs') as Preference[];
    expect(admins.map((row) => row.kind).sort()).toEqual([
      'customer_replied',
      'new_ticket',
      'payment_review',
      'quote_confirmed',
      'quote_declined',
    ]);
    expectError(await anonClient().rpc('my_notification_preferences'), '42501', undefined, 'anon');
  });

  it('immediately → pending, daily → held for the digest, never → no mail (the in-app notice stays)', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 100);
    await setPreference(customer, 'resolved', 'daily');
    await setPreference(customer, 'quote_ready', 'never');
    await setPreference(customer, 'charged', 'immediately');
    const prefs = ok(await customer.client.rpc('my_notification_preferences'), 'prefs') as Preference[];
    expect(Object.fromEntries(prefs.map((row) => [row.kind, row.delivery]))).toMatchObject({
      resolved: 'daily',
      quote_ready: 'never',
      charged: 'immediately',
      answered: 'immediately',
    });

    const quoted = await createTicket(customer, false);
    await assess(engineer, quoted.id, 'configuration');
    expect(await mailsTo(customer.userId, 'quote_ready'), 'never: no mail').toEqual([]);
    expect(await notificationKinds(customer.userId, quoted.id), 'but the notice').toContain('quote_ready');

    const charged = await createTicket(customer, true);
    await assess(engineer, charged.id, 'question');
    expect((await mailsTo(customer.userId, 'charged')).map((row) => row.status)).toEqual(['pending']);
    ok(await engineer.client.rpc('resolve_ticket', { p_ticket_id: charged.id }), 'resolve');
    expect((await mailsTo(customer.userId, 'resolved')).map((row) => row.status), 'daily: held').toEqual(['held']);

    await setPreference(customer, 'resolved', 'never');
    expect((await mailsTo(customer.userId, 'resolved')).map((row) => row.status), 'never cancels what is held').toEqual(['canceled']);
  });

  it('refuses kinds that cannot be turned off, kinds of another audience, and unknown values; changes nothing', async () => {
    const customer = await createPerson();
    const cases: Array<[Person, string, string, string]> = [
      [customer, 'credits_added', 'never', 'a receipt'],
      [customer, 'reply_refused', 'never', 'a system mail'],
      [customer, 'digest', 'never', 'the digest is not chosen directly'],
      [customer, 'new_ticket', 'never', 'a staff mail, for a customer'],
      [engineer, 'quote_ready', 'daily', 'a customer mail, for an engineer'],
      [engineer, 'payment_review', 'never', 'an admin mail, for an engineer'],
      [customer, 'no_such_kind', 'never', 'an unknown kind'],
      [customer, 'resolved', 'weekly', 'an unknown delivery'],
      [customer, 'resolved', '', 'no delivery'],
    ];
    for (const [person, kind, delivery, what] of cases) {
      const result = await person.client.rpc('set_notification_preference', { p_kind: kind, p_delivery: delivery });
      expectError(result, '22023', 'invalid_input', what);
      expect(result.error?.details, `${what}: says why`).toBeTruthy();
    }
    expect(
      await sql('select 1 from public.notification_preferences where user_id = any($1)', [[customer.userId, engineer.userId]]),
    ).toEqual([]);
    expectError(
      await anonClient().rpc('set_notification_preference', { p_kind: 'resolved', p_delivery: 'never' }),
      '42501',
      undefined,
      'anon',
    );
  });

  it('each person reads only their own preferences', async () => {
    const [customer, other] = await Promise.all([createPerson(), createPerson()]);
    await setPreference(customer, 'answered', 'daily');
    const own = ok(await customer.client.from('notification_preferences').select('kind, delivery'), 'own');
    expect(own).toEqual([{ kind: 'answered', delivery: 'daily' }]);
    const theirs = ok(await other.client.from('notification_preferences').select('kind').eq('user_id', customer.userId), 'other');
    expect(theirs, 'another customer sees none').toEqual([]);
    const written = await other.client.from('notification_preferences').insert({ user_id: customer.userId, kind: 'answered', delivery: 'never' });
    expectError(written, '42501', undefined, 'no direct writes');
  });
});

describe('unsubscribe by token', () => {
  it('the one-click link turns a kind off without a session; later events of it send nothing', async () => {
    const customer = await createPerson();
    const link = await token('unsubscribe', customer.userId);
    expect(link, 'two random UUIDs as hex').toMatch(/^[0-9a-f]{64}$/);
    const answer = ok(await anonClient().rpc('unsubscribe_by_token', { p_token: link, p_kind: 'answered' }), 'unsubscribe');
    expect(answer).toEqual({ kind: 'answered', label: "Engineer's answer", delivery: 'never' });
    expect(ok(await anonClient().rpc('unsubscribe_by_token', { p_token: link, p_kind: 'answered' }), 'twice'), 'repeatable').toEqual(
      answer,
    );

    await adjustCredits(admin, customer.accountId, 10);
    const created = await createTicket(customer, true);
    await assess(engineer, created.id, 'question');
    await post(engineer, created.id, 'Here is how.');
    expect(await mailsTo(customer.userId, 'answered'), 'no answer mail').toEqual([]);
    expect((await mailsTo(customer.userId, 'charged')).length, 'other kinds still come').toBe(1);
  });

  it('refuses an unknown token and kinds that cannot be turned off', async () => {
    const customer = await createPerson();
    const link = await token('unsubscribe', customer.userId);
    const unknown = await anonClient().rpc('unsubscribe_by_token', { p_token: 'f'.repeat(64), p_kind: 'answered' });
    expectError(unknown, '22023', 'invalid_unsubscribe_token', 'unknown token');
    expect(unknown.error?.details).toMatch(/not valid/);
    expectError(
      await anonClient().rpc('unsubscribe_by_token', { p_token: await token('reply', customer.userId, (await createTicket(customer, false)).id), p_kind: 'answered' }),
      '22023',
      'invalid_unsubscribe_token',
      'a reply token is not an unsubscribe token',
    );
    expectError(
      await anonClient().rpc('unsubscribe_by_token', { p_token: link, p_kind: 'credits_added' }),
      '22023',
      'invalid_input',
      'a receipt',
    );
    expect(await sql('select 1 from public.notification_preferences where user_id = $1', [customer.userId])).toEqual([]);
  });

  it('unsubscribing from the digest turns every daily choice to never', async () => {
    const customer = await createPerson();
    await setPreference(customer, 'answered', 'daily');
    await setPreference(customer, 'resolved', 'daily');
    await setPreference(customer, 'charged', 'immediately');
    ok(await anonClient().rpc('unsubscribe_by_token', { p_token: await token('unsubscribe', customer.userId), p_kind: 'digest' }), 'digest');
    const rows = await sql<{ kind: string; delivery: string }>(
      'select kind, delivery from public.notification_preferences where user_id = $1 order by kind',
      [customer.userId],
    );
    expect(rows).toEqual([
      { kind: 'answered', delivery: 'never' },
      { kind: 'charged', delivery: 'immediately' },
      { kind: 'resolved', delivery: 'never' },
    ]);
  });
});

describe('the worker', () => {
  it('claims a mail with what it needs to render and send it', async () => {
    const customer = await createPerson('customer', 'Dana\r\nBcc: everyone');
    const created = ok(
      await customer.client
        .rpc('create_ticket', { p_subject: 'Export\r\nBcc: victim@example.test', p_body: 'It fails.', p_pre_approved: false })
        .single<TicketRow>(),
      'create',
    );
    await assess(engineer, created.id, 'configuration');
    const [row] = await mailsTo(customer.userId, 'quote_ready');
    expect(row?.to_name, 'no line break reaches a header').toBe('Dana Bcc: everyone');
    await sql("update app.mail_outbox set next_attempt_at = '2000-01-01' where id = $1", [defined(row, 'mail').id]);
    const [message] = await claim(1);
    expect(message, 'the oldest due mail').toMatchObject({
      id: row?.id,
      kind: 'quote_ready',
      attempt: 1,
      optional: true,
      to: { email: customer.email.toLowerCase(), name: 'Dana Bcc: everyone' },
      ticket: { id: created.id, number: created.number, subject: 'Export Bcc: victim@example.test' },
      items: null,
    });
    expect(message?.data.title, 'the subject line is one line').not.toMatch(/[\r\n]/);
    expect(message?.reply_token).toBe(await token('reply', customer.userId, created.id));
    expect(message?.unsubscribe_token).toBe(await token('unsubscribe', customer.userId));
    expect(await mail(defined(row, 'mail').id)).toMatchObject({ status: 'sending', attempts: 1 });

    ok(await serviceClient().rpc('service_role_mail_sent', { p_id: message?.id, p_provider_id: '<abc@mail>' }), 'sent');
    expect(await mail(defined(row, 'mail').id)).toMatchObject({ status: 'sent' });
    ok(await serviceClient().rpc('service_role_mail_sent', { p_id: message?.id, p_provider_id: '<abc@mail>' }), 'sent twice is fine');
  });

  it('two workers claiming at once never get the same mail', async () => {
    const customer = await createPerson();
    const ids: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const row = await sqlRow<{ id: number }>(
        "select app.enqueue_mail($1, 'resolved', $2, null, null, '{}')::int as id",
        [customer.userId, `resolved:claim:${randomUUID()}`],
      );
      ids.push(row.id);
    }
    await sql("update app.mail_outbox set next_attempt_at = '2000-01-01'::timestamptz + make_interval(secs => id) where id = any($1)", [ids]);
    const rounds = await Promise.all([claim(3), claim(3), claim(3), claim(3)]);
    const claimed = rounds.flat().map((message) => message.id);
    expect(new Set(claimed).size, 'no mail twice').toBe(claimed.length);
    expect([...claimed].sort((a, b) => a - b), 'each of the twelve once').toEqual([...ids].sort((a, b) => a - b));
    const rows = await sql<{ status: string; attempts: number }>('select status, attempts from app.mail_outbox where id = any($1)', [ids]);
    expect(rows.every((row) => row.status === 'sending' && row.attempts === 1), 'each claimed once, now being sent').toBe(true);
  });

  it('workers claiming at once for the same new recipients in opposite orders do not deadlock making their tokens', async () => {
    // Each claim makes the recipients' first unsubscribe and reply tokens. Two claims doing so for the
    // same people in opposite orders used to wait on each other's insert (a deadlock, the claim a 500).
    // Due in 1990, before any other test's rows, so these two claims take exactly these twelve.
    for (let round = 0; round < 4; round += 1) {
      const people = await Promise.all(Array.from({ length: 6 }, () => createPerson()));
      const ticket = await createTicket(people[0]!, false);
      const forward = people.map((person) => person.userId);
      const ids: number[] = [];
      for (const userId of [...forward, ...[...forward].reverse()]) {
        const row = await sqlRow<{ id: number }>("select app.enqueue_mail($1, 'resolved', $2, $3, null, '{}')::int as id", [
          userId,
          `resolved:order:${randomUUID()}`,
          ticket.id,
        ]);
        ids.push(row.id);
      }
      await sql("update app.mail_outbox set next_attempt_at = '1990-01-01'::timestamptz + make_interval(secs => id) where id = any($1)", [ids]);
      const rounds = await Promise.all([claim(6), claim(6)]);
      expect(rounds.flat().map((message) => message.id).sort((a, b) => a - b)).toEqual(ids);
      const stored = await sql<{ user_id: string; purpose: string; token: string }>(
        'select user_id, purpose, token from app.mail_tokens where user_id = any($1)',
        [forward],
      );
      expect(stored.filter((row) => row.purpose === 'unsubscribe'), 'one unsubscribe token each').toHaveLength(6);
      expect(stored.filter((row) => row.purpose === 'reply'), 'one reply token each for the ticket').toHaveLength(6);
      const tokens = new Set(stored.map((row) => row.token));
      for (const message of rounds.flat()) {
        expect(tokens.has(message.unsubscribe_token ?? ''), 'the stored unsubscribe token').toBe(true);
        expect(tokens.has(message.reply_token ?? ''), 'the stored reply token').toBe(true);
      }
    }
  });

  it('a mail whose lease ran out becomes unknown: never re-sent by itself, shown to admins', async () => {
    const customer = await createPerson();
    const { id } = await sqlRow<{ id: number }>("select app.enqueue_mail($1, 'resolved', $2, null, null, '{}')::int as id", [
      customer.userId,
      `resolved:lease:${randomUUID()}`,
    ]);
    await markSending(id);
    await sql("update app.mail_outbox set locked_until = now() - interval '1 second', next_attempt_at = '2000-01-01' where id = $1", [id]);
    // Something else due, so the claim below has a mail to take that is not this one (nor another test's).
    const { id: bait } = await sqlRow<{ id: number }>("select app.enqueue_mail($1, 'resolved', $2, null, null, '{}')::int as id", [
      customer.userId,
      `resolved:bait:${randomUUID()}`,
    ]);
    await sql("update app.mail_outbox set next_attempt_at = '2000-01-02' where id = $1", [bait]);
    const claimed = await claim(1);
    expect(claimed.map((message) => message.id), 'the other mail, not the expired one').toEqual([bait]);
    expect(await mail(id)).toMatchObject({ status: 'unknown', attempts: 1 });
    const failures = ok(await admin.client.rpc('admin_mail_failures'), 'failures') as Array<{ id: number; status: string }>;
    expect(failures.find((row) => row.id === id), 'listed').toMatchObject({ status: 'unknown', kind: 'resolved', to_email: customer.email.toLowerCase() });
    // A slow worker that did send it settles it.
    ok(await serviceClient().rpc('service_role_mail_sent', { p_id: id, p_provider_id: 'late' }), 'late sent');
    expect((await mail(id)).status).toBe('sent');
  });

  it('temporary failures back off 30 s, doubling, and the sixth is dead', async () => {
    const customer = await createPerson();
    const { id } = await sqlRow<{ id: number }>("select app.enqueue_mail($1, 'resolved', $2, null, null, '{}')::int as id", [
      customer.userId,
      `resolved:backoff:${randomUUID()}`,
    ]);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await markSending(id);
      expect(await failed(id, false), `attempt ${attempt}`).toEqual({ status: 'retry' });
      waits.push(Math.round((await mail(id)).wait_seconds / 30) * 30);
    }
    expect(waits, 'seconds until the next attempt').toEqual([30, 60, 120, 240, 480]);
    await markSending(id);
    expect(await failed(id, false), 'attempt 6').toEqual({ status: 'dead' });
    expect(await mail(id)).toMatchObject({ status: 'dead', attempts: 6, last_error: '451 4.3.0 try later' });
    expect(await mailsToAddress(customer.email).then((rows) => rows.length), 'the address is not suppressed').toBe(1);
    expect(await sql('select 1 from app.mail_suppressions where email = lower($1)', [customer.email])).toEqual([]);
    expectError(await serviceClient().rpc('service_role_mail_failed', { p_id: id, p_error: 'again', p_permanent: false }), 'PT409', 'invalid_state', 'not sending');
  });

  it('a permanent failure suppresses the address until an admin retries', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 10);
    const [receipt] = await mailsTo(customer.userId, 'credits_added');
    const id = defined(receipt, 'receipt').id;
    const { id: queued } = await sqlRow<{ id: number }>("select app.enqueue_mail($1, 'resolved', $2, null, null, '{}')::int as id", [
      customer.userId,
      `resolved:queued:${randomUUID()}`,
    ]);
    await markSending(id);
    expect(await failed(id, true, '550 5.1.1 no such mailbox')).toEqual({ status: 'dead' });
    expect(await mail(queued), 'what was queued to it would bounce too').toMatchObject({
      status: 'dead',
      attempts: 0,
      last_error: expect.stringContaining('550 5.1.1 no such mailbox'),
    });
    expect(await sql('select reason from app.mail_suppressions where email = lower($1)', [customer.email])).toEqual([
      { reason: '550 5.1.1 no such mailbox' },
    ]);

    await adjustCredits(admin, customer.accountId, 10);
    expect((await mailsTo(customer.userId, 'credits_added')).length, 'nothing more to that address').toBe(1);
    expect((await notificationKinds(customer.userId)).filter((kind) => kind === 'credits_added'), 'the notices still come').toHaveLength(2);

    expectError(await engineer.client.rpc('admin_retry_mail', { p_id: id }), '42501', 'forbidden', 'not an engineer');
    ok(await admin.client.rpc('admin_retry_mail', { p_id: id }), 'retry');
    expect(await mail(id), 'back in the queue, attempts kept').toMatchObject({ status: 'pending', attempts: 1 });
    expect(await sql('select 1 from app.mail_suppressions where email = lower($1)', [customer.email]), 'suppression lifted').toEqual([]);
    expectError(await admin.client.rpc('admin_retry_mail', { p_id: id }), 'PT409', 'invalid_state', 'a pending mail');
    expectError(await admin.client.rpc('admin_retry_mail', { p_id: 2_000_000_000 }), 'PT404', 'not_found', 'no such mail');

    await adjustCredits(admin, customer.accountId, 10);
    expect((await mailsTo(customer.userId, 'credits_added')).length, 'mail to it again').toBe(2);
  });

  it('checks its arguments', async () => {
    expectError(await serviceClient().rpc('service_role_claim_mail', { p_limit: 0 }), '22023', 'invalid_input', 'limit 0');
    expectError(await serviceClient().rpc('service_role_claim_mail', { p_limit: 1, p_lease_seconds: 0 }), '22023', 'invalid_input', 'lease 0');
    expectError(await serviceClient().rpc('service_role_mail_sent', { p_id: 2_000_000_000, p_provider_id: 'x' }), 'PT404', 'not_found', 'no mail');
  });

  it('the daily digest rolls what is held into one mail per person and day', async () => {
    const customer = await createPerson();
    await adjustCredits(admin, customer.accountId, 20);
    await setPreference(customer, 'answered', 'daily');
    await setPreference(customer, 'charged', 'daily');
    const created = await createTicket(customer, true);
    await assess(engineer, created.id, 'question');
    await post(engineer, created.id, 'First answer.');
    await post(engineer, created.id, 'Second answer.');
    const held = (await mailsTo(customer.userId)).filter((row) => row.status === 'held');
    expect(held.map((row) => row.kind), 'held for the digest').toEqual(['charged', 'answered', 'answered']);

    // Another file's run may build today's digests first; either way this person gets exactly one.
    const built = ok(await serviceClient().rpc('service_role_build_digests'), 'build') as number;
    expect(typeof built).toBe('number');
    const [digest] = await mailsTo(customer.userId, 'digest');
    expect(digest, 'one digest, ready to send').toMatchObject({ status: 'pending', dedupe_key: expect.stringMatching(`^digest:${customer.userId}:`) });
    for (const row of held) expect(await mail(row.id), 'rolled in').toMatchObject({ status: 'digested', digest_id: digest?.id });

    await sql("update app.mail_outbox set next_attempt_at = '2000-01-01' where id = $1", [defined(digest, 'digest').id]);
    const [message] = await claim(1);
    expect(message?.kind).toBe('digest');
    expect(message?.items?.map((item) => [item.kind, item.data.message ?? null]), 'its items, oldest first').toEqual([
      ['charged', null],
      ['answered', 'First answer.'],
      ['answered', 'Second answer.'],
    ]);
    expect(message?.unsubscribe_token, 'the digest can be turned off').toBeTruthy();

    await post(engineer, created.id, 'Third answer.');
    await serviceClient().rpc('service_role_build_digests').throwOnError();
    expect((await mailsTo(customer.userId, 'digest')).length, 'one digest a day').toBe(1);
    expect((await mailsTo(customer.userId, 'answered')).at(-1)?.status, 'the newer mail waits for tomorrow').toBe('held');
  });
});

describe('replies by e-mail', () => {
  let customer: Person;
  let created: TicketRow;
  let replyToken: string;

  beforeAll(async () => {
    customer = await createPerson('customer', 'Robin Replier');
    await adjustCredits(admin, customer.accountId, 20);
    created = await createTicket(customer, true);
    await assess(engineer, created.id, 'question');
    replyToken = await token('reply', customer.userId, created.id);
  });

  async function reply(args: { token?: string; from?: string; text?: string; messageId?: string }) {
    return ok(
      await serviceClient().rpc('service_role_reply_by_email', {
        p_token: args.token ?? replyToken,
        p_from: args.from ?? customer.email,
        p_text: args.text ?? 'Thanks, that worked.',
        p_message_id: args.messageId ?? `<${randomUUID()}@mail.example.test>`,
      }),
      'reply_by_email',
    ) as { status: string; ticket_number: number | null };
  }

  async function threadOf(ticketId: string): Promise<Array<{ body: string; author_id: string; from_staff: boolean }>> {
    return sql('select body, author_id, from_staff from public.ticket_messages where ticket_id = $1 order by created_at', [ticketId]);
  }

  it('posts the reply as the person it was sent to, once per Message-ID', async () => {
    const messageId = `<${randomUUID()}@mail.example.test>`;
    const answer = await reply({ from: ` ${customer.email.toUpperCase()} `, text: 'It works now, thanks.', messageId });
    expect(answer).toEqual({ status: 'posted', ticket_number: created.number });
    expect((await threadOf(created.id)).at(-1)).toEqual({ body: 'It works now, thanks.', author_id: customer.userId, from_staff: false });
    expect((await mailsTo(engineer.userId, 'customer_replied', created.id)).length, 'the assignee is told').toBe(1);

    expect(await reply({ text: 'It works now, thanks.', messageId }), 'a redelivery').toEqual({
      status: 'duplicate',
      ticket_number: created.number,
    });
    expect((await threadOf(created.id)).filter((m) => m.body === 'It works now, thanks.'), 'posted once').toHaveLength(1);
    expect(await mailsToAddress(customer.email).then((rows) => rows.filter((row) => row.kind === 'reply_refused')), 'no refusal').toEqual([]);
  });

  it('an engineer replying by e-mail answers the customer', async () => {
    const staffToken = await token('reply', engineer.userId, created.id);
    expect(await reply({ token: staffToken, from: engineer.email, text: 'Glad to hear it.' })).toMatchObject({ status: 'posted' });
    expect((await threadOf(created.id)).at(-1)).toMatchObject({ author_id: engineer.userId, from_staff: true });
    expect((await mailsTo(customer.userId, 'answered', created.id)).at(-1)?.data).toMatchObject({ message: 'Glad to hear it.' });
  });

  it('refusals change nothing and answer the sender once, saying why', async () => {
    const closed = await createTicket(customer, false);
    ok(await customer.client.rpc('cancel_ticket', { p_ticket_id: closed.id }), 'cancel');
    const stranger = `stranger-${randomUUID().slice(0, 8)}@example.test`;
    const cases: Array<[string, Parameters<typeof reply>[0], string, number | null]> = [
      ['an unknown reply address', { token: 'a'.repeat(64), from: stranger }, 'unknown_address', null],
      ['someone else writing from another address', { from: stranger }, 'unknown_sender', null],
      ['a closed ticket', { token: await token('reply', customer.userId, closed.id) }, 'ticket_closed', closed.number],
      ['nothing left after stripping quotes', { text: ' \n ' }, 'empty', created.number],
    ];
    for (const [what, args, status, number] of cases) {
      const threadBefore = [...(await threadOf(created.id)), ...(await threadOf(closed.id))];
      const from = args.from ?? customer.email;
      const refusalsBefore = (await mailsToAddress(from)).filter((row) => row.kind === 'reply_refused').length;
      const messageId = `<${randomUUID()}@mail.example.test>`;
      expect(await reply({ ...args, messageId }), what).toEqual({ status, ticket_number: number });
      expect([...(await threadOf(created.id)), ...(await threadOf(closed.id))], `${what}: nothing posted`).toEqual(threadBefore);
      const refusals = (await mailsToAddress(from)).filter((row) => row.kind === 'reply_refused');
      expect(refusals.length, `${what}: one answer`).toBe(refusalsBefore + 1);
      expect(refusals.at(-1), `${what}: says why`).toMatchObject({
        status: 'pending',
        user_id: null,
        data: { reason: status, ticket_number: number },
      });
      expect(await reply({ ...args, messageId }), `${what}: again`).toEqual({ status, ticket_number: number });
      expect((await mailsToAddress(from)).filter((row) => row.kind === 'reply_refused').length, `${what}: answered once`).toBe(
        refusalsBefore + 1,
      );
    }
  });

  it('an engineer cannot answer by e-mail what waits for the customer: refused, nothing posted', async () => {
    const quoted = await createTicket(customer, false);
    await assess(engineer, quoted.id, 'configuration'); // awaiting confirmation
    const before = await threadOf(quoted.id);
    const answer = await reply({ token: await token('reply', engineer.userId, quoted.id), from: engineer.email, text: 'The fix is…' });
    expect(answer).toEqual({ status: 'ticket_closed', ticket_number: quoted.number });
    expect(await threadOf(quoted.id)).toEqual(before);
    expect((await mailsToAddress(engineer.email)).filter((row) => row.kind === 'reply_refused').at(-1)?.data).toEqual({
      reason: 'ticket_closed',
      ticket_number: quoted.number,
    });
  });

  it('a refused reply from something that is not a plain address gets no answer', async () => {
    const sender = `x-${randomUUID().slice(0, 8)}@example.test`;
    for (const from of [`${sender}\r\nBcc: victim@example.test`, `Someone <${sender}>`, `${sender}, victim@example.test`]) {
      expect(await reply({ token: 'b'.repeat(64), from }), JSON.stringify(from)).toEqual({ status: 'unknown_address', ticket_number: null });
    }
    expect(await mailsToAddress(sender), 'no answer to any part of it').toEqual([]);
    expect(await mailsToAddress('victim@example.test'), 'nor to an injected address').toEqual([]);
  });

  it('needs a Message-ID', async () => {
    expectError(
      await serviceClient().rpc('service_role_reply_by_email', { p_token: replyToken, p_from: customer.email, p_text: 'Hi', p_message_id: ' ' }),
      '22023',
      'invalid_input',
      'no message id',
    );
  });
});

describe('addresses and header text', () => {
  it('only plain addresses are enqueued; the outbox refuses anything a header could be extended with', async () => {
    const rows = await sql<{ address: string; ok: boolean }>(
      `select a as address, app.is_mail_address(a) as ok from unnest($1::text[]) a`,
      [['a.b+c@example.test', 'A@example.test', 'a@example.test\r\nBcc: x@y.test', 'a b@example.test', '<a@example.test>', 'a@example', 'a@@example.test', '']],
    );
    expect(Object.fromEntries(rows.map((row) => [row.address, row.ok]))).toEqual({
      'a.b+c@example.test': true,
      'A@example.test': false, // enqueue lower-cases first
      'a@example.test\r\nBcc: x@y.test': false,
      'a b@example.test': false,
      '<a@example.test>': false,
      'a@example': false,
      'a@@example.test': false,
      '': false,
    });
    const refused = sql(
      "insert into app.mail_outbox (dedupe_key, kind, to_email) values ($1, 'resolved', 'a@example.test\r\nBcc: x@y.test')",
      [`test:${randomUUID()}`],
    );
    await expect(refused, 'the table checks it too').rejects.toThrow(/mail_outbox_to_email_check/);
    const name = sql("insert into app.mail_outbox (dedupe_key, kind, to_email, to_name) values ($1, 'resolved', 'a@example.test', 'A\r\nBcc: x')", [
      `test:${randomUUID()}`,
    ]);
    await expect(name, 'and names').rejects.toThrow(/mail_outbox_to_name_check/);
  });
});

describe('access', () => {
  const worker = [
    ['service_role_claim_mail', { p_limit: 1 }],
    ['service_role_mail_sent', { p_id: 1, p_provider_id: 'x' }],
    ['service_role_mail_failed', { p_id: 1, p_error: 'x', p_permanent: true }],
    ['service_role_build_digests', {}],
    ['service_role_reply_by_email', { p_token: 'x', p_from: 'a@example.test', p_text: 'x', p_message_id: 'x' }],
  ] as const;

  it('only the service role calls the worker functions', async () => {
    const customer = await createPerson();
    for (const [name, args] of worker) {
      for (const [who, client] of [
        ['anon', anonClient()],
        ['customer', customer.client],
        ['admin', admin.client],
      ] as const) {
        expectError(await client.rpc(name, args), '42501', undefined, `${who} calls ${name}`);
      }
    }
  });

  it('only admins list failures; nobody reads the outbox through the API', async () => {
    const customer = await createPerson();
    for (const person of [customer, engineer]) {
      expectError(await person.client.rpc('admin_mail_failures'), '42501', 'forbidden', `${person.role} lists failures`);
    }
    expectError(await anonClient().rpc('admin_mail_failures'), '42501', undefined, 'anon');
    for (const client of [customer.client, admin.client, serviceClient()]) {
      const read = await client.schema('app' as never).from('mail_outbox').select('id');
      expect(read.error, 'the app schema is not exposed').not.toBeNull();
    }
  });
});
