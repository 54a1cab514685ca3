/**
 * Mail end to end on a stack of its own serving supabase/functions: an event enqueues mail in the
 * database, send-mail (called as the database calls it, with the service role) delivers it over SMTP
 * with the headers a mail client needs, a reply sent to its Reply-To address reaches the ticket thread
 * through the catcher's stand-in for the provider's inbound route, a forged inbound POST changes
 * nothing, the one-click unsubscribe stops that kind, and an SMTP server that cannot be reached makes
 * the message retry and then go dead for an admin to see.
 *
 * The functions send to a mail catcher this test starts and stops (so "SMTP unreachable" is a closed
 * port); replies go in through the stack's own catcher, which forwards mail for the reply domain to
 * inbound-email as Mailgun would.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../local/core/ports.ts';
import { LOCAL_INBOUND_EMAIL_DOMAIN, localMailDefaults } from '../local/functions/env.ts';
import { startMailService, type MailService } from '../local/mail/index.ts';
import { startThrowawayStack } from '../local/tooling/throwaway-stack.ts';
import { enrolTotp } from './staff-factor.ts';

const SITE_URL = 'http://app.pro-portal.test';
const PASSWORD = 'correct-horse-battery';
const noPersistence = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };
const quietLog = { info() {}, error() {} };

type Stack = Awaited<ReturnType<typeof startThrowawayStack>>;
let stack: Stack;
let pool: pg.Pool;
let outbound: MailService | undefined;
let outboundPort: number;
const outboundDir = mkdtempSync(join(tmpdir(), 'pro-portal-mail-out-'));

const sql = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await pool.query<T>(text, values)).rows;

async function startOutbound() {
  outbound = await startMailService({ dataDir: outboundDir, port: 0, smtpPort: outboundPort, log: quietLog });
}
async function stopOutbound() {
  await outbound?.close();
  outbound = undefined;
}

interface Person {
  client: SupabaseClient;
  userId: string;
  email: string;
  accountId: string;
}

let counter = 0;
async function person(role: 'customer' | 'engineer' | 'admin'): Promise<Person> {
  const email = `mail-${role}-${Date.now()}-${++counter}@example.com`;
  const admin = createClient(stack.apiUrl, stack.keys.serviceRoleKey, noPersistence);
  const created = await admin.auth.admin.createUser({ email, password: PASSWORD, email_confirm: true, user_metadata: { full_name: `Test ${role}` } });
  if (created.error) throw created.error;
  const userId = created.data.user.id;
  if (role !== 'customer') await sql('update public.profiles set role = $2 where id = $1', [userId, role]);
  const client = createClient(stack.apiUrl, stack.keys.anonKey, noPersistence);
  const signedIn = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (signedIn.error) throw signedIn.error;
  // Staff rights need a second factor.
  if (role !== 'customer') await enrolTotp(client);
  const [membership] = await sql<{ account_id: string }>("select account_id from public.account_members where user_id = $1 and role = 'owner'", [userId]);
  return { client, userId, email, accountId: membership!.account_id };
}

function ok<T>(result: { data: T; error: unknown }, what: string): T {
  if (result.error) throw new Error(`${what}: ${JSON.stringify(result.error)}`);
  return result.data;
}

async function sendMail(key = stack.keys.serviceRoleKey): Promise<Response> {
  return fetch(`${stack.apiUrl}/functions/v1/send-mail`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, apikey: stack.keys.anonKey, 'Content-Type': 'application/json' },
    body: '{}',
  });
}

interface Summary {
  ID: string;
  Subject: string;
  To: Array<{ Address: string }>;
}

async function inbox(mail: { url: string }, to: string): Promise<Summary[]> {
  const response = await fetch(`${mail.url}/api/v1/search?query=${encodeURIComponent(`to:"${to}"`)}`);
  return ((await response.json()) as { messages: Summary[] }).messages;
}

async function headersOf(mail: { url: string }, id: string): Promise<Record<string, string[]>> {
  return (await (await fetch(`${mail.url}/api/v1/message/${id}/headers`)).json()) as Record<string, string[]>;
}

async function eventually<T>(what: string, read: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Delivers what is due, and waits for a mail matching `subject` to `to` in the outbound catcher. */
async function deliveredTo(to: string, subject: RegExp): Promise<Summary> {
  return eventually(`a mail "${subject.source}" to ${to}`, async () => {
    const response = await sendMail();
    expect(response.status, await response.clone().text()).toBe(200);
    return (await inbox(outbound!, to)).find((m) => subject.test(m.Subject));
  });
}

let customer: Person;
let engineer: Person;
let admin: Person;
let ticketId: string;
let ticketNumber: number;

beforeAll(async () => {
  outboundPort = await freePort();
  await startOutbound();
  stack = await startThrowawayStack({
    label: 'mail',
    supabaseDir: join(import.meta.dirname, '..'),
    functionsEnv: { SITE_URL, SMTP_URL: `smtp://127.0.0.1:${outboundPort}` },
  });
  pool = new pg.Pool({ connectionString: stack.dbUrl, max: 4 });
  pool.on('error', () => {});
  // This test calls send-mail itself, to count attempts; the automatic delivery (a trigger on the
  // outbox calling send-mail through pg_net, and the pg_cron job) would race it, so it is off here.
  await sql(`do $$ begin
    execute 'alter table app.mail_outbox disable trigger user';
    if to_regclass('cron.job') is not null then execute 'update cron.job set active = false'; end if;
  end $$`);
  // Boot the workers now, inside beforeAll's timeout: the first boot downloads React Email and nodemailer.
  for (const name of ['send-mail', 'unsubscribe', 'inbound-email']) {
    const preflight = await fetch(`${stack.apiUrl}/functions/v1/${name}`, { method: 'OPTIONS' });
    expect(preflight.ok, `${name} boots`).toBe(true);
  }
  // Requests the seed's mail queued before the trigger was off still reach send-mail: drop those not yet
  // sent, drain the outbox once, and give a call already under way a moment to find nothing due and end.
  await sql('delete from net.http_request_queue');
  await eventually(
    "the seed's mail drained",
    async () => {
      expect((await sendMail()).status).toBe(200);
      const [left] = await sql<{ n: number }>("select count(*)::int as n from app.mail_outbox where status in ('pending', 'sending')");
      return left!.n === 0 ? true : undefined;
    },
    60_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  [customer, engineer, admin] = await Promise.all([person('customer'), person('engineer'), person('admin')]);
  ok(await admin.client.rpc('adjust_credits', { p_account_id: customer.accountId, p_amount: 20, p_note: 'test', p_idempotency_key: crypto.randomUUID() }), 'adjust_credits');
  const created = ok(
    await customer.client.rpc('create_ticket', { p_subject: 'Printer <b>jammed</b>', p_body: 'It prints blank pages.', p_pre_approved: true }).single<{ id: string; number: number }>(),
    'create_ticket',
  )!;
  ticketId = created.id;
  ticketNumber = created.number;
  ok(await engineer.client.rpc('assess_ticket', { p_ticket_id: ticketId, p_category: 'configuration', p_credits: null }), 'assess_ticket');
}, 240_000);

afterAll(async () => {
  await pool?.end();
  await stack?.stop();
  await stopOutbound();
  rmSync(outboundDir, { recursive: true, force: true });
});

describe('send-mail', () => {
  it('refuses callers other than the service role, and claims nothing for them', async () => {
    const before = await sql<{ n: number }>("select count(*)::int as n from app.mail_outbox where status = 'pending'");
    const anon = await sendMail(stack.keys.anonKey);
    expect(anon.status).toBe(403);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const signedIn = (await customer.client.auth.getSession()).data.session!.access_token;
    expect((await sendMail(signedIn)).status).toBe(403);
    expect(await sql<{ n: number }>("select count(*)::int as n from app.mail_outbox where status = 'pending'")).toEqual(before);
  });

  it('delivers the engineer\'s answer with Reply-To, one-click List-Unsubscribe and a stable Message-ID', async () => {
    ok(await engineer.client.rpc('post_message', { p_ticket_id: ticketId, p_body: 'Try the *Clean heads* tool.' }), 'engineer answers');
    const mail = await deliveredTo(customer.email, /New reply on ticket/);
    const headers = await headersOf(outbound!, mail.ID);
    expect(headers['Reply-To']?.[0]).toMatch(new RegExp(`^reply\\+[0-9a-f]{64}@${LOCAL_INBOUND_EMAIL_DOMAIN.replace(/\./g, '\\.')}$`));
    expect(headers['List-Unsubscribe']?.join(' ')).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/functions\/v1\/unsubscribe\?token=[0-9a-f]{64}&kind=answered>, <mailto:unsubscribe\+answered\.[0-9a-f]{64}@reply\.pro-portal\.test>$/);
    expect(headers['List-Unsubscribe-Post']).toEqual(['List-Unsubscribe=One-Click']);
    expect(headers['Auto-Submitted']).toEqual(['auto-generated']);
    const messageId = Object.entries(headers).find(([name]) => name.toLowerCase() === 'message-id')?.[1][0];
    expect(messageId).toMatch(/^<[0-9a-f]{32}@pro-portal\.test>$/);
    const [row] = await sql<{ status: string; attempts: number }>(
      "select status, attempts from app.mail_outbox where kind = 'answered' and to_email = $1",
      [customer.email],
    );
    expect(row).toEqual({ status: 'sent', attempts: 1 });
    const text = await (await fetch(`${outbound!.url}/view/${mail.ID}.txt`)).text();
    expect(text).toContain(`${SITE_URL}/portal/tickets/${ticketNumber}`);
  });
});

describe('replies by e-mail', () => {
  async function replyAddress(): Promise<string> {
    const mail = (await inbox(outbound!, customer.email)).find((m) => /New reply on ticket/.test(m.Subject));
    return (await headersOf(outbound!, mail!.ID))['Reply-To']![0]!;
  }
  const smtpToStack = () => nodemailer.createTransport({ host: '127.0.0.1', port: stack.smtpPort!, secure: false, ignoreTLS: true });
  const messages = async () =>
    sql<{ body: string; author_id: string }>('select body, author_id from public.ticket_messages where ticket_id = $1 order by created_at', [ticketId]);

  it('a reply to the Reply-To address appears in the thread, without the quoted mail or signature', async () => {
    await smtpToStack().sendMail({
      from: `Customer <${customer.email.toUpperCase()}>`,
      to: await replyAddress(),
      subject: `Re: New reply on ticket #${ticketNumber}`,
      text: 'That worked, thank you!\n\n-- \nA. Customer\n\nOn Fri, Dec 4, 2026 at 10:02 AM Pro Portal <support@pro-portal.test> wrote:\n> Try the *Clean heads* tool.',
      messageId: `<reply-${Date.now()}@example.com>`,
    });
    const posted = await eventually('the reply in the thread', async () => (await messages()).find((m) => m.body === 'That worked, thank you!'));
    expect(posted.author_id).toBe(customer.userId);
  });

  it('a reply from another address is refused: nothing posted, and the sender is told why', async () => {
    const before = await messages();
    const stranger = `stranger-${Date.now()}@example.com`;
    await smtpToStack().sendMail({ from: stranger, to: await replyAddress(), subject: 'Re: hi', text: 'Let me in.', messageId: `<stranger-${Date.now()}@example.com>` });
    const refusal = await deliveredTo(stranger, /was not added/);
    expect(refusal.Subject).toBe('Your e-mail reply was not added');
    expect(await messages()).toEqual(before);
  });

  /** A POST as Mailgun's route makes it, signed with the key the local stack gives the functions. */
  async function signedInbound(fields: Record<string, string>, token = randomBytes(25).toString('hex')): Promise<Response> {
    const key = localMailDefaults(stack.keys.jwtSecret, undefined).MAILGUN_WEBHOOK_SIGNING_KEY!;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', key).update(timestamp + token).digest('hex');
    return fetch(`${stack.apiUrl}/functions/v1/inbound-email`, { method: 'POST', body: new URLSearchParams({ ...fields, timestamp, token, signature }) });
  }

  it('an automatic reply (vacation notice) is acknowledged and ignored: nothing posted, nobody answered', async () => {
    const before = { messages: await messages(), outbox: await sql('select count(*)::int as n from app.mail_outbox') };
    const response = await signedInbound({
      recipient: await replyAddress(),
      sender: customer.email,
      from: customer.email,
      subject: 'Out of office',
      'body-plain': 'I am away until Monday.',
      'Message-Id': `<ooo-${Date.now()}@example.com>`,
      'message-headers': JSON.stringify([['Auto-Submitted', 'auto-replied']]),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ignored', reason: 'automatic_mail', ticket_number: null });
    expect({ messages: await messages(), outbox: await sql('select count(*)::int as n from app.mail_outbox') }).toEqual(before);
  });

  it('mail to an address of the reply domain that is no reply address is not answered (no backscatter)', async () => {
    const before = await sql('select count(*)::int as n from app.mail_outbox');
    const response = await signedInbound({
      recipient: `support@${LOCAL_INBOUND_EMAIL_DOMAIN}`,
      sender: 'forged@example.com',
      from: 'forged@example.com',
      subject: 'Cheap pills',
      'body-plain': 'spam',
      'Message-Id': `<spam-${Date.now()}@example.com>`,
    });
    expect(await response.json()).toEqual({ status: 'unknown_address', ticket_number: null });
    expect(await sql('select count(*)::int as n from app.mail_outbox')).toEqual(before);
  });

  it('a reply address with an unknown token is refused, and the sender told', async () => {
    const sender = `lost-${Date.now()}@example.com`;
    const response = await signedInbound({
      recipient: `reply+${'0'.repeat(64)}@${LOCAL_INBOUND_EMAIL_DOMAIN}`,
      sender,
      from: sender,
      subject: 'Re: old ticket',
      'body-plain': 'Hello?',
      'Message-Id': `<lost-${Date.now()}@example.com>`,
    });
    expect(await response.json()).toEqual({ status: 'unknown_address', ticket_number: null });
    expect(await sql("select kind from app.mail_outbox where to_email = $1", [sender])).toEqual([{ kind: 'reply_refused' }]);
  });

  it('a redelivered mail is posted once; a replayed signature is refused', async () => {
    const fields = {
      recipient: await replyAddress(),
      sender: customer.email,
      from: customer.email,
      subject: 'Re: once',
      'body-plain': 'Only once, please.',
      'Message-Id': `<once-${Date.now()}@example.com>`,
    };
    const token = randomBytes(25).toString('hex');
    const first = await signedInbound(fields, token);
    expect(await first.json()).toEqual({ status: 'posted', ticket_number: ticketNumber });
    const replay = await signedInbound(fields, token);
    expect(replay.status).toBe(401);
    const redelivery = await signedInbound(fields);
    expect(await redelivery.json()).toEqual({ status: 'duplicate', ticket_number: ticketNumber });
    expect((await messages()).filter((m) => m.body === 'Only once, please.')).toHaveLength(1);
  });

  it('a forged inbound POST (bad signature) is refused with 401 and changes nothing', async () => {
    const before = { messages: await messages(), outbox: await sql('select count(*)::int as n from app.mail_outbox') };
    const form = new URLSearchParams({
      recipient: await replyAddress(),
      sender: customer.email,
      from: customer.email,
      subject: 'Re: forged',
      'body-plain': 'Forged message',
      'Message-Id': '<forged@example.com>',
      timestamp: String(Math.floor(Date.now() / 1000)),
      token: 'a'.repeat(50),
      signature: '0'.repeat(64),
    });
    const response = await fetch(`${stack.apiUrl}/functions/v1/inbound-email`, { method: 'POST', body: form });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    expect({ messages: await messages(), outbox: await sql('select count(*)::int as n from app.mail_outbox') }).toEqual(before);
  });
});

describe('one-click unsubscribe', () => {
  it('GET changes nothing and leads to the app\'s page; POST with List-Unsubscribe=One-Click stops that kind', async () => {
    const mail = (await inbox(outbound!, customer.email)).find((m) => /New reply on ticket/.test(m.Subject))!;
    const url = /^<([^>]+)>/.exec((await headersOf(outbound!, mail.ID))['List-Unsubscribe']!.join(' '))![1]!;

    const get = await fetch(url, { redirect: 'manual' });
    expect(get.status).toBe(303);
    expect(get.headers.get('location')).toMatch(new RegExp(`^${SITE_URL}/unsubscribe\\?token=[0-9a-f]{64}&kind=answered$`));
    expect(await sql('select delivery from public.notification_preferences where user_id = $1 and kind = $2', [customer.userId, 'answered'])).toEqual([]);

    const post = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(post.status, await post.clone().text()).toBe(200);
    expect(await post.json()).toMatchObject({ kind: 'answered', delivery: 'never' });

    ok(await engineer.client.rpc('post_message', { p_ticket_id: ticketId, p_body: 'Anything else?' }), 'engineer answers again');
    expect(await sql("select count(*)::int as n from app.mail_outbox where kind = 'answered' and to_email = $1", [customer.email])).toEqual([{ n: 1 }]);
    expect((await sendMail()).status).toBe(200);
    expect((await inbox(outbound!, customer.email)).filter((m) => /New reply on ticket/.test(m.Subject))).toHaveLength(1);
  });

  it('the mailto in List-Unsubscribe works too: a mail to it turns the kind off', async () => {
    const mail = (await inbox(outbound!, customer.email)).find((m) => /New reply on ticket/.test(m.Subject))!;
    const mailto = /<mailto:unsubscribe\+answered\.([0-9a-f]{64})@([^>]+)>/.exec((await headersOf(outbound!, mail.ID))['List-Unsubscribe']!.join(' '))!;
    const [, token, domain] = mailto;
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: stack.smtpPort!, secure: false, ignoreTLS: true })
      .sendMail({ from: customer.email, to: `unsubscribe+charged.${token}@${domain}`, subject: 'unsubscribe', text: 'unsubscribe' });
    const row = await eventually('the preference', async () =>
      (await sql<{ delivery: string }>('select delivery from public.notification_preferences where user_id = $1 and kind = $2', [customer.userId, 'charged']))[0],
    );
    expect(row.delivery).toBe('never');
  });

  it('a damaged link is a 400 that says so', async () => {
    const response = await fetch(`${stack.apiUrl}/functions/v1/unsubscribe`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: 'x', kind: 'answered' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_unsubscribe_token');
    const unknown = await fetch(`${stack.apiUrl}/functions/v1/unsubscribe`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: 'f'.repeat(64), kind: 'answered' }),
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('invalid_unsubscribe_token');
  });
});

describe('an SMTP server that cannot be reached', () => {
  it('makes the message retry with backoff, then go dead for an admin to see', async () => {
    await stopOutbound();
    try {
      ok(await engineer.client.rpc('resolve_ticket', { p_ticket_id: ticketId }), 'resolve');
      const row = async () =>
        (await sql<{ id: number; status: string; attempts: number; due_in: number; last_error: string }>(
          `select id::int as id, status, attempts, extract(epoch from next_attempt_at - now())::int as due_in, last_error
           from app.mail_outbox where kind = 'resolved' and to_email = $1`,
          [customer.email],
        ))[0];
      expect((await row())?.status).toBe('pending');
      const first = await sendMail();
      expect(((await first.json()) as { failed: number }).failed).toBeGreaterThanOrEqual(1);
      const afterFirst = (await row())!;
      expect(afterFirst).toMatchObject({ status: 'retry', attempts: 1 });
      expect(afterFirst.due_in).toBeGreaterThan(20);
      expect(afterFirst.last_error).toMatch(/ECONNREFUSED/);
      // Not due yet: a second call leaves it alone.
      await sendMail();
      expect((await row())!.attempts).toBe(1);
      // Time passes: each retry becomes due in turn, until the attempts run out.
      for (let attempt = 2; attempt <= 6; attempt++) {
        await sql("update app.mail_outbox set next_attempt_at = now() where kind = 'resolved' and to_email = $1", [customer.email]);
        await sendMail();
        expect((await row())!.attempts).toBe(attempt);
      }
      expect((await row())!.status).toBe('dead');
      const failures = ok(await admin.client.rpc('admin_mail_failures'), 'admin_mail_failures') as Array<{ id: number; status: string; kind: string }>;
      expect(failures).toContainEqual(expect.objectContaining({ id: (await row())!.id, status: 'dead', kind: 'resolved' }));
    } finally {
      await startOutbound();
    }
  });
});

describe('an address that cannot receive mail', () => {
  it('is a permanent failure: dead after one attempt, and the address suppressed', async () => {
    // The database accepts this address's shape; the sender refuses it (two dots in a row), as a
    // receiving server would refuse a mailbox that does not exist.
    const address = `bad..address-${Date.now()}@example.com`;
    await sql(
      `insert into app.mail_outbox (dedupe_key, kind, user_id, to_email, data)
       values ($1, 'low_balance', $2, $3, '{"balance": 1}')`,
      [`low_balance:test:${address}`, customer.userId, address],
    );
    const response = await sendMail();
    expect(response.status).toBe(200);
    const [row] = await sql<{ status: string; attempts: number; last_error: string }>(
      'select status, attempts, last_error from app.mail_outbox where to_email = $1',
      [address],
    );
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row!.last_error).toMatch(/invalid recipient address/);
    expect(await sql('select email from app.mail_suppressions where email = $1', [address])).toEqual([{ email: address }]);
    expect(await inbox(outbound!, address)).toEqual([]);
  });
});
