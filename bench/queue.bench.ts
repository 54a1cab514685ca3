/**
 * The staff queue (issue 6) at 100,000 tickets. Run with `npx tsx bench/queue.bench.ts` (or
 * `node --import tsx bench/queue.bench.ts`); prints Markdown rows for bench/README.md and writes
 * bench/results/queue.json.
 *
 * A page of the queue is one call of `public.staff_queue` (supabase/schemas/tickets/functions/
 * public.staff_queue.sql): it reads each status group in created_at order on that
 * status's partial index (tickets_queue_*_idx) and pages by keyset (`created_at` after the cursor), never
 * OFFSET, with the names of the page joined in. Each query here is the SQL that PostgREST runs for one of
 * the app's requests, as the engineer (role `authenticated`, JWT claims set), one transaction each. The
 * plans printed with BENCH_PLANS=1 are the statements inside the function (auto_explain, nested).
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

type Query = { name: string; text: string; values: unknown[] };

async function asUser(client: pg.Client, userId: string, text: string, values: unknown[]) {
  await client.query('begin');
  await client.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [
    // The engineer with a second factor: staff rights need aal2.
    JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated', aal: 'aal2' }),
  ]);
  const result = await client.query(text, values);
  await client.query('commit');
  return result;
}

/**
 * EXPLAIN ANALYZE of a query, or of the statements a function runs (auto_explain with nested statements,
 * its plans sent to this client as notices): for a staff_queue call, one plan per status group read.
 * The execution time reported is the outer statement's.
 */
async function planOf(client: pg.Client, userId: string, query: Query): Promise<string> {
  const notices: string[] = [];
  const onNotice = (notice: { message?: string }) => notices.push(notice.message ?? '');
  client.on('notice', onNotice);
  await client.query(
    "load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on; set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice",
  );
  try {
    const outer = (await asUser(client, userId, `explain (analyze, buffers, format text) ${query.text}`, query.values)).rows
      .map((r: Record<string, string>) => r['QUERY PLAN'])
      .join('\n');
    return [...notices.filter((n) => n.includes('public.tickets') && !n.includes('explain (analyze')), outer].join('\n\n');
  } finally {
    await client.query('set auto_explain.log_min_duration = -1');
    client.off('notice', onNotice);
  }
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main() {
  const db = await startScratchDb(SUPABASE_DIR);
  const admin = new pg.Client({ connectionString: db.dbUrl });
  await admin.connect();
  const client = new pg.Client({ connectionString: db.dbUrl });
  await client.connect();
  // Plans of the statements inside a function need auto_explain, which only the superuser may load.
  const superuserUrl = new URL(db.dbUrl);
  superuserUrl.username = 'supabase_admin';
  const planner = new pg.Client({ connectionString: superuserUrl.toString() });
  await planner.connect();
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
    // As text, not Date: a cursor keeps created_at's microseconds.
    const deep = (await admin.query<{ created_at: string }>(
      "select created_at::text as created_at from public.tickets where status = 'resolved' order by created_at desc offset 50000 limit 1",
    )).rows[0]!.created_at;
    const afterFirstPage = (await admin.query<{ created_at: string }>(
      "select created_at::text as created_at from public.tickets where status = 'new' order by created_at offset 24 limit 1",
    )).rows[0]!.created_at;

    const queuePage = (args: { status?: string; category?: string; assignee?: string; search?: string; cursor?: object }): Query => ({
      name: '',
      text: 'select public.staff_queue($1, $2, $3, $4, $5::jsonb, 25)',
      values: [args.status ?? 'open', args.category ?? null, args.assignee ?? null, args.search ?? null, args.cursor ? JSON.stringify(args.cursor) : null],
    });
    const queries: Query[] = [
      { ...queuePage({}), name: 'Queue, first page (open: new, oldest first)' },
      { ...queuePage({ cursor: { group: 0, after: afterFirstPage } }), name: 'Queue, next page (cursor after the 25th new ticket)' },
      { ...queuePage({ status: 'resolved', cursor: { group: 0, after: deep } }), name: 'Resolved, page 2,000 deep (cursor, newest first)' },
      { ...queuePage({ status: 'all', cursor: { group: 3, after: null } }), name: 'All statuses, page crossing from awaiting confirmation into resolved' },
      { ...queuePage({ status: 'in_progress', category: 'investigation' }), name: 'In progress + category filter' },
      { ...queuePage({ status: 'in_progress', assignee: 'mine' }), name: '"Mine" (assignee) on in progress' },
      { ...queuePage({ status: 'all', search: '51234' }), name: 'Search by number (all statuses)' },
      { ...queuePage({ status: 'resolved', search: 'queue-1234@bench.test' }), name: 'Search by customer email (resolved)' },
      { ...queuePage({ status: 'all', search: 'queue-1234@bench.test' }), name: 'Search by customer email (all statuses)' },
      { ...queuePage({ status: 'resolved', search: 'ticket 4242' }), name: 'Search subject words (resolved, ilike)' },
      { name: 'Count of one status (resolved, the largest)', text: "select count(*) from public.tickets where status = 'resolved'", values: [] },
      { name: 'Count of one open status (new)', text: "select count(*) from public.tickets where status = 'new'", values: [] },
      { name: 'Every count at once (staff_queue_counts)', text: 'select public.staff_queue_counts()', values: [] },
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
        // A queue page counts its tickets; a count query its one row.
        const page = (result.rows[0] as { staff_queue?: { rows: unknown[] } } | undefined)?.staff_queue;
        count = page ? page.rows.length : (result.rowCount ?? 0);
      }
      times.sort((a, b) => a - b);
      const plan = await planOf(planner, engineer, query);
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
    await planner.end();
    await admin.end();
    await db.stop();
  }
}

await main();
