/**
 * The product's live channels (supabase/schemas/live/) through supabase-js as the browser joins them:
 * private channels `queue`, `ticket:<id>` and `user:<id>`, decided by the policies on realtime.messages;
 * and what the database announces on them — `changed` with {ticket_id, reason} or {notification_id},
 * never content — once per topic, ticket and reason in a transaction, only if it commits.
 * What was sent is read back from realtime.messages as `postgres`; what arrived, from the sockets.
 */
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  anonClient,
  assess,
  checkInvariantsAfterAll,
  createCast,
  createPerson,
  createTicket,
  ok,
  type Person,
  sql,
  sqlRow,
  stack,
} from './support.ts';

checkInvariantsAfterAll();

type Payload = Record<string, unknown>;

interface Joined {
  channel: RealtimeChannel;
  status: string;
  error?: string;
  /** Payloads of `changed` broadcasts, in arrival order. */
  heard: Payload[];
}

const open: { client: SupabaseClient; channel: RealtimeChannel }[] = [];
const anonymous = anonClient();

/**
 * Leaves every channel joined so far. supabase-js keeps one channel per topic and client (joining a topic
 * again returns the open channel), so each group of tests leaves its channels when it ends.
 */
async function leaveAll(): Promise<void> {
  for (const { client, channel } of open.splice(0, open.length)) await client.removeChannel(channel);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await pause(20);
  }
}

const authorized = new WeakSet<SupabaseClient>();
/** The socket joins with the session's token, as supabase-js does once its auth callback has run. */
async function realtimeClient(person: Person | null): Promise<SupabaseClient> {
  if (!person) return anonymous;
  if (!authorized.has(person.client)) {
    const { data } = await person.client.auth.getSession();
    if (!data.session) throw new Error('no session');
    await person.client.realtime.setAuth(data.session.access_token);
    authorized.add(person.client);
  }
  return person.client;
}

/**
 * Joins a private channel as the app does and reports the first status. A refused channel is removed at
 * once (supabase-js would otherwise keep rejoining it); a joined one stays open until the file ends.
 */
async function join(person: Person | null, topic: string, options: { presence?: boolean; ack?: boolean } = {}): Promise<Joined> {
  const client = await realtimeClient(person);
  const channel = client.channel(topic, {
    config: {
      private: true,
      ...(options.presence ? { presence: { key: person?.userId ?? '' } } : {}),
      ...(options.ack ? { broadcast: { ack: true } } : {}),
    },
  });
  const heard: Payload[] = [];
  channel.on('broadcast', { event: 'changed' }, (message) => heard.push(message.payload as Payload));
  if (options.presence) channel.on('presence', { event: 'sync' }, () => undefined);
  const outcome = await new Promise<{ status: string; error?: string }>((resolve) => {
    let done = false;
    channel.subscribe((status, error) => {
      if (done) return;
      done = true;
      resolve({ status, error: error?.message });
    });
  });
  if (outcome.status === 'SUBSCRIBED') open.push({ client, channel });
  else await client.removeChannel(channel);
  return { channel, heard, ...outcome };
}

/** How a join ended: SUBSCRIBED, or the error Realtime replied with. */
const outcomeOf = ({ status, error }: Joined) => (error === undefined ? { status } : { status, error });

const refusal = (topic: string) => ({
  status: 'CHANNEL_ERROR',
  error: `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`,
});

/** `queue` or `ticket`: the topic a stored broadcast of a ticket went to, without the ticket's id. */
const seenStored = new Set<string>();
async function storedSince(ticketId: string): Promise<string[]> {
  const rows = await sql<{ id: string; topic: string; payload: Payload }>(
    `select id::text, topic, payload from realtime.messages
      where extension = 'broadcast' and event = 'changed' and payload ->> 'ticket_id' = $1`,
    [ticketId],
  );
  const fresh = rows.filter((row) => !seenStored.has(row.id));
  for (const row of fresh) {
    seenStored.add(row.id);
    expect(row.topic === 'queue' || row.topic === `ticket:${ticketId}`, `topic ${row.topic}`).toBe(true);
  }
  return fresh.map((row) => `${row.topic === 'queue' ? 'queue' : 'ticket'} ${String(row.payload.reason)}`).sort();
}

/** The ids of the notifications made for a person since the last call. */
const seenNotifications = new Set<string>();
async function notificationsSince(person: Person): Promise<string[]> {
  const rows = await sql<{ id: string }>('select id::text from public.notifications where user_id = $1 order by id', [person.userId]);
  const fresh = rows.map((row) => row.id).filter((id) => !seenNotifications.has(id));
  for (const id of fresh) seenNotifications.add(id);
  return fresh;
}

/** Takes what a listener heard so far, so each step sees only its own messages. */
function drain(heard: Payload[], ticketId?: string): Payload[] {
  const taken = heard.splice(0, heard.length);
  return ticketId ? taken.filter((payload) => payload.ticket_id === ticketId) : taken;
}

const reasons = (payloads: Payload[]) => payloads.map((payload) => String(payload.reason)).sort();

let customer: Person;
let other: Person;
let engineer: Person;
let admin: Person;

beforeAll(async () => {
  ({ customer, engineer, admin } = await createCast());
  other = await createPerson();
  await adjustCredits(admin, customer.accountId, 100);
});

describe('who may join', () => {
  afterAll(leaveAll);

  let ticketId: string;
  let othersTicketId: string;

  beforeAll(async () => {
    ticketId = (await createTicket(customer, false)).id;
    othersTicketId = (await createTicket(other, false)).id;
  });

  it('staff join the queue and every ticket; customers neither the queue nor another customer\'s ticket', async () => {
    const [staffQueue, adminQueue, staffTicket, adminTicket, ownTicket, customerQueue, othersTicket, anonQueue, anonTicket] =
      await Promise.all([
        join(engineer, 'queue'),
        join(admin, 'queue'),
        join(engineer, `ticket:${ticketId}`),
        join(admin, `ticket:${othersTicketId}`),
        join(customer, `ticket:${ticketId}`),
        join(customer, 'queue'),
        join(customer, `ticket:${othersTicketId}`),
        join(null, 'queue'),
        join(null, `ticket:${ticketId}`),
      ]);
    for (const joined of [staffQueue, adminQueue, staffTicket, adminTicket, ownTicket]) expect(joined.status).toBe('SUBSCRIBED');
    expect(outcomeOf(customerQueue)).toEqual(refusal('queue'));
    expect(outcomeOf(othersTicket)).toEqual(refusal(`ticket:${othersTicketId}`));
    expect(outcomeOf(anonQueue)).toEqual(refusal('queue'));
    expect(outcomeOf(anonTicket)).toEqual(refusal(`ticket:${ticketId}`));
  });

  it('admits every member of the ticket\'s account, and no longer one who left it', async () => {
    const colleague = await createPerson();
    await sql("insert into public.account_members (account_id, user_id, role) values ($1, $2, 'member')", [customer.accountId, colleague.userId]);
    const joined = await join(colleague, `ticket:${ticketId}`);
    expect(joined.status).toBe('SUBSCRIBED');
    await colleague.client.removeChannel(joined.channel);

    await sql('delete from public.account_members where account_id = $1 and user_id = $2', [customer.accountId, colleague.userId]);
    expect(outcomeOf(await join(colleague, `ticket:${ticketId}`))).toEqual(refusal(`ticket:${ticketId}`));
  });

  it('user:<id> admits that user alone, staff included', async () => {
    const [own, staffOwn, customerOther, staffOther] = await Promise.all([
      join(customer, `user:${customer.userId}`),
      join(engineer, `user:${engineer.userId}`),
      join(customer, `user:${other.userId}`),
      join(engineer, `user:${customer.userId}`),
    ]);
    expect(own.status).toBe('SUBSCRIBED');
    expect(staffOwn.status).toBe('SUBSCRIBED');
    expect(outcomeOf(customerOther)).toEqual(refusal(`user:${other.userId}`));
    expect(outcomeOf(staffOther)).toEqual(refusal(`user:${customer.userId}`));
  });

  it('refuses every topic that is not exactly one of the shapes, even to staff', async () => {
    const missing = crypto.randomUUID();
    const malformed = [
      'ticket:not-a-uuid',
      `ticket:${ticketId.toUpperCase()}`,
      `ticket:${ticketId}x`,
      `ticket: ${ticketId}`,
      `ticket:${ticketId}:extra`,
      `ticket:${missing}`,
      `tickets:${ticketId}`,
      `ticket:${ticketId.replaceAll('-', '')}`,
      'ticket:',
      'QUEUE',
      'queue ',
      'queue:all',
      `user:${engineer.userId}x`,
      `user:${engineer.userId.toUpperCase()}`,
      'user:',
      "ticket:'; select 1; --",
    ];
    const outcomes = await Promise.all(malformed.map((topic) => join(engineer, topic)));
    expect(outcomes.map(outcomeOf)).toEqual(malformed.map(refusal));
  });
});

describe('presence on a ticket', () => {
  afterAll(leaveAll);

  it('is read and tracked by staff only: a customer neither sees engineers nor tracks', async () => {
    const ticketId = (await createTicket(customer, false)).id;
    const topic = `ticket:${ticketId}`;
    const [viewer, colleague] = [engineer, admin];

    const tracking = await join(viewer, topic, { presence: true });
    expect(tracking.status).toBe('SUBSCRIBED');
    expect(await tracking.channel.track({ user_id: viewer.userId, name: 'Engineer', state: 'viewing' })).toBe('ok');

    const [watching, customerSide] = await Promise.all([join(colleague, topic, { presence: true }), join(customer, topic, { presence: true })]);
    expect(watching.status).toBe('SUBSCRIBED');
    // The customer's channel is admitted for broadcasts; presence is simply not given to it.
    expect(customerSide.status).toBe('SUBSCRIBED');
    await until(() => Object.keys(watching.channel.presenceState()).includes(viewer.userId), 'staff presence state');

    expect(await tracking.channel.track({ user_id: viewer.userId, name: 'Engineer', state: 'replying' })).toBe('ok');
    await until(
      () => (watching.channel.presenceState()[viewer.userId] as { state?: string }[] | undefined)?.[0]?.state === 'replying',
      'the colleague to see the engineer replying',
    );
    expect(customerSide.channel.presenceState()).toEqual({});

    expect(await customerSide.channel.track({ user_id: customer.userId, name: 'Customer', state: 'viewing' })).toBe('error');
    await pause(300);
    expect(Object.keys(watching.channel.presenceState()).sort()).toEqual([viewer.userId]);
  });
});

describe('client broadcasts', () => {
  afterAll(leaveAll);

  it('are dropped on every topic: only the database announces', async () => {
    const ticketId = (await createTicket(customer, false)).id;
    const [listening, forging, staffForging, queueListening] = await Promise.all([
      join(engineer, `ticket:${ticketId}`),
      join(customer, `ticket:${ticketId}`, { ack: true }),
      join(admin, 'queue', { ack: true }),
      join(engineer, 'queue'),
    ]);
    for (const joined of [listening, forging, staffForging, queueListening]) expect(joined.status).toBe('SUBSCRIBED');
    const forged = { ticket_id: ticketId, reason: 'status' };
    // Realtime drops a broadcast the caller may not write without a word: the ack never comes.
    const [fromCustomer, fromStaff] = await Promise.all([
      forging.channel.send({ type: 'broadcast', event: 'changed', payload: forged }, { timeout: 1000 }),
      staffForging.channel.send({ type: 'broadcast', event: 'changed', payload: forged }, { timeout: 1000 }),
    ]);
    expect(fromCustomer).toBe('timed out');
    expect(fromStaff).toBe('timed out');
    await pause(300);
    expect(listening.heard).toEqual([]);
    expect(drain(queueListening.heard, ticketId)).toEqual([]);
  });
});

describe('what the database announces', () => {
  afterAll(leaveAll);

  let ticketId: string;
  let queue: Joined;
  let customerTicket: Joined;
  let staffTicket: Joined;
  let customerBell: Joined;
  let engineerBell: Joined;

  beforeAll(async () => {
    [queue, customerBell, engineerBell] = await Promise.all([
      join(engineer, 'queue'),
      join(customer, `user:${customer.userId}`),
      join(engineer, `user:${engineer.userId}`),
    ]);
    await notificationsSince(customer);
  });

  /**
   * One action: exactly `expected` stored (one per topic and reason), and delivered to the staff queue
   * and to both sides of the ticket, each payload {ticket_id, reason} (and Realtime's own id), nothing more.
   */
  async function expectAnnounced(action: () => Promise<unknown>, expected: { queue: string[]; ticket: string[] }): Promise<void> {
    await action();
    expect(await storedSince(ticketId)).toEqual(
      [...expected.queue.map((reason) => `queue ${reason}`), ...expected.ticket.map((reason) => `ticket ${reason}`)].sort(),
    );
    const count = (heard: Payload[]) => heard.filter((payload) => payload.ticket_id === ticketId).length;
    await until(
      () =>
        count(queue.heard) >= expected.queue.length &&
        count(customerTicket.heard) >= expected.ticket.length &&
        count(staffTicket.heard) >= expected.ticket.length,
      'the announcements',
    );
    await pause(300);
    const heardOnQueue = drain(queue.heard, ticketId);
    const heardByCustomer = drain(customerTicket.heard);
    const heardByStaff = drain(staffTicket.heard);
    for (const payload of [...heardOnQueue, ...heardByCustomer, ...heardByStaff]) {
      expect(payload).toEqual({ ticket_id: ticketId, reason: expect.any(String), id: expect.any(String) });
    }
    expect(reasons(heardOnQueue), 'queue').toEqual([...expected.queue].sort());
    expect(reasons(heardByCustomer), 'customer on ticket').toEqual([...expected.ticket].sort());
    expect(reasons(heardByStaff), 'staff on ticket').toEqual([...expected.ticket].sort());
  }

  /** The bell: exactly the notifications the action made for the person, as {notification_id}. */
  async function expectBell(person: Person, bell: Joined, minimum = 1): Promise<void> {
    const made = await notificationsSince(person);
    expect(made.length).toBeGreaterThanOrEqual(minimum);
    await until(() => made.every((id) => bell.heard.some((payload) => payload.notification_id === id)), 'the bell');
    await pause(200);
    const heard = drain(bell.heard).filter((payload) => made.includes(String(payload.notification_id)));
    expect(heard.map((payload) => payload.notification_id).sort()).toEqual([...made].sort());
    for (const payload of heard) expect(payload).toEqual({ notification_id: expect.any(String), id: expect.any(String) });
  }

  it('a new ticket: `created` on the queue only, and the new_ticket notice on each engineer\'s user topic', async () => {
    ticketId = (await createTicket(customer, false)).id;
    expect(await storedSince(ticketId)).toEqual(['queue created']);
    await until(() => queue.heard.some((payload) => payload.ticket_id === ticketId), 'the queue');
    await pause(200);
    expect(drain(queue.heard, ticketId)).toEqual([{ ticket_id: ticketId, reason: 'created', id: expect.any(String) }]);

    const notice = await sqlRow<{ id: string }>(
      "select id::text from public.notifications where user_id = $1 and ticket_id = $2 and kind = 'new_ticket'",
      [engineer.userId, ticketId],
    );
    await until(() => engineerBell.heard.some((payload) => payload.notification_id === notice.id), 'the engineer\'s bell');
    expect(engineerBell.heard.filter((payload) => payload.notification_id === notice.id)).toHaveLength(1);
    drain(engineerBell.heard);

    [customerTicket, staffTicket] = await Promise.all([join(customer, `ticket:${ticketId}`), join(admin, `ticket:${ticketId}`)]);
    expect([customerTicket.status, staffTicket.status]).toEqual(['SUBSCRIBED', 'SUBSCRIBED']);
  });

  it('a customer\'s message: `message` to both sides', async () => {
    await expectAnnounced(
      async () => ok(await customer.client.rpc('post_message', { p_ticket_id: ticketId, p_body: 'Any news?' }), 'post_message'),
      { queue: ['message'], ticket: ['message'] },
    );
  });

  it('an internal note: `message` on the queue only, never on the ticket', async () => {
    await expectAnnounced(
      async () =>
        ok(await engineer.client.rpc('post_message', { p_ticket_id: ticketId, p_body: 'Looks like the cache.', p_internal: true }), 'internal note'),
      { queue: ['message'], ticket: [] },
    );
  });

  it('an assessment: one `quote` and one `status` per topic however many rows it writes, and the customer\'s bell', async () => {
    // The assessor becomes the assignee, which only staff hear of.
    await expectAnnounced(() => assess(engineer, ticketId, 'configuration'), {
      queue: ['assigned', 'quote', 'status'],
      ticket: ['quote', 'status'],
    });
    await expectBell(customer, customerBell);
  });

  it('a confirmed quote: `status`, `quote` and `charge` to both sides', async () => {
    const { quoted_credits } = await sqlRow<{ quoted_credits: number }>('select quoted_credits from public.tickets where id = $1', [ticketId]);
    await expectAnnounced(
      async () => ok(await customer.client.rpc('confirm_quote', { p_ticket_id: ticketId, p_credits: quoted_credits }), 'confirm_quote'),
      { queue: ['charge', 'quote', 'status'], ticket: ['charge', 'quote', 'status'] },
    );
  });

  it('an assignment: `assigned` on the queue only', async () => {
    await expectAnnounced(
      async () => ok(await engineer.client.rpc('assign_ticket', { p_ticket_id: ticketId, p_assignee_id: admin.userId }), 'assign_ticket'),
      { queue: ['assigned'], ticket: [] },
    );
  });

  it('a staff reply: `message` to both sides and the customer\'s bell', async () => {
    await expectAnnounced(
      async () => ok(await engineer.client.rpc('post_message', { p_ticket_id: ticketId, p_body: 'Fixed it.' }), 'reply'),
      { queue: ['message'], ticket: ['message'] },
    );
    await expectBell(customer, customerBell);
  });

  it('files: finished and hidden reach both sides; a hidden file\'s later change reaches staff only', async () => {
    // The upload itself goes through Storage (28-attachments.test.ts); the announcement depends only on the
    // row, so the row is written here as the upload would leave it.
    const { id } = await sqlRow<{ id: string }>(
      `insert into public.ticket_attachments (id, ticket_id, account_id, object_name, file_name, content_type, size_bytes, uploaded_by)
       select a.id, $1::uuid, $2::uuid, $1::text || '/' || a.id, 'log.txt', 'text/plain', 10, $3::uuid from (select gen_random_uuid() as id) a
       returning id::text`,
      [ticketId, customer.accountId, customer.userId],
    );
    expect(await storedSince(ticketId), 'a pending upload is the uploader\'s alone').toEqual([]);
    await expectAnnounced(
      () => sql("update public.ticket_attachments set status = 'ready', completed_at = now() where id = $1", [id]),
      { queue: ['attachment'], ticket: ['attachment'] },
    );
    await expectAnnounced(
      async () => ok(await engineer.client.rpc('set_attachment_internal', { p_id: id, p_internal: true }), 'set_attachment_internal'),
      { queue: ['attachment'], ticket: ['attachment'] },
    );
    await expectAnnounced(
      () => sql("update public.ticket_attachments set status = 'discarded' where id = $1", [id]),
      { queue: ['attachment'], ticket: [] },
    );
  });

  it('a resolution: `status` to both sides', async () => {
    await expectAnnounced(
      async () => ok(await engineer.client.rpc('resolve_ticket', { p_ticket_id: ticketId }), 'resolve_ticket'),
      { queue: ['status'], ticket: ['status'] },
    );
  });
});

describe('transactions', () => {
  afterAll(leaveAll);

  /** A connection acting as `person` the way PostgREST runs a request. */
  async function asPerson(db: pg.Client, person: Person): Promise<void> {
    await db.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [
      JSON.stringify({ sub: person.userId, role: 'authenticated' }),
    ]);
  }

  it('a rolled-back action sends nothing; a rolled-back savepoint takes back what it sent; the next transaction starts afresh', async () => {
    const ticketId = (await createTicket(customer, false)).id;
    await storedSince(ticketId);
    const listening = await join(customer, `ticket:${ticketId}`);
    expect(listening.status).toBe('SUBSCRIBED');

    const db = new pg.Client({ connectionString: stack.dbUrl });
    await db.connect();
    try {
      await db.query('begin');
      await asPerson(db, customer);
      await db.query("select public.post_message($1, 'never sent')", [ticketId]);
      await db.query('rollback');

      // Had the savepoint's send stayed marked as done, the second message would be coalesced away.
      await db.query('begin');
      await asPerson(db, customer);
      await db.query('savepoint first_try');
      await db.query("select public.post_message($1, 'taken back')", [ticketId]);
      await db.query('rollback to savepoint first_try');
      await db.query("select public.post_message($1, 'kept')", [ticketId]);
      await db.query('commit');

      // The same connection, as PostgREST reuses its connections: what was sent before does not count.
      await db.query('begin');
      await asPerson(db, customer);
      await db.query("select public.post_message($1, 'and another')", [ticketId]);
      await db.query('commit');
    } finally {
      await db.end();
    }
    expect(await storedSince(ticketId)).toEqual(['queue message', 'queue message', 'ticket message', 'ticket message']);
    await until(() => listening.heard.length >= 2, 'the two committed messages');
    await pause(400);
    expect(listening.heard).toEqual([
      { ticket_id: ticketId, reason: 'message', id: expect.any(String) },
      { ticket_id: ticketId, reason: 'message', id: expect.any(String) },
    ]);
  });

  it('an announcement that cannot be stored does not fail the action', async () => {
    const ticketId = (await createTicket(customer, false)).id;
    await storedSince(ticketId);
    const db = new pg.Client({ connectionString: stack.dbUrl });
    await db.connect();
    try {
      await db.query('begin');
      // Every broadcast fails for the rest of this transaction (rolled back below, constraint included).
      await db.query('alter table realtime.messages add constraint live_test_refuse_all check (false) not valid');
      await asPerson(db, customer);
      const posted = await db.query<{ id: string }>("select id::text from public.post_message($1, 'still posted')", [ticketId]);
      await db.query('reset role');
      expect(posted.rows).toHaveLength(1);
      const stored = await db.query('select 1 from public.ticket_messages where id = $1', [posted.rows[0]?.id]);
      expect(stored.rows).toHaveLength(1);
    } finally {
      await db.query('rollback');
      await db.end();
    }
    expect(await storedSince(ticketId)).toEqual([]);
  });
});
