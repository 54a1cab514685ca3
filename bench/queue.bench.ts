/**
 * The staff queue (issue 6) at 100,000 tickets. Run with `npx tsx bench/queue.bench.ts` (or
 * `node --import tsx bench/queue.bench.ts`); prints Markdown rows for bench/README.md and writes
 * bench/results/queue.json.
 *
 * The queue reads each status group in created_at order on tickets_status_created_at_idx (status,
 * created_at) and pages by keyset (`created_at > last`), never OFFSET — see
 * src/features/triage/api/get-queue.ts. Each query here is the SQL that PostgREST runs for one of the
 * app's requests, as the engineer (role `authenticated`, JWT claims set, RLS on), one transaction each.
 * Target: ≤ 20 ms for a page of the queue.
 *
 * Against a throwaway Postgres (migrations + seed) on free ports; nothing else is touched.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applySeed, startScratchDb } from '@pro-portal/supabase-local';

const SUPABASE_DIR = join(import.meta.dirname, '..', 'supabase');

const TICKETS = 100_000;
const CUSTOMERS = 2_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const TARGET_MS = 20;

const COLUMNS =
  'id, number, subject, status, category, quoted_credits, charged_credits, pre_approved, created_at, assignee_id, created_by, account_id';

type Query = { name: string; text: string; values: unknown[] };

async function asUser(client: pg.Client, userId: string, text: string, values: unknown[]) {
  await client.query('begin');
  await client.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [
    JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated' }),
  ]);
  const result = await client.query(text, values);
  await client.query('commit');
  return result;
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main() {
  const db = await startScratchDb(SUPABASE_DIR);
  const admin = new pg.Client({ connectionString: db.dbUrl });
  await admin.connect();
  const client = new pg.Client({ connectionString: db.dbUrl });
  await client.connect();
  try {
    await applySeed(db.dbUrl, SUPABASE_DIR);
    await admin.query(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
         raw_app_meta_data, raw_user_meta_data, created_at, updated_at, confirmation_token, recovery_token,
         email_change_token_new, email_change)
       select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
         format('queue-%s@bench.test', g), '', now(), '{"provider":"email","providers":["email"]}', '{}', now(), now(), '', '', '', ''
       from generate_series(1, $1::int) g`,
      [CUSTOMERS],
    );
    const engineer = (await admin.query<{ id: string }>("select id from public.profiles where email = 'engineer@example.com'")).rows[0]!.id;
    const t0 = performance.now();
    // A lived-in queue: most tickets closed, a few hundred open in each open status, some assigned.
    await admin.query(
      `with people as (
         select p.id, m.account_id, row_number() over (order by p.email) as n
         from public.profiles p join public.account_members m on m.user_id = p.id and m.role = 'owner'
         where p.email like 'queue-%@bench.test')
       insert into public.tickets (account_id, created_by, subject, body, pre_approved, status, category, quoted_credits,
                                   charged_credits, assignee_id, created_at)
       select o.account_id, o.id, 'Crowd ticket ' || g, 'Generated.', g % 2 = 0, s.status,
              case when s.status = 'new' then null else (array['question','configuration','investigation'])[1 + g % 3] end,
              case when s.status = 'new' then null else 10 end,
              case when s.status in ('in_progress', 'resolved') then 10 else 0 end,
              case when s.status <> 'new' and g % 5 = 0 then $2::uuid end,
              now() - (g || ' minutes')::interval
       from generate_series(1, $1::int) g
       join people o on o.n = 1 + g % $3::int
       cross join lateral (select (case
         when g % 100 < 2 then 'new' when g % 100 < 5 then 'in_progress' when g % 100 < 6 then 'awaiting_credits'
         when g % 100 < 8 then 'awaiting_confirmation' when g % 100 < 11 then 'declined' when g % 100 < 13 then 'canceled'
         else 'resolved' end)::public.ticket_status as status) s`,
      [TICKETS, engineer, CUSTOMERS],
    );
    await admin.query('vacuum analyze');
    const loadSeconds = (performance.now() - t0) / 1000;
    const { rows: [sizes] } = await admin.query<{ n: number }>('select count(*)::int as n from public.tickets');
    const deep = (await admin.query<{ created_at: Date }>(
      "select created_at from public.tickets where status = 'resolved' order by created_at desc offset 50000 limit 1",
    )).rows[0]!.created_at;
    const afterFirstPage = (await admin.query<{ created_at: Date }>(
      "select created_at from public.tickets where status = 'new' order by created_at offset 24 limit 1",
    )).rows[0]!.created_at;
    const customer = (await admin.query<{ id: string }>("select id from public.profiles where email = 'queue-1234@bench.test'")).rows[0]!.id;

    const page = (status: string, extra = '', order = 'asc'): Query['text'] =>
      `select ${COLUMNS} from public.tickets where status = '${status}'${extra} order by created_at ${order} limit 26`;
    const queries: Query[] = [
      { name: 'Queue, first page (new, oldest first)', text: page('new'), values: [] },
      { name: 'Queue, next page (keyset after the 25th new ticket)', text: page('new', ' and created_at > $1'), values: [afterFirstPage] },
      { name: 'Resolved, page 2,000 deep (keyset, newest first)', text: page('resolved', ' and created_at < $1', 'desc'), values: [deep] },
      { name: 'In progress + category filter', text: page('in_progress', " and category = 'investigation'"), values: [] },
      { name: '"Mine" (assignee) on in progress', text: page('in_progress', ' and assignee_id = $1'), values: [engineer] },
      { name: 'Search by number', text: `select ${COLUMNS} from public.tickets where status = 'resolved' and number = 51234 order by created_at limit 26`, values: [] },
      { name: 'Search by customer email (one status group)', text: page('resolved', ' and created_by = any($1)', 'desc'), values: [[customer]] },
      { name: 'Search subject words (one status group, ilike)', text: page('resolved', " and subject ilike '%ticket 4242%'", 'desc'), values: [] },
      { name: 'Count of one status (resolved, the largest)', text: "select count(*) from public.tickets where status = 'resolved'", values: [] },
      { name: 'Count of one open status (new)', text: "select count(*) from public.tickets where status = 'new'", values: [] },
      { name: 'People of a page (emails and assignees)', text: 'select id, email, full_name from public.profiles where id = any($1)', values: [[customer, engineer]] },
    ];

    const rows: string[] = [];
    const results: Record<string, unknown>[] = [];
    for (const query of queries) {
      for (let i = 0; i < 5; i++) await asUser(client, engineer, query.text, query.values); // warm
      const times: number[] = [];
      let count = 0;
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        const result = await asUser(client, engineer, query.text, query.values);
        times.push(performance.now() - start);
        count = result.rowCount ?? 0;
      }
      times.sort((a, b) => a - b);
      const plan = (await asUser(client, engineer, `explain (analyze, buffers, format text) ${query.text}`, query.values)).rows
        .map((r: Record<string, string>) => r['QUERY PLAN'])
        .join('\n');
      const execution = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
      const p50 = percentile(times, 0.5);
      const p95 = percentile(times, 0.95);
      results.push({ name: query.name, rows: count, p50, p95, execution, plan });
      rows.push(`| ${query.name} | ${count} | ${p50.toFixed(2)} ms | ${p95.toFixed(2)} ms | ${execution.toFixed(2)} ms | ${p95 <= TARGET_MS ? '✅' : '❌'} ≤ ${TARGET_MS} ms |`);
      if (process.env.BENCH_PLANS) console.log(`\n### ${query.name}\n\`\`\`\n${plan}\n\`\`\``);
    }

    console.log(`\nStaff queue at ${sizes!.n.toLocaleString('en')} tickets (${CUSTOMERS} customers; loaded in ${loadSeconds.toFixed(1)} s; ${cpus().length} CPUs; ${RUNS} runs each, as the engineer under RLS, one transaction per query)\n`);
    console.log('| Queue query | rows | p50 (client, incl. BEGIN/role/COMMIT) | p95 | EXPLAIN ANALYZE execution | Target |');
    console.log('|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
    mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
    writeFileSync(join(import.meta.dirname, 'results', 'queue.json'), JSON.stringify({ tickets: sizes!.n, runs: RUNS, results }, null, 2));
  } finally {
    await client.end();
    await admin.end();
    await db.stop();
  }
}

await main();
