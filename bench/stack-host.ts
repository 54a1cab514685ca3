/**
 * The stack for the benchmarks (bench/stack-process.ts starts it), in a process of its own so that a
 * benchmark's clients do not share an event loop with the server they measure, and so that this
 * process's memory is the server's alone. `npm run stack` cannot raise Realtime's limits, which the
 * Realtime benchmark needs (500 and 1,000 sockets against the default 200), hence this small host.
 * Run with `--expose-gc`.
 *
 * Arguments: <supabase dir> <data dir> <api port> <db port>. Prints one JSON line when ready; then
 * answers each `mem` line on stdin with one JSON line of memory figures taken after a full GC.
 */
import { createInterface } from 'node:readline';
import { startStack } from '@pro-portal/supabase-local';
import { freePort } from '../supabase/local/core/ports.ts';

const [supabaseDir, dataDir, port, dbPort] = process.argv.slice(2);
if (!supabaseDir || !dataDir || !port || !dbPort) throw new Error('usage: stack-host.ts <supabase dir> <data dir> <api port> <db port>');

const stack = await startStack({
  supabaseDir,
  dataDir,
  port: Number(port),
  dbPort: Number(dbPort),
  mailPort: await freePort(),
  smtpPort: await freePort(),
  reset: true,
  quiet: true,
  // Hosted Realtime's tenant limits are settings too; these make room for the benchmark's own load and
  // change nothing on the paths it measures.
  realtimeLimits: { maxConcurrentUsers: 5000, maxEventsPerSecond: 1_000_000, maxJoinsPerSecond: 100_000 },
});

const gc = (globalThis as { gc?: () => void }).gc;
function memory() {
  // Twice: a first full collection can leave finalizable objects for the second.
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, gc: !!gc };
}

process.stdout.write(`${JSON.stringify({ apiUrl: stack.apiUrl, dbUrl: stack.dbUrl, anonKey: stack.keys.anonKey, jwtSecret: stack.keys.jwtSecret })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'mem') process.stdout.write(`${JSON.stringify(memory())}\n`);
});
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void stack.stop().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
