/**
 * Mail delivery (issue 14). Run with `npm run bench:mail` (also part of `npm run bench`); writes
 * bench/results/mail.json and prints Markdown rows for bench/README.md.
 *
 * A throwaway stack serving the project's own supabase/functions and its own mail catcher (the functions
 * send there by default), with delivery as the app has it: the event's transaction writes the outbox row,
 * its trigger asks pg_net for a send-mail call after commit, send-mail claims, renders and sends over SMTP.
 * The event is an engineer's answer on a customer's ticket (`post_message`, as the staff page calls it):
 * exactly one `answered` mail, to the ticket's customer, so every event is one expected mail.
 *  1. Latency: one answer at a time, each measured alone (the previous mail delivered and a pause), from
 *     the API call's return (the commit) to the catcher's `Created` — the catcher's own receipt time, so
 *     the number does not depend on how often the bench polls, and the same field the CLI's Mailpit has.
 *     The stack runs in this process, so both clocks are the same clock.
 *  2. Burst: 1,000 answers from 8 engineers' clients at once, as fast as the API takes them, then the
 *     time until all 1,000 mails are in the catcher; no duplicate and no loss, checked by outbox row,
 *     by Message-ID (send-mail derives it from the dedupe key) and by recipient.
 *  3. Backlog: 1,000 answers committed with delivery off (as after an SMTP outage), then drained by
 *     send-mail called as pg_cron calls it: what one drainer sends per second. Same checks.
 * Where the time goes comes from the outbox (created, sent), a trigger this bench adds to its throwaway
 * database that notes when each row is claimed, and pg_net's responses (one per send-mail call, with its
 * `{sent, failed}`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { startThrowawayStack } from '@pro-portal/supabase-local';

const SUPABASE_DIR = join(import.meta.dirname, '..', 'supabase');
const SAMPLES = Number(process.env.BENCH_MAIL_SAMPLES ?? 60);
const BURST = Number(process.env.BENCH_MAIL_BURST ?? 1000);
const CUSTOMERS = 10;
const TICKETS_EACH = 5;
const ENGINEERS = 8;
const PAUSE_MS = 300;
const MESSAGE_ID_DOMAIN = 'pro-portal.test';
const PASSWORD = 'correct-horse-battery';
const noPersistence = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };
const RUN = Date.now().toString(36);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, min: sorted[0] ?? NaN, p50: at(sorted, 0.5), p95: at(sorted, 0.95), max: sorted.at(-1) ?? NaN };
}
const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);

/** send-mail's Message-ID for a dedupe key (supabase/functions/_shared/mail/headers.ts, messageIdFor). */
const messageIdOf = (dedupeKey: string) => `${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}@${MESSAGE_ID_DOMAIN}`;

interface Summary {
  ID: string;
  MessageID: string;
  To: Array<{ Address: string }>;
  Subject: string;
  Created: string;
}

function ok<T>(result: { data: T; error: unknown }, what: string): T {
  if (result.error) throw new Error(`${what}: ${JSON.stringify(result.error)}`);
  return result.data;
}

const stack = await startThrowawayStack({ label: 'bench-mail', supabaseDir: SUPABASE_DIR });
const pool = new pg.Pool({ connectionString: stack.dbUrl, max: 4 });
pool.on('error', () => {});
const sql = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await pool.query<T>(text, values)).rows;
const mailUrl = stack.mailUrl!;
// Instrumentation of this throwaway database only: when send-mail's claim marks a row `sending`, note the
// time (service_role_mail_sent clears locked_until and rewrites updated_at, so the row alone forgets it).
await sql(`
  create schema bench;
  create table bench.claims (id bigint not null, claimed_at timestamptz not null default clock_timestamp(), tx bigint not null default txid_current());
  create function bench.note_claim() returns trigger language plpgsql security definer set search_path = '' as $$
  begin insert into bench.claims (id) values (new.id); return null; end $$;
  create trigger bench_note_claim after update on app.mail_outbox for each row
    when (new.status = 'sending' and old.status is distinct from 'sending') execute function bench.note_claim();`);

async function catcher(path: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(`${mailUrl}${path}`, init);
  if (!response.ok) throw new Error(`catcher ${path}: ${response.status} ${await response.text()}`);
  return response.headers.get('content-type')?.includes('json') ? response.json() : response.text();
}
async function allMail(): Promise<Summary[]> {
  const messages: Summary[] = [];
  for (let start = 0; ; start += 500) {
    const page = (await catcher(`/api/v1/messages?start=${start}&limit=500`)) as { messages: Summary[] };
    messages.push(...page.messages);
    if (page.messages.length < 500) return messages;
  }
}
const mailCount = async () => ((await catcher('/api/v1/messages?limit=1')) as { total: number }).total;

/** Waits until nothing is due or being sent, so what follows starts on an idle outbox. */
async function outboxSettled(timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await sql<{ n: number }>("select count(*)::int as n from app.mail_outbox where status in ('pending', 'retry', 'sending')");
    if (row!.n === 0) return;
    if (Date.now() > end) throw new Error(`${row!.n} mails still due or in flight after ${timeoutMs} ms`);
    await sleep(200);
  }
}

interface Person {
  client: SupabaseClient;
  userId: string;
  email: string;
}
const admin = createClient(stack.apiUrl, stack.keys.serviceRoleKey, noPersistence);
async function person(role: 'customer' | 'engineer', n: number): Promise<Person> {
  const email = `bench-${role}-${n}-${RUN}@example.com`;
  const created = await admin.auth.admin.createUser({ email, password: PASSWORD, email_confirm: true, user_metadata: { full_name: `Bench ${role} ${n}` } });
  if (created.error) throw created.error;
  // Staff roles are set the way the console does it (the seed does the same).
  if (role === 'engineer') await sql("update public.profiles set role = 'engineer' where id = $1", [created.data.user.id]);
  const client = createClient(stack.apiUrl, stack.keys.anonKey, noPersistence);
  const signedIn = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (signedIn.error) throw signedIn.error;
  return { client, userId: created.data.user.id, email };
}

/** An engineer's answer through the API; resolves when the call returns, i.e. after the commit. */
async function answer(engineer: Person, ticketId: string, marker: string): Promise<number> {
  ok(await engineer.client.rpc('post_message', { p_ticket_id: ticketId, p_body: `Try this. ${marker}` }), 'post_message');
  return Date.now();
}

interface Row {
  dedupe_key: string;
  to_email: string;
  status: string;
  attempts: number;
  marker: string;
  created: number;
  claimed: number;
  sent: number | null;
  claim_tx: string;
}
async function outboxRows(markerPrefix: string): Promise<Row[]> {
  return sql<Row>(
    `select dedupe_key, to_email, status, attempts, substring(data->>'message' from '(bench-[a-z0-9-]+)') as marker,
            (extract(epoch from created_at) * 1000)::float8 as created,
            (select extract(epoch from min(c.claimed_at)) * 1000 from bench.claims c where c.id = o.id)::float8 as claimed,
            (extract(epoch from sent_at) * 1000)::float8 as sent,
            (select min(c.tx) from bench.claims c where c.id = o.id)::text as claim_tx
     from app.mail_outbox o where kind = 'answered' and data->>'message' like $1`,
    [`%${markerPrefix}%`],
  );
}

/** send-mail calls made by pg_net since `since`: how many, and how many mails each sent. */
async function sendMailCalls(since: Date) {
  const rows = await sql<{ status_code: number | null; content: string | null; error_msg: string | null }>(
    'select status_code, content, error_msg from net._http_response where created >= $1',
    [since],
  );
  const sent = rows.map((row) => {
    try {
      return (JSON.parse(row.content ?? '') as { sent?: number }).sent ?? 0;
    } catch {
      return 0;
    }
  });
  return {
    calls: rows.length,
    notOk: rows.filter((row) => row.status_code !== 200).length,
    errors: [...new Set(rows.map((row) => row.error_msg).filter(Boolean))].slice(0, 3),
    idle: sent.filter((n) => n === 0).length,
    sent: sent.reduce((a, b) => a + b, 0),
  };
}

/** BURST answers from every engineer's client at once, spread over the tickets; each answer's marker and its customer. */
async function commitAnswers(engineers: Person[], tickets: Array<{ id: string; customer: Person }>, label: string) {
  const expected = new Map<string, string>();
  const commits: number[] = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    engineers.map(async (engineer) => {
      while (next < BURST) {
        const i = next++;
        const ticket = tickets[i % tickets.length]!;
        const marker = `bench-${label}-${RUN}-${i}`;
        expected.set(marker, ticket.customer.email);
        commits.push(await answer(engineer, ticket.id, marker));
      }
    }),
  );
  return { expected, started, lastCommit: Math.max(...commits) };
}

/**
 * Waits until the catcher holds a mail per expected event and the outbox is at rest, then checks: one
 * outbox row per event, to the event's customer, sent at the first attempt; exactly one mail in the
 * catcher per row (by Message-ID), to that address; nothing else in the catcher.
 */
async function deliveryOf(label: string, expected: Map<string, string>) {
  const timeoutAt = Date.now() + 300_000;
  while ((await mailCount()) < expected.size && Date.now() < timeoutAt) await sleep(100);
  await outboxSettled(60_000).catch((error: unknown) => console.error(String(error)));
  // A duplicate still in flight would arrive now.
  await sleep(2000);
  const mails = await allMail();
  const rows = await outboxRows(`bench-${label}-${RUN}-`);
  const byMessageId = new Map<string, Summary[]>();
  for (const mail of mails) byMessageId.set(mail.MessageID, [...(byMessageId.get(mail.MessageID) ?? []), mail]);
  const rowsByMarker = new Map<string, Row[]>();
  for (const row of rows) rowsByMarker.set(row.marker, [...(rowsByMarker.get(row.marker) ?? []), row]);
  const problems: string[] = [];
  for (const [marker, email] of expected) {
    const forEvent = rowsByMarker.get(marker) ?? [];
    if (forEvent.length !== 1) problems.push(`${marker}: ${forEvent.length} outbox rows`);
    for (const row of forEvent) {
      if (row.to_email !== email) problems.push(`${marker}: outbox row to ${row.to_email}, expected ${email}`);
      if (row.status !== 'sent' || row.attempts !== 1) problems.push(`${marker}: ${row.status} after ${row.attempts} attempts`);
      const delivered = byMessageId.get(messageIdOf(row.dedupe_key)) ?? [];
      if (delivered.length !== 1) problems.push(`${marker}: ${delivered.length} mails in the catcher`);
      for (const mail of delivered) {
        const to = mail.To.map((a) => a.Address.toLowerCase());
        if (to.length !== 1 || to[0] !== email) problems.push(`${marker}: mail to ${to.join(', ')}, expected ${email}`);
      }
    }
  }
  const expectedIds = new Set(rows.map((row) => messageIdOf(row.dedupe_key)));
  const strays = mails.filter((mail) => !expectedIds.has(mail.MessageID));
  if (strays.length) problems.push(`${strays.length} mails in the catcher that no ${label} event explains (e.g. "${strays[0]!.Subject}")`);
  const arrivals = mails.filter((mail) => expectedIds.has(mail.MessageID)).map((mail) => Date.parse(mail.Created)).sort((a, b) => a - b);
  return {
    lastArrival: arrivals.at(-1) ?? NaN,
    delivered: arrivals.length,
    catcherTotal: mails.length,
    outboxRows: rows.length,
    distinctDedupeKeys: new Set(rows.map((row) => row.dedupe_key)).size,
    sent: rows.filter((row) => row.status === 'sent').length,
    problems: problems.slice(0, 20),
    problemCount: problems.length,
    queueWait: stats(rows.map((row) => row.claimed - row.created)),
    claimToRecorded: stats(rows.filter((row) => row.sent !== null).map((row) => row.sent! - row.claimed)),
    claims: new Set(rows.map((row) => row.claim_tx)).size,
  };
}

try {
  const loadAtStart = loadavg();

  // Deno start-up: the first request boots send-mail's worker (React Email, nodemailer); after that it stays.
  let t = performance.now();
  const preflight = await fetch(`${stack.apiUrl}/functions/v1/send-mail`, { method: 'OPTIONS' });
  if (!preflight.ok) throw new Error(`send-mail did not boot: ${preflight.status}`);
  const denoBootMs = performance.now() - t;

  // An empty send-mail call (nothing due): HTTP through the gateway to Deno plus one claim round trip.
  const emptyCalls: number[] = [];
  for (let i = 0; i < 20; i++) {
    t = performance.now();
    const response = await fetch(`${stack.apiUrl}/functions/v1/send-mail`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.keys.serviceRoleKey}`, apikey: stack.keys.anonKey, 'Content-Type': 'application/json' },
      body: '{}',
    });
    if (!response.ok) throw new Error(`send-mail with nothing due: ${response.status} ${await response.text()}`);
    await response.text();
    if (i > 0) emptyCalls.push(performance.now() - t);
  }

  // Customers and their tickets first: every new ticket mails every engineer and admin, so the bench's
  // engineers join afterwards and get none of those; the seeded demo staff get theirs and are drained
  // here, before anything is measured.
  const customers = await Promise.all(Array.from({ length: CUSTOMERS }, (_, n) => person('customer', n)));
  const tickets: Array<{ id: string; customer: Person }> = [];
  for (const customer of customers) {
    for (let n = 0; n < TICKETS_EACH; n++) {
      const created = ok(
        await customer.client.rpc('create_ticket', { p_subject: `Bench ticket ${n}`, p_body: 'The printer prints blank pages.', p_pre_approved: false }).single<{ id: string }>(),
        'create_ticket',
      );
      tickets.push({ id: created!.id, customer });
    }
  }
  const engineers = await Promise.all(Array.from({ length: ENGINEERS }, (_, n) => person('engineer', n)));
  await outboxSettled(120_000);
  const setupMails = await mailCount();
  const setupKinds = Object.fromEntries(
    (await sql<{ kind: string; n: number }>('select kind, count(*)::int as n from app.mail_outbox group by kind order by kind')).map((row) => [row.kind, row.n]),
  );
  await catcher('/api/v1/messages', { method: 'DELETE' });

  // 1. Latency, one event at a time.
  const latency: Array<{ total: number; toClaim: number; claimToCatcher: number; catcherToRecorded: number }> = [];
  const missing: string[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const ticket = tickets[i % tickets.length]!;
    const marker = `bench-lat-${RUN}-${i}`;
    const committed = await answer(engineers[i % engineers.length]!, ticket.id, marker);
    const [row] = await outboxRows(marker);
    if (!row) throw new Error(`no outbox row for ${marker}`);
    const messageId = messageIdOf(row.dedupe_key);
    let mail: Summary | undefined;
    for (const end = Date.now() + 30_000; !mail && Date.now() < end; ) {
      const found = (await catcher(`/api/v1/search?query=${encodeURIComponent(`message-id:"${messageId}"`)}`)) as { messages: Summary[] };
      mail = found.messages[0];
      if (!mail) await sleep(20);
    }
    if (!mail) {
      missing.push(marker);
      continue;
    }
    await outboxSettled(30_000);
    const [done] = await outboxRows(marker);
    const arrived = Date.parse(mail.Created);
    latency.push({
      total: arrived - committed,
      toClaim: done!.claimed - committed,
      claimToCatcher: arrived - done!.claimed,
      catcherToRecorded: (done!.sent ?? NaN) - arrived,
    });
    await sleep(PAUSE_MS);
  }
  const latencyStats = {
    total: stats(latency.map((s) => s.total)),
    toClaim: stats(latency.map((s) => s.toClaim)),
    claimToCatcher: stats(latency.map((s) => s.claimToCatcher)),
    catcherToRecorded: stats(latency.map((s) => s.catcherToRecorded)),
    missing,
  };
  const loadBeforeBurst = loadavg();

  // 2. Burst: BURST answers from ENGINEERS clients at once, delivered as they commit.
  await outboxSettled(30_000);
  await catcher('/api/v1/messages', { method: 'DELETE' });
  const [burstStart] = await sql<{ now: Date }>('select now()');
  const committed = await commitAnswers(engineers, tickets, 'burst');
  const loadDuring = loadavg();
  const burstDelivery = await deliveryOf('burst', committed.expected);
  const burstCalls = await sendMailCalls(burstStart!.now);
  const burst = {
    events: BURST,
    clients: ENGINEERS,
    commitPhaseMs: committed.lastCommit - committed.started,
    eventsPerSecond: BURST / ((committed.lastCommit - committed.started) / 1000),
    allDeliveredMs: burstDelivery.lastArrival - committed.started,
    afterLastCommitMs: burstDelivery.lastArrival - committed.lastCommit,
    mailsPerSecond: burstDelivery.delivered / ((burstDelivery.lastArrival - committed.started) / 1000),
    ...burstDelivery,
    sendMailCalls: burstCalls,
  };

  // 3. Backlog: the same BURST answers committed while delivery is off (as after an SMTP outage), then
  // one send-mail call as pg_cron makes it, and again while mail is due: what one drainer sends per second.
  await catcher('/api/v1/messages', { method: 'DELETE' });
  await sql('alter table app.mail_outbox disable trigger mail_queued_on_insert');
  await sql("update cron.job set active = false where jobname = 'send-mail'");
  const backlogCommitted = await commitAnswers(engineers, tickets, 'backlog');
  await sql('alter table app.mail_outbox enable trigger mail_queued_on_insert');
  const drainStarted = Date.now();
  let drainCalls = 0;
  for (;;) {
    const [due] = await sql<{ n: number }>("select count(*)::int as n from app.mail_outbox where status in ('pending', 'retry')");
    if (due!.n === 0 || Date.now() - drainStarted > 300_000) break;
    drainCalls++;
    const response = await fetch(`${stack.apiUrl}/functions/v1/send-mail`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.keys.serviceRoleKey}`, apikey: stack.keys.anonKey, 'Content-Type': 'application/json' },
      body: '{}',
    });
    if (!response.ok) throw new Error(`send-mail: ${response.status} ${await response.text()}`);
    await response.text();
  }
  await sql("update cron.job set active = true where jobname = 'send-mail'");
  const backlogDelivery = await deliveryOf('backlog', backlogCommitted.expected);
  const backlog = {
    events: BURST,
    sendMailCalls: drainCalls,
    drainMs: backlogDelivery.lastArrival - drainStarted,
    mailsPerSecond: backlogDelivery.delivered / ((backlogDelivery.lastArrival - drainStarted) / 1000),
    ...backlogDelivery,
  };
  const allCalls = await sendMailCalls(new Date(0));
  const [{ deadlocks } = { deadlocks: NaN }] = await sql<{ deadlocks: number }>(
    'select deadlocks::int as deadlocks from pg_stat_database where datname = current_database()',
  );

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const result = {
    date: new Date().toISOString(),
    machine,
    load: { atStart: loadAtStart.map((n) => n.toFixed(2)), beforeBurst: loadBeforeBurst.map((n) => n.toFixed(2)), duringBurst: loadDuring.map((n) => n.toFixed(2)), atEnd: loadavg().map((n) => n.toFixed(2)) },
    setup: { customers: CUSTOMERS, tickets: tickets.length, engineers: ENGINEERS, setupMails, setupKinds },
    denoBootMs,
    emptySendMailCall: stats(emptyCalls),
    latency: latencyStats,
    burst,
    backlog,
    wholeRun: { sendMailCalls: allCalls, deadlocks },
  };
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(join(import.meta.dirname, 'results', 'mail.json'), `${JSON.stringify(result, null, 2)}\n`);

  const l = latencyStats.total;
  console.log(`Machine: ${machine}; ${result.date.slice(0, 16)}Z; load average ${result.load.atStart.join(' ')} (start), ${result.load.beforeBurst.join(' ')} (before the burst), ${result.load.duringBurst.join(' ')} (after committing it)\n`);
  console.log('| measure | result | goal |\n|---|---|---|');
  console.log(`| committed answer → mail in the catcher (\`Created\`), ${l.n} events one at a time: p50 / p95 / max | ${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.max)}${missing.length ? ` (${missing.length} never arrived)` : ''} | p95 ≤ 2 s ${l.p95 <= 2000 && !missing.length ? '✅' : '❌'} |`);
  console.log(`| … of which commit → claimed by send-mail (pg_net, gateway, Deno, claim), p50 / p95 | ${ms(latencyStats.toClaim.p50)} / ${ms(latencyStats.toClaim.p95)} | — |`);
  console.log(`| … of which claimed → in the catcher (render, SMTP, catcher), p50 / p95 | ${ms(latencyStats.claimToCatcher.p50)} / ${ms(latencyStats.claimToCatcher.p95)} | — |`);
  console.log(`| ${BURST} answers committed by ${ENGINEERS} clients | ${ms(burst.commitPhaseMs)} (${Math.round(burst.eventsPerSecond)} events/s) | — |`);
  console.log(`| ${BURST} mails delivered: first event → last mail in the catcher | **${ms(burst.allDeliveredMs)}** (${Math.round(burst.mailsPerSecond)} mails/s; ${ms(burst.afterLastCommitMs)} after the last commit) | ≤ 60 s ${burst.allDeliveredMs <= 60_000 && burst.problemCount === 0 ? '✅' : '❌'} |`);
  console.log(`| no loss, no duplicate | ${burst.outboxRows} outbox rows (${burst.distinctDedupeKeys} dedupe keys), ${burst.sent} sent; ${burst.delivered} mails for them in the catcher, ${burst.catcherTotal} in all; ${burst.problemCount} problems | every event once ${burst.problemCount === 0 && burst.delivered === BURST ? '✅' : '❌'} |`);
  console.log(`| send-mail calls during the burst (pg_net) | ${burstCalls.calls} (${burstCalls.idle} found nothing to send, ${burstCalls.notOk} not 200), ${burst.claims} claims | — |`);
  console.log(`| burst: outbox row → claimed, p50 / p95 / max | ${ms(burst.queueWait.p50)} / ${ms(burst.queueWait.p95)} / ${ms(burst.queueWait.max)} | — |`);
  console.log(`| burst: claimed → recorded sent, p50 / p95 | ${ms(burst.claimToRecorded.p50)} / ${ms(burst.claimToRecorded.p95)} | — |`);
  console.log(`| backlog of ${BURST} (delivery off while committing), drained by send-mail called as pg_cron calls it | **${ms(backlog.drainMs)}** (${Math.round(backlog.mailsPerSecond)} mails/s, ${backlog.sendMailCalls} call(s), ${backlog.claims} claims) | — |`);
  console.log(`| backlog: no loss, no duplicate | ${backlog.outboxRows} rows, ${backlog.sent} sent, ${backlog.delivered} mails for them, ${backlog.catcherTotal} in all; ${backlog.problemCount} problems | every event once ${backlog.problemCount === 0 && backlog.delivered === BURST ? '✅' : '❌'} |`);
  console.log(`| backlog: claimed → recorded sent, p50 / p95 | ${ms(backlog.claimToRecorded.p50)} / ${ms(backlog.claimToRecorded.p95)} | — |`);
  console.log(`| whole run (setup included): send-mail calls not 200 / deadlocks in the database | ${allCalls.notOk} of ${allCalls.calls} / ${deadlocks} | — |`);
  console.log(`| send-mail's worker boot (first request) / an empty send-mail call, p50 | ${ms(denoBootMs)} / ${ms(result.emptySendMailCall.p50)} | — |`);
  for (const [label, found] of [['burst', burst], ['backlog', backlog]] as const) {
    if (found.problemCount) console.log(`\nProblems in the ${label} (first ${found.problems.length} of ${found.problemCount}):\n${found.problems.join('\n')}`);
  }
} finally {
  await pool.end();
  await stack.stop();
}
