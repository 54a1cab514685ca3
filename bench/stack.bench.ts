/**
 * Benchmarks of the local stack (issue: foundation). Run with `npm run bench`; writes bench/results/stack.json
 * and prints a Markdown table for bench/README.md.
 *  1. `npm run stack` → GET /auth/v1/health 200, on a fresh data dir and on an existing one.
 *  2. RPC calls per second from 20 concurrent clients.
 * REST against direct SQL (reads, writes, 1 and 50 clients, CPU and memory) is bench/rest.bench.ts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import pg from 'pg';
import { DEMO_ANON_KEY, freePort } from '@pro-portal/supabase-local';

const root = join(import.meta.dirname, '..');

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95), min: sorted[0]!, n: sorted.length };
}
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

async function waitHealthy(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/auth/v1/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('stack did not become healthy within the deadline');
}

/** Free ports for the mail catcher too, so a benchmark can run beside `npm start`. */
async function mailPortFlags(): Promise<string[]> {
  return ['--mail-port', String(await freePort()), '--smtp-port', String(await freePort())];
}

/** Wall time from spawning `npm run stack` to a healthy /auth/v1/health, then a clean SIGINT stop. */
async function timeStackStart(dataDir: string, reset: boolean): Promise<number> {
  const port = await freePort();
  const dbPort = await freePort();
  const args = ['run', 'stack', '--', '--port', String(port), '--db-port', String(dbPort), ...(await mailPortFlags()), '--data-dir', dataDir];
  if (reset) args.push('--reset');
  const started = performance.now();
  const child = spawn('npm', args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  try {
    await waitHealthy(`http://127.0.0.1:${port}`, Date.now() + 60_000);
    return performance.now() - started;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
}

async function benchStartup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-bench-'));
  try {
    const fresh: number[] = [];
    const existing: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      fresh.push(await timeStackStart(dataDir, true));
      existing.push(await timeStackStart(dataDir, false));
    }
    return { fresh: stats(fresh), existing: stats(existing) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The stack in its own process, as `npm run stack` runs it, so client and server don't share a thread. */
async function spawnStack(dataDir: string) {
  const port = await freePort();
  const dbPort = await freePort();
  const args = ['run', 'stack', '--', '--port', String(port), '--db-port', String(dbPort), ...(await mailPortFlags()), '--data-dir', dataDir, '--reset'];
  const child = spawn('npm', args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitHealthy(apiUrl, Date.now() + 60_000);
  return {
    apiUrl,
    dbUrl: `postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres`,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGINT');
      await exited;
    },
  };
}

async function benchRequests() {
  const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-bench-'));
  const stack = await spawnStack(dataDir);
  const pool = new pg.Pool({ connectionString: stack.dbUrl, max: 20 });
  try {
    await pool.query(`
      create function public.bench_add(a int, b int) returns int language sql immutable as $$ select a + b $$;
      grant execute on function public.bench_add(int, int) to anon;`);
    // The DDL above reloads the REST schema cache through NOTIFY pgrst; wait until the function answers.
    const client = createClient(stack.apiUrl, DEMO_ANON_KEY, { auth: { persistSession: false } });
    for (let tries = 0; (await client.rpc('bench_add', { a: 1, b: 2 })).error; tries += 1) {
      if (tries > 100) throw new Error('bench_add never became visible through REST');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const concurrency = 20;
    const seconds = 5;
    const clients = Array.from({ length: concurrency }, () =>
      createClient(stack.apiUrl, DEMO_ANON_KEY, { auth: { persistSession: false } }),
    );
    let calls = 0;
    let failures = 0;
    const rpcLatency: number[] = [];
    const until = Date.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      clients.map(async (rpcClient, index) => {
        while (Date.now() < until) {
          const t = performance.now();
          const { data, error } = await rpcClient.rpc('bench_add', { a: index, b: calls });
          rpcLatency.push(performance.now() - t);
          if (error || typeof data !== 'number') failures += 1;
          calls += 1;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return {
      rpc: { perSecond: calls / elapsed, failures, latency: stats(rpcLatency), concurrency },
    };
  } finally {
    await pool.end();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const startup = await benchStartup();
const requests = await benchRequests();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const result = { date: new Date().toISOString(), machine, startup, requests };
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, 'results', 'stack.json'), `${JSON.stringify(result, null, 2)}\n`);

console.log(`Machine: ${machine}; ${result.date.slice(0, 10)}\n`);
console.log('| measure | result | target |\n|---|---|---|');
console.log(`| \`npm run stack\` → healthy, existing data dir (median of 3) | ${ms(startup.existing.median)} | ≤ 5 s |`);
console.log(`| \`npm run stack\` → healthy, fresh data dir (median of 3) | ${ms(startup.fresh.median)} | — |`);
console.log(`| RPC calls/s, ${requests.rpc.concurrency} concurrent clients (5 s) | ${Math.round(requests.rpc.perSecond)}/s, p95 ${ms(requests.rpc.latency.p95)}, ${requests.rpc.failures} failures | — |`);
