/**
 * The stack for the benchmarks (bench/stack-process.ts starts it), in a process of its own so that a
 * benchmark's clients do not share an event loop with the server they measure, and so that this
 * process's memory is the server's alone. `npm run stack` cannot raise Realtime's limits, which the
 * Realtime benchmark needs (500 and 1,000 sockets against the default 200), hence this small host.
 * Run with `--expose-gc`.
 *
 * Arguments: <supabase dir> <data dir> <api port> <db port>. Prints one JSON line when ready; then
 * answers each `mem` line on stdin with one JSON line of memory figures taken after a full GC, and
 * `alloc-start` / `alloc-stop` with the bytes of JavaScript heap allocated in between.
 */
import { createInterface } from 'node:readline';
import { GCProfiler } from 'node:v8';
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

/**
 * JavaScript heap allocated between `alloc-start` and `alloc-stop`: what each collection found in use
 * before it, less what the previous one left, plus the growth since the last one.
 */
let profiler: GCProfiler | undefined;
let allocationStart = 0;
function startAllocation() {
  profiler = new GCProfiler();
  allocationStart = process.memoryUsage().heapUsed;
  profiler.start();
  return { started: true };
}
function stopAllocation() {
  const collections = profiler?.stop()?.statistics ?? [];
  profiler = undefined;
  let allocated = 0;
  let inUse = allocationStart;
  for (const collection of collections) {
    allocated += collection.beforeGC.heapStatistics.usedHeapSize - inUse;
    inUse = collection.afterGC.heapStatistics.usedHeapSize;
  }
  allocated += process.memoryUsage().heapUsed - inUse;
  return { allocated, collections: collections.length };
}

process.stdout.write(`${JSON.stringify({ apiUrl: stack.apiUrl, dbUrl: stack.dbUrl, anonKey: stack.keys.anonKey, jwtSecret: stack.keys.jwtSecret })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  const command = line.trim();
  if (command === 'mem') process.stdout.write(`${JSON.stringify(memory())}\n`);
  else if (command === 'alloc-start') process.stdout.write(`${JSON.stringify(startAllocation())}\n`);
  else if (command === 'alloc-stop') process.stdout.write(`${JSON.stringify(stopAllocation())}\n`);
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
