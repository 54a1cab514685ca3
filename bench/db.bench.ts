/**
 * Benchmarks of the support policy in the database (issue 3). Run with `npm run bench:db`; prints a
 * Markdown table and the query plans for bench/README.md and writes bench/results/db.json.
 *
 *  1. Charges per second across 50 accounts (50 clients, one account each) through the SQL functions —
 *     the full API path `assess_ticket` (as an engineer: `authenticator` + SET LOCAL ROLE + JWT claims,
 *     as PostgREST runs it) and the ledger primitive `app.transfer` — as a ratio to `pgbench -b
 *     simple-update` (50 clients) on the same server; plus the same simple-update transaction from this
 *     Node harness, so the harness's own overhead is visible. Target ≥ 50 %.
 *  2. 50 clients charging one hot account, through `assess_ticket` and through `app.transfer` alone.
 *     Target ≥ 500 charges/s, p99 ≤ 50 ms, 0 deadlocks.
 *  3. A customer's ticket list and statement (as that customer, under RLS) on a database with 100,000
 *     tickets and 1,000,000 ledger entries. Target ≤ 10 ms each, with the EXPLAIN ANALYZE plan.
 *
 * Everything runs against a throwaway Postgres (migrations + seed) on free ports; nothing else is touched.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applySeed } from '../supabase/local/migrations/index.ts';
import { PASSWORD } from '../supabase/local/postgres/index.ts';
import { startScratchDb, SUPABASE_DIR } from '../supabase/local/tooling/scratch-db.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = 50;

interface RunResult {
  ops: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: Record<string, number>;
}

function percentile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

/** `clients` loops, each running `step(client, worker, i)` until the deadline; latencies in ms. */
async function closedLoop(
  url: string,
  clients: number,
  seconds: number,
  step: (client: pg.Client, worker: number, iteration: number) => Promise<void>,
): Promise<RunResult> {
  const connections = await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    connections.map(async (client, worker) => {
      for (let iteration = 0; performance.now() < deadline; iteration += 1) {
        const t0 = performance.now();
        try {
          await step(client, worker, iteration);
          latencies.push(performance.now() - t0);
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'unknown';
          errors[code] = (errors[code] ?? 0) + 1;
          await client.query('rollback').catch(() => undefined);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(connections.map((client) => client.end()));
  latencies.sort((a, b) => a - b);
  return {
    ops: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
  };
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
    `select app.transfer(app.system_account_id('adjustments'), a, $2::int, 'adjustment', 'bench-topup:' || a, null)
       from unnest($1::uuid[]) a`,
    [accountIds, credits],
  );
}

/** n pre-approved tickets per account, inserted directly (the charge is what is measured, not creation). */
async function openTickets(admin: pg.Pool, owners: Array<{ id: string; account_id: string }>, perAccount: number) {
  const { rows } = await admin.query<{ account_id: string; ids: string[] }>(
    `with inserted as (
       insert into public.tickets (account_id, created_by, subject, body, pre_approved)
       select o.account_id, o.id, 'Bench ticket', 'Charged by the benchmark.', true
       from unnest($1::uuid[], $2::uuid[]) as o(id, account_id), generate_series(1, $3::int)
       returning id, account_id)
     select account_id, array_agg(id) as ids from inserted group by account_id`,
    [owners.map((o) => o.id), owners.map((o) => o.account_id), perAccount],
  );
  return new Map(rows.map((row) => [row.account_id, row.ids]));
}

function pgbench(url: string, args: string[]): string {
  const parsed = new URL(url);
  const result = spawnSync(
    'pgbench',
    ['-h', parsed.hostname, '-p', parsed.port, '-U', decodeURIComponent(parsed.username), ...args],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: PASSWORD } },
  );
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`pgbench ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

async function main() {
  const db = await startScratchDb();
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
    await topUp(admin, [...customers.map((c) => c.account_id), hot!.account_id], 10_000_000);

    // 1a. pgbench simple-update (TPC-B-like: UPDATE accounts, SELECT, INSERT history) in its own database.
    let pgbenchTps = NaN;
    let pgbenchNote = '';
    const hasPgbench = spawnSync('pgbench', ['--version'], { encoding: 'utf8' });
    if (hasPgbench.status === 0) {
      await admin.query('create database pgbench');
      const benchUrl = new URL(db.dbUrl);
      benchUrl.pathname = '/pgbench';
      pgbench(benchUrl.toString(), ['-i', '-q', '-s', '10', 'pgbench']);
      const out = pgbench(benchUrl.toString(), [
        '-b', 'simple-update', '-c', String(CLIENTS), '-j', '2', '-T', String(SECONDS), '-n', 'pgbench',
      ]);
      pgbenchTps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? NaN);
      pgbenchNote = hasPgbench.stdout.trim();
    } else {
      pgbenchNote = 'pgbench not installed';
    }

    // 1b. The same simple-update transaction from this harness (Node + pg, 5 round trips like pgbench).
    let harnessTps = NaN;
    if (hasPgbench.status === 0) {
      const benchUrl = new URL(db.dbUrl);
      benchUrl.pathname = '/pgbench';
      const scale = 10;
      const harness = await closedLoop(benchUrl.toString(), CLIENTS, SECONDS, async (client) => {
        const aid = 1 + Math.floor(Math.random() * 100_000 * scale);
        const bid = 1 + Math.floor(Math.random() * scale);
        const tid = 1 + Math.floor(Math.random() * 10 * scale);
        const delta = Math.floor(Math.random() * 10_001) - 5000;
        await client.query('begin');
        await client.query('update pgbench_accounts set abalance = abalance + $1 where aid = $2', [delta, aid]);
        await client.query('select abalance from pgbench_accounts where aid = $1', [aid]);
        await client.query('insert into pgbench_history (tid, bid, aid, delta, mtime) values ($1, $2, $3, $4, current_timestamp)', [
          tid,
          bid,
          aid,
          delta,
        ]);
        await client.query('commit');
      });
      harnessTps = harness.perSecond;
    }

    // 1c. The ledger primitive: app.transfer (lock, idempotency check, transfer + 2 entries + balance).
    const consumed = (await admin.query<{ id: string }>("select app.system_account_id('consumed') as id")).rows[0]!.id;
    const transfer = await closedLoop(db.dbUrl, CLIENTS, SECONDS, async (client, worker, iteration) => {
      await client.query(`select (app.transfer($1, $2, 5, 'ticket_charge', $3, null)).id`, [
        customers[worker]!.account_id,
        consumed,
        `bench:${worker}:${iteration}`,
      ]);
    });

    // 1d. The API path: assess_ticket as the engineer, pre-approved `question` tickets (5 credits), 50 accounts.
    const expected = Math.ceil(Math.max(1000, transfer.perSecond) * SECONDS * 1.5 / CLIENTS) + 50;
    const spreadTickets = await openTickets(admin, customers, expected);
    await admin.query('analyze');
    const assess = await closedLoop(apiUrl, CLIENTS, SECONDS, async (client, worker, iteration) => {
      const ticketId = spreadTickets.get(customers[worker]!.account_id)![iteration];
      if (!ticketId) throw Object.assign(new Error('out of tickets'), { code: 'bench_out_of_tickets' });
      const { rows } = await asUser<{ status: string }>(client, engineer!.id, `select status from public.assess_ticket($1, 'question')`, [
        ticketId,
      ]);
      if (rows[0]?.status !== 'in_progress') throw Object.assign(new Error('not charged'), { code: 'bench_not_charged' });
    });

    // 2. Fifty clients charging one hot account.
    const hotTickets = (await openTickets(admin, [hot!], Math.ceil(Math.max(1000, assess.perSecond) * SECONDS * 1.5)))
      .get(hot!.account_id)!;
    let next = 0;
    const hotRun = await closedLoop(apiUrl, CLIENTS, SECONDS, async (client) => {
      const ticketId = hotTickets[next++];
      if (!ticketId) throw Object.assign(new Error('out of tickets'), { code: 'bench_out_of_tickets' });
      const { rows } = await asUser<{ status: string }>(client, engineer!.id, `select status from public.assess_ticket($1, 'question')`, [
        ticketId,
      ]);
      if (rows[0]?.status !== 'in_progress') throw Object.assign(new Error('not charged'), { code: 'bench_not_charged' });
    });
    // 2b. The same hot account through the ledger primitive alone (no ticket bookkeeping).
    const hotTransfer = await closedLoop(db.dbUrl, CLIENTS, SECONDS, async (client, worker, iteration) => {
      await client.query(`select (app.transfer($1, $2, 1, 'ticket_charge', $3, null)).id`, [
        hot!.account_id,
        consumed,
        `bench-hot:${worker}:${iteration}`,
      ]);
    });
    const [{ negative }] = (
      await admin.query<{ negative: number }>('select count(*)::int as negative from public.accounts where system_code is null and balance < 0')
    ).rows as [{ negative: number }];

    report.throughput = { pgbenchTps, pgbenchNote, harnessTps, transfer, assess, hot: hotRun, hotTransfer, negativeBalances: negative };

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
    const ratio = (value: number) => (Number.isFinite(pgbenchTps) ? `${fmt((100 * value) / pgbenchTps)} %` : '—');
    const ratioHarness = (value: number) => (Number.isFinite(harnessTps) ? `${fmt((100 * value) / harnessTps)} %` : '—');
    const errors = (run: RunResult) =>
      Object.entries(run.errors).map(([code, n]) => `${code}×${n}`).join(', ') || '0';
    const lines = [
      `Database benchmarks — ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), ${SECONDS} s runs, ${CLIENTS} clients, PostgreSQL 17 (embedded), fsync on.`,
      '',
      '| Workload | Result | vs pgbench simple-update | vs same harness simple-update | Target |',
      '|---|---|---|---|---|',
      `| pgbench -b simple-update, ${CLIENTS} clients (${pgbenchNote}) | ${fmt(pgbenchTps)} tx/s | 100 % | | |`,
      `| simple-update from the Node harness, ${CLIENTS} clients | ${fmt(harnessTps)} tx/s | ${ratio(harnessTps)} | 100 % | |`,
      `| charges via app.transfer (ledger primitive), 50 accounts | ${fmt(transfer.perSecond)} /s (p99 ${fmt(transfer.p99, 1)} ms, errors ${errors(transfer)}) | ${ratio(transfer.perSecond)} | ${ratioHarness(transfer.perSecond)} | ≥ 50 % |`,
      `| charges via assess_ticket (API path, as engineer), 50 accounts | ${fmt(assess.perSecond)} /s (p99 ${fmt(assess.p99, 1)} ms, errors ${errors(assess)}) | ${ratio(assess.perSecond)} | ${ratioHarness(assess.perSecond)} | ≥ 50 % |`,
      `| hot account: 50 clients, assess_ticket on one account | ${fmt(hotRun.perSecond)} /s, p50 ${fmt(hotRun.p50, 1)} ms, p99 ${fmt(hotRun.p99, 1)} ms, deadlocks ${hotRun.errors['40P01'] ?? 0}, errors ${errors(hotRun)} | | | ≥ 500/s, p99 ≤ 50 ms, 0 deadlocks |`,
      `| hot account: 50 clients, app.transfer on one account | ${fmt(hotTransfer.perSecond)} /s, p50 ${fmt(hotTransfer.p50, 1)} ms, p99 ${fmt(hotTransfer.p99, 1)} ms, deadlocks ${hotTransfer.errors['40P01'] ?? 0}, errors ${errors(hotTransfer)} | | | ≥ 500/s, p99 ≤ 50 ms, 0 deadlocks |`,
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
      `Negative customer balances after the runs: ${negative}. Big-data load took ${fmt(loadSeconds, 0)} s.`,
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
