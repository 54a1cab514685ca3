/**
 * Benchmarks of the support policy in the database (issue 3). Run with `npm run bench:db`; prints a
 * Markdown table and the query plans for bench/README.md and writes bench/results/db.json.
 *
 *  1. Charges across 50 accounts (50 clients, client k charging customer k), as a ratio to `pgbench -b
 *     simple-update -M prepared` at scale 50 (the performance anchors' G-DB1, median of three runs): the
 *     charge function `app.transfer` (G-DB2, target ≥ 50 %); the whole API path `assess_ticket` as
 *     PostgREST runs it (one transaction as `authenticator`: SET LOCAL ROLE, the engineer's JWT claims, the
 *     call; G-DB3 asks ≥ 25 % through /rpc); and the rows a ticket charge writes as one plain SQL statement
 *     (the data model's floor). All of it driven by pgbench itself (custom scripts, `-f`), so the functions
 *     and the reference share one client, server and machine.
 *  2. 50 clients charging one hot account (G-DB4: ≥ 500 charges/s, p99 ≤ 50 ms, 0 deadlocks): the charge
 *     function as fast as they can, and offering 500 charges/s between them (`--rate 500`, latency from
 *     each charge's scheduled start); then the same for `assess_ticket`. Deadlocks from pg_stat_database.
 *  3. A customer's ticket list and statement (as that customer, under RLS) on a database with 100,000
 *     tickets and 1,000,000 ledger entries. Target ≤ 10 ms each, with the EXPLAIN ANALYZE plan.
 *
 * Everything runs against a throwaway Postgres (migrations + seed) on free ports; nothing else is touched.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applySeed, DB_PASSWORD as PASSWORD, startScratchDb } from '@pro-portal/supabase-local';

const SUPABASE_DIR = join(import.meta.dirname, '..', 'supabase');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = 50;
/** Latency percentiles leave out transactions that started in a run's first seconds. */
const WARM_UP_SECONDS = 2;
/** The whole API path on one hot account is offered less than its capacity (~350–425/s here), to show its latency unsaturated. */
const HOT_API_RATE = 250;

function percentile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

interface PgbenchRun {
  tps: number;
  transactions: number;
  failed: number;
  aborted: boolean;
  deadlocks: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * One pgbench run of SECONDS with CLIENTS clients (2 threads), logging every transaction (-l) for the
 * latency percentiles, after a warm-up of WARM_UP_SECONDS: with --rate, latency = run time + schedule lag
 * (from the scheduled start). Throughput is pgbench's own, over the whole run.
 * Deadlocks are read from pg_stat_database, so a deadlock the script survives still counts.
 */
async function runPgbench(
  admin: pg.Pool,
  url: string,
  options: { builtin?: string; script?: string; rate?: number; database?: string; prepared?: boolean },
): Promise<PgbenchRun> {
  const dir = mkdtempSync(join(tmpdir(), 'pro-portal-pgbench-'));
  const database = options.database ?? 'postgres';
  const deadlocks = async () =>
    (await admin.query<{ n: number }>('select deadlocks::int as n from pg_stat_database where datname = $1', [database])).rows[0]!.n;
  try {
    const args = ['-n', '-c', String(CLIENTS), '-j', '2', '-T', String(SECONDS), '-l', '--log-prefix', join(dir, 'log')];
    if (options.builtin) args.push('-b', options.builtin);
    if (options.script) {
      writeFileSync(join(dir, 'script.sql'), options.script);
      args.push('-D', 'i=0', '-f', join(dir, 'script.sql'));
    }
    if (options.rate) args.push('--rate', String(options.rate));
    if (options.prepared) args.push('-M', 'prepared');
    const before = await deadlocks();
    const out = pgbench(url, [...args, database], true);
    const after = await deadlocks();
    // Per transaction: when it started (its scheduled start under --rate) and its latency, in µs.
    const entries: Array<{ start: number; latency: number }> = [];
    for (const file of readdirSync(dir).filter((name) => name.startsWith('log'))) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        const fields = line.split(' ');
        const time = Number(fields[2]);
        if (!Number.isFinite(time) || fields.length < 6) continue; // a failed transaction logs a word here
        const latency = time + (options.rate ? Number(fields[6] ?? 0) : 0);
        entries.push({ start: Number(fields[4]) * 1e6 + Number(fields[5]) - latency, latency });
      }
    }
    // The first seconds are warm-up: 50 new sessions each compile the functions and plan their statements.
    const runStart = entries.reduce((min, entry) => Math.min(min, entry.start), Infinity);
    const latencies = entries.filter((entry) => entry.start >= runStart + WARM_UP_SECONDS * 1e6).map((entry) => entry.latency / 1000);
    latencies.sort((x, y) => x - y);
    return {
      tps: Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? NaN),
      transactions: Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? NaN),
      failed: Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0),
      aborted: /aborted/i.test(out),
      deadlocks: after - before,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? NaN,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The run with the median throughput of `times` runs (the anchors' advice: the first run is often the outlier). */
async function medianRun(times: number, run: () => Promise<PgbenchRun>): Promise<PgbenchRun & { runs: number[] }> {
  const runs: PgbenchRun[] = [];
  for (let i = 0; i < times; i += 1) runs.push(await run());
  const sorted = [...runs].sort((a, b) => a.tps - b.tps);
  return { ...sorted[Math.floor(times / 2)]!, runs: runs.map((r) => Math.round(r.tps)) };
}

/** Work lists for the pgbench scripts: client k's i-th ticket (or its account) in the bench schema. */
class Queues {
  constructor(private readonly admin: pg.Pool) {}

  /** perOwner new pre-approved tickets per owner; client k takes owner k's, or (shared) all clients take turns on one owner's. */
  async tickets(queue: string, owners: Array<{ id: string; account_id: string }>, perOwner: number, shared = false) {
    await this.admin.query(
      `with inserted as (
         insert into public.tickets (account_id, created_by, subject, body, pre_approved)
         select o.account_id, o.id, 'Bench ticket', 'Charged by the benchmark.', true
         from unnest($1::uuid[], $2::uuid[]) with ordinality as o(id, account_id, k), generate_series(1, $3::int)
         returning id, account_id, number),
       numbered as (
         select i.id, o.k - 1 as owner, row_number() over (partition by i.account_id order by i.number) as rn
         from inserted i join unnest($2::uuid[]) with ordinality as o(account_id, k) using (account_id))
       insert into bench.queue (queue, client, n, ticket_id)
       select $4, case when $5 then (rn - 1) % $6 else owner end, case when $5 then (rn - 1) / $6 + 1 else rn end, id
       from numbered`,
      [owners.map((o) => o.id), owners.map((o) => o.account_id), perOwner, queue, shared, CLIENTS],
    );
    await this.admin.query('analyze public.tickets, bench.queue');
  }

  /** Client k's account for the transfer scripts. */
  async accounts(queue: string, accountIds: string[]) {
    await this.admin.query(
      `insert into bench.accounts (queue, client, account_id)
       select $1, k - 1, a from unnest($2::uuid[]) with ordinality as x(a, k)`,
      [queue, accountIds],
    );
  }
}

/** What PostgREST sends for POST /rpc/assess_ticket, as one simple-protocol transaction (pgbench's `\;`). */
function assessScript(queue: string, engineerId: string): string {
  // aal2: staff rights need a second factor.
  const claims = JSON.stringify({ sub: engineerId, role: 'authenticated', aud: 'authenticated', aal: 'aal2' });
  return `\\set i :i + 1
select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '${claims}', true) \\; select status from public.assess_ticket((select ticket_id from bench.queue where queue = '${queue}' and client = :client_id and n = :i), 'question');
`;
}

let transferRuns = 0;

/** The charge function on client k's account; idempotency keys unique per run, client and call. */
function transferScript(queue: string, consumed: string): string {
  transferRuns += 1;
  return `\\set i :i + 1
select (app.transfer((select account_id from bench.accounts where queue = '${queue}' and client = :client_id), '${consumed}', 1, 'ticket_charge', 'bench-${queue}-${transferRuns}:' || :client_id || ':' || :i, null)).id;
`;
}

function rawChargeScript(queue: string, engineerId: string, consumed: string): string {
  return `\\set i :i + 1
with t as (update public.tickets set status = 'in_progress', category = 'question', quoted_credits = 5, charged_credits = 5, assessed_at = now(), assignee_id = '${engineerId}' where id = (select ticket_id from bench.queue where queue = '${queue}' and client = :client_id and n = :i) returning id, account_id, created_by), e as (insert into public.ticket_events (ticket_id, account_id, actor_id, actor_name, kind, data) select id, account_id, '${engineerId}', 'Engineer', k, '{}' from t, unnest(array['assessed', 'charged']::public.ticket_event_kind[]) k), n as (insert into public.notifications (user_id, kind, title, body, ticket_id, data) select created_by, 'charged', 'Charged', 'Charged 5 credits.', id, '{}' from t), tr as (insert into public.credit_transfers (from_account_id, to_account_id, amount, kind, idempotency_key, ticket_id) select account_id, '${consumed}', 5, 'ticket_charge', 'bench-raw:' || id, id from t returning id, from_account_id), a as (update public.accounts set balance = balance - 5 where id = (select account_id from t) returning balance) insert into public.credit_entries (transfer_id, account_id, amount, balance_after) select tr.id, tr.from_account_id, -5, a.balance from tr, a union all select tr.id, '${consumed}', 5, null from tr;
`;
}

function withUser(url: string, user: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = PASSWORD;
  return parsed.toString();
}

/** Runs one API-style transaction as `authenticated` with the given JWT subject (as PostgREST does). */
async function asUser<T extends pg.QueryResultRow>(
  client: pg.Client,
  userId: string,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<T>> {
  await client.query('begin');
  await client.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [
    JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated' }),
  ]);
  const result = await client.query<T>(text, values);
  await client.query('commit');
  return result;
}

/** n users through auth.users (the sign-up trigger makes profiles, accounts and memberships). */
async function createUsers(admin: pg.Pool, prefix: string, n: number): Promise<Array<{ id: string; account_id: string }>> {
  await admin.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
       raw_app_meta_data, raw_user_meta_data, created_at, updated_at, confirmation_token, recovery_token,
       email_change_token_new, email_change)
     select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
       format('%s-%s@bench.test', $1::text, g), '', now(), '{"provider":"email","providers":["email"]}',
       jsonb_build_object('full_name', format('%s %s', $1::text, g)), now(), now(), '', '', '', ''
     from generate_series(1, $2::int) g`,
    [prefix, n],
  );
  const { rows } = await admin.query<{ id: string; account_id: string }>(
    `select p.id, m.account_id from public.profiles p join public.account_members m on m.user_id = p.id and m.role = 'owner'
      where p.email like $1 order by p.email`,
    [`${prefix}-%@bench.test`],
  );
  return rows;
}

async function topUp(admin: pg.Pool, accountIds: string[], credits: number): Promise<void> {
  await admin.query(
    `select app.transfer(app.system_account_id('adjustments'), a, $2::int, 'adjustment', 'bench-topup:' || a, null, true)
       from unnest($1::uuid[]) a`,
    [accountIds, credits],
  );
}

/** Runs pgbench as the URL's user; `incomplete` tolerates a run that aborted clients (exit 2) and returns its whole output. */
function pgbench(url: string, args: string[], incomplete = false): string {
  const parsed = new URL(url);
  const result = spawnSync(
    'pgbench',
    ['-h', parsed.hostname, '-p', parsed.port, '-U', decodeURIComponent(parsed.username), ...args],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: PASSWORD } },
  );
  if (result.error) throw result.error;
  if (result.status !== 0 && !(incomplete && result.status === 2)) {
    throw new Error(`pgbench ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return incomplete ? `${result.stdout}\n${result.stderr}` : result.stdout;
}

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

async function main() {
  const db = await startScratchDb(SUPABASE_DIR);
  const report: Record<string, unknown> = {
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    seconds: SECONDS,
    clients: CLIENTS,
  };
  const admin = new pg.Pool({ connectionString: db.dbUrl, max: 4 });
  admin.on('error', () => undefined);
  try {
    await applySeed(db.dbUrl, SUPABASE_DIR);
    const apiUrl = withUser(db.dbUrl, 'authenticator');

    // Cast: one engineer, 50 customers, one hot customer.
    const [engineer] = await createUsers(admin, 'engineer', 1);
    await admin.query("update public.profiles set role = 'engineer' where id = $1", [engineer!.id]);
    const customers = await createUsers(admin, 'customer', CLIENTS);
    const [hot] = await createUsers(admin, 'hot', 1);
    // Enough credits for every charge of every run: above the product's default maximum balance, which an
    // operator raises the same way in the SQL console.
    await admin.query('update app.settings set max_balance = 100000000');
    await topUp(admin, [...customers.map((c) => c.account_id), hot!.account_id], 10_000_000);

    // Every throughput number below is measured by pgbench itself, so the SQL functions and the reference
    // (pgbench's own simple-update) are driven by the same client on the same server and machine.
    const hasPgbench = spawnSync('pgbench', ['--version'], { encoding: 'utf8' });
    if (hasPgbench.status !== 0) {
      throw new Error('pgbench is not installed (Debian: apt-get install -y postgresql-client).');
    }
    const pgbenchVersion = hasPgbench.stdout.trim();
    const consumed = (await admin.query<{ id: string }>("select app.system_account_id('consumed') as id")).rows[0]!.id;
    await admin.query(`create schema bench;
      grant usage on schema bench to authenticated;
      create table bench.queue (queue text, client int, n int, ticket_id uuid not null, primary key (queue, client, n));
      create table bench.accounts (queue text, client int, account_id uuid not null, primary key (queue, client));
      grant select on bench.queue, bench.accounts to authenticated;`);
    const queues = new Queues(admin);

    // 1a. The reference (G-DB1 of the performance anchors): `pgbench -i -s 50`, then `-b simple-update -M prepared`
    // (UPDATE, SELECT, INSERT in one transaction), median of three runs, in its own database.
    await admin.query('create database pgbench');
    const benchUrl = new URL(db.dbUrl);
    benchUrl.pathname = '/pgbench';
    pgbench(benchUrl.toString(), ['-i', '-q', '-s', '50', 'pgbench']);
    const simpleUpdate = await medianRun(3, () =>
      runPgbench(admin, benchUrl.toString(), { builtin: 'simple-update', database: 'pgbench', prepared: true }),
    );

    // 1b. The charge function (G-DB2): app.transfer, the ledger's one writer — it checks the balance, writes
    // the transfer, the balance and two entries — charging 1 credit from each client's own customer account
    // (client k → customer k, 50 accounts), prepared like the reference, median of three runs. Target ≥ 50 %.
    await queues.accounts('spread', customers.map((c) => c.account_id));
    const transfer = await medianRun(3, () =>
      runPgbench(admin, db.dbUrl, { script: transferScript('spread', consumed), prepared: true }),
    );

    // 1c. The whole API path (G-DB3 is ≥ 25 % of simple-update through /rpc): what PostgREST sends for
    // POST /rpc/assess_ticket, one transaction as `authenticator` that sets the role and the engineer's JWT
    // claims, then assess_ticket on a new pre-approved `question` ticket (5 credits, charged at once: the ticket,
    // two audit events, a notification, the transfer, two entries and the balance). 50 accounts.
    const perClient = Math.ceil((2500 * SECONDS) / CLIENTS) + 10;
    await queues.tickets('spread', customers, perClient);
    const assess = await runPgbench(admin, apiUrl, { script: assessScript('spread', engineer!.id) });

    // 1d. The floor of that path: the rows a charge of a ticket writes (ticket, 2 events, notification,
    // transfer, balance, 2 entries) as one plain SQL statement — no functions, checks or locks beyond the
    // rows' own — to show what the data model itself costs relative to simple-update.
    await queues.tickets('raw', customers, perClient);
    const raw = await runPgbench(admin, db.dbUrl, { script: rawChargeScript('raw', engineer!.id, consumed) });

    // 2. One hot account (G-DB4), 50 clients: the charge function as fast as they can (closed loop: by
    // Little's law the mean latency is then 50 / throughput, whatever the database does), and offering
    // 500 charges/s between them (pgbench --rate: an open-loop schedule, latency counted from each charge's
    // scheduled start, so queueing counts); then the same two for the whole API path (offered HOT_API_RATE/s).
    await queues.accounts('hot', Array.from({ length: CLIENTS }, () => hot!.account_id));
    const hotTransfer = await runPgbench(admin, db.dbUrl, { script: transferScript('hot', consumed), prepared: true });
    const hotTransferRate = await runPgbench(admin, db.dbUrl, { script: transferScript('hot', consumed), prepared: true, rate: 500 });
    await queues.tickets('hot', [hot!], 2500 * SECONDS, true);
    const hotRun = await runPgbench(admin, apiUrl, { script: assessScript('hot', engineer!.id) });
    await queues.tickets('hot-rate', [hot!], Math.ceil(HOT_API_RATE * SECONDS * 1.2) + CLIENTS, true);
    const hotRate = await runPgbench(admin, apiUrl, { script: assessScript('hot-rate', engineer!.id), rate: HOT_API_RATE });

    const [{ negative }] = (
      await admin.query<{ negative: number }>('select count(*)::int as negative from public.accounts where system_code is null and balance < 0')
    ).rows as [{ negative: number }];
    const invariantViolations = (await admin.query<{ v: string }>('select app.check_invariants() as v')).rows.map((row) => row.v);
    const charges = (await admin.query<{ n: number }>(
      "select count(*)::int as n from public.credit_transfers where kind = 'ticket_charge'",
    )).rows[0]!.n;

    report.throughput = {
      pgbenchVersion, simpleUpdate, transfer, assess, raw, hotTransfer, hotTransferRate, hot: hotRun, hotRate,
      negativeBalances: negative, invariantViolations, charges,
    };

    // 3. A big database: 100,000 tickets and 1,000,000 ledger entries; one customer's view of it.
    const others = await createUsers(admin, 'crowd', 1000);
    const [reader] = await createUsers(admin, 'reader', 1);
    const { rows: [counts] } = await admin.query<{ tickets: number; entries: number }>(
      'select (select count(*) from public.tickets)::int as tickets, (select count(*) from public.credit_entries)::int as entries',
    );
    const readerTickets = 1000;
    const readerTransfers = 5000;
    const ticketsToAdd = Math.max(0, 100_000 - counts!.tickets - readerTickets);
    const transfersToAdd = Math.max(0, Math.ceil((1_000_000 - counts!.entries) / 2) - readerTransfers);
    const t0 = performance.now();
    await admin.query(
      `insert into public.tickets (account_id, created_by, subject, body, pre_approved, status, category, quoted_credits, created_at)
       select o.account_id, o.id, 'Crowd ticket ' || g, 'Generated.', g % 2 = 0,
              (array['new','in_progress','resolved','awaiting_confirmation']::public.ticket_status[])[1 + g % 4],
              case when g % 4 = 0 then null else 'configuration' end, case when g % 4 = 0 then null else 10 end,
              now() - (g || ' minutes')::interval
       from generate_series(1, $1::int) g
       join unnest($2::uuid[], $3::uuid[]) with ordinality as o(id, account_id, n) on o.n = 1 + g % $4::int`,
      [ticketsToAdd, others.map((o) => o.id), others.map((o) => o.account_id), others.length],
    );
    await admin.query(
      `insert into public.tickets (account_id, created_by, subject, body, pre_approved, status, category, quoted_credits, created_at)
       select $1, $2, 'My ticket ' || g, 'Mine.', true, 'resolved', 'question', 5, now() - (g || ' hours')::interval
       from generate_series(1, $3::int) g`,
      [reader!.account_id, reader!.id, readerTickets],
    );
    // Ledger: adjustments from the system account to customers, entries with a running balance per account.
    const adjustments = (await admin.query<{ id: string }>("select app.system_account_id('adjustments') as id")).rows[0]!.id;
    await admin.query(
      `with accounts as (
         select account_id, row_number() over () as n from unnest($2::uuid[]) as a(account_id)
       ), transfers as (
         insert into public.credit_transfers (from_account_id, to_account_id, amount, kind, idempotency_key, note, created_at)
         select $3, a.account_id, 1 + g % 50, 'adjustment', 'bench-crowd:' || g, 'Generated', now() - (g || ' seconds')::interval
         from generate_series(1, $1::int) g join accounts a on a.n = 1 + g % $4::int
         returning id, to_account_id, amount, created_at)
       insert into public.credit_entries (transfer_id, account_id, amount, balance_after, created_at)
       select id, $3, -amount, null, created_at from transfers
       union all
       select id, to_account_id, amount, amount, created_at from transfers`,
      [transfersToAdd, others.map((o) => o.account_id), adjustments, others.length],
    );
    await admin.query(
      `with transfers as (
         insert into public.credit_transfers (from_account_id, to_account_id, amount, kind, idempotency_key, note, created_at)
         select $1, $2, 1 + g % 50, 'adjustment', 'bench-reader:' || g, 'Generated', now() - (($3::int - g) || ' minutes')::interval
         from generate_series(1, $3::int) g
         returning id, to_account_id, amount, created_at)
       insert into public.credit_entries (transfer_id, account_id, amount, balance_after, created_at)
       select id, $1, -amount, null, created_at from transfers
       union all
       select id, to_account_id, amount, sum(amount) over (order by created_at, id), created_at from transfers`,
      [adjustments, reader!.account_id, readerTransfers],
    );
    await admin.query('vacuum analyze');
    const loadSeconds = (performance.now() - t0) / 1000;
    const { rows: [sizes] } = await admin.query<{ tickets: number; entries: number; reader_tickets: number; reader_entries: number }>(
      `select (select count(*) from public.tickets)::int as tickets, (select count(*) from public.credit_entries)::int as entries,
              (select count(*) from public.tickets where account_id = $1)::int as reader_tickets,
              (select count(*) from public.credit_entries where account_id = $1)::int as reader_entries`,
      [reader!.account_id],
    );

    const queries: Record<string, { text: string; values: unknown[] }> = {
      'ticket list (filtered by account, as the app asks)': {
        text: `select id, number, subject, status, category, quoted_credits, charged_credits, created_at, updated_at
                 from public.tickets where account_id = $1 order by created_at desc limit 50`,
        values: [reader!.account_id],
      },
      'ticket list (RLS only, no filter)': {
        text: `select id, number, subject, status, category, quoted_credits, charged_credits, created_at, updated_at
                 from public.tickets order by created_at desc limit 50`,
        values: [],
      },
      'statement (filtered by account, with the transfer)': {
        text: `select e.id, e.amount, e.balance_after, e.created_at, t.kind, t.note, t.ticket_id, t.order_id
                 from public.credit_entries e join public.credit_transfers t on t.id = e.transfer_id
                where e.account_id = $1 order by e.id desc limit 50`,
        values: [reader!.account_id],
      },
      'statement (RLS only, no filter)': {
        text: `select e.id, e.amount, e.balance_after, e.created_at, t.kind, t.note, t.ticket_id, t.order_id
                 from public.credit_entries e join public.credit_transfers t on t.id = e.transfer_id
                order by e.id desc limit 50`,
        values: [],
      },
    };
    const reads: Record<string, unknown> = {};
    const client = new pg.Client({ connectionString: apiUrl });
    await client.connect();
    try {
      for (const [name, query] of Object.entries(queries)) {
        const times: number[] = [];
        let rowsSeen = 0;
        for (let i = 0; i < 60; i += 1) {
          const started = performance.now();
          const result = await asUser(client, reader!.id, query.text, query.values);
          if (i >= 10) times.push(performance.now() - started);
          rowsSeen = result.rowCount ?? 0;
        }
        times.sort((a, b) => a - b);
        const plan = await asUser<{ 'QUERY PLAN': string }>(
          client,
          reader!.id,
          `explain (analyze, buffers, format text) ${query.text}`,
          query.values,
        );
        const lines = plan.rows.map((row) => row['QUERY PLAN']);
        const execution = Number(/Execution Time: ([\d.]+) ms/.exec(lines.join('\n'))?.[1] ?? NaN);
        reads[name] = { rows: rowsSeen, p50: percentile(times, 0.5), p95: percentile(times, 0.95), execution, plan: lines };
      }
    } finally {
      await client.end();
    }
    report.reads = { sizes, loadSeconds, queries: reads };

    // Report.
    const ratio = (value: number) => `${fmt((100 * value) / simpleUpdate.tps)} %`;
    const latency = (run: PgbenchRun) =>
      `p50 ${fmt(run.p50, 1)} ms, p99 ${fmt(run.p99, 1)} ms, max ${fmt(run.max, 0)} ms, deadlocks ${run.deadlocks}, failed ${run.failed}${run.aborted ? ', ABORTED' : ''}`;
    const lines = [
      `Database benchmarks — ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), ${SECONDS} s runs (latency percentiles after ${WARM_UP_SECONDS} s of warm-up), ${CLIENTS} clients, PostgreSQL 17 (embedded), fsync on, synchronous_commit on; client: ${pgbenchVersion}.`,
      '',
      '| Workload (pgbench, 50 clients) | Result | vs simple-update | Target |',
      '|---|---|---|---|',
      `| \`-b simple-update -M prepared\`, scale 50 (G-DB1 reference; median of ${simpleUpdate.runs.join(' / ')}) | ${fmt(simpleUpdate.tps)} tx/s (${latency(simpleUpdate)}) | 100 % | |`,
      `| the charge function \`app.transfer\`, 50 accounts, prepared (G-DB2; median of ${transfer.runs.join(' / ')}) | ${fmt(transfer.tps)} charges/s (${latency(transfer)}) | ${ratio(transfer.tps)} | ≥ 50 % |`,
      `| \`assess_ticket\` as the engineer, as PostgREST calls it (the whole API path), 50 accounts | ${fmt(assess.tps)} charges/s (${latency(assess)}) | ${ratio(assess.tps)} | (G-DB3 through /rpc: ≥ 25 %) |`,
      `| a ticket charge's rows as one plain SQL statement (the data model's floor), 50 accounts | ${fmt(raw.tps)} /s (${latency(raw)}) | ${ratio(raw.tps)} | |`,
      `| one hot account, \`app.transfer\`, as fast as possible (G-DB4) | ${fmt(hotTransfer.tps)} charges/s (${latency(hotTransfer)}) | | ≥ 500/s, 0 deadlocks |`,
      `| one hot account, \`app.transfer\`, offered 500/s (\`--rate 500\`, G-DB4) | ${fmt(hotTransferRate.tps)} charges/s (${latency(hotTransferRate)}) | | p99 ≤ 50 ms, 0 deadlocks |`,
      `| one hot account, \`assess_ticket\`, as fast as possible | ${fmt(hotRun.tps)} charges/s (${latency(hotRun)}) | | |`,
      `| one hot account, \`assess_ticket\`, offered ${HOT_API_RATE}/s (\`--rate ${HOT_API_RATE}\`) | ${fmt(hotRate.tps)} charges/s (${latency(hotRate)}) | | |`,
      '',
      `After the runs: ${charges.toLocaleString('en')} ticket charges, ${negative} negative customer balances, invariant violations: ${invariantViolations.length ? invariantViolations.join('; ') : 'none'}.`,
      '',
      `Reads as one customer under RLS (database: ${sizes!.tickets.toLocaleString('en')} tickets, ${sizes!.entries.toLocaleString('en')} ledger entries; the customer has ${sizes!.reader_tickets.toLocaleString('en')} tickets and ${sizes!.reader_entries.toLocaleString('en')} entries; 50 rows per page):`,
      '',
      '| Query | rows | p50 (client, incl. BEGIN/role/COMMIT) | p95 | EXPLAIN ANALYZE execution | Target |',
      '|---|---|---|---|---|---|',
      ...Object.entries(reads).map(([name, value]) => {
        const read = value as { rows: number; p50: number; p95: number; execution: number };
        return `| ${name} | ${read.rows} | ${fmt(read.p50, 2)} ms | ${fmt(read.p95, 2)} ms | ${fmt(read.execution, 2)} ms | ≤ 10 ms |`;
      }),
      '',
      `Big-data load took ${fmt(loadSeconds, 0)} s.`,
      '',
      ...Object.entries(reads).flatMap(([name, value]) => [
        `Plan — ${name}:`,
        '```',
        ...(value as { plan: string[] }).plan,
        '```',
        '',
      ]),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
    writeFileSync(join(import.meta.dirname, 'results', 'db.json'), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await admin.end().catch(() => undefined);
    await db.stop();
  }
}

await main();
