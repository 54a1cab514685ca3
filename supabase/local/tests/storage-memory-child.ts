/**
 * A stack in a process of its own, for storage-api.test.ts to measure what streaming a large object
 * costs the stack alone. Prints `{apiUrl, serviceRoleKey}` as a JSON line; then answers each stdin line
 * `reset` (start measuring) or `report` (the peak RSS growth since, in bytes) with a JSON line, and
 * stops when stdin ends. Collects garbage before each sample, so what it reports is memory held.
 */
import { createInterface } from 'node:readline';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const running = await startThrowawayStack({
  label: 'storage-memory',
  supabaseDir: process.argv[2]!,
  configOverlay: { storage: { enabled: true, file_size_limit: '150MiB' } },
});
const client = new pg.Client({ connectionString: running.dbUrl });
await client.connect();
await client.query("insert into storage.buckets (id, name) values ('big', 'big')");
await client.end();

let baseline = 0;
let peak = 0;
const sample = () => {
  gc();
  peak = Math.max(peak, process.memoryUsage().rss);
};
setInterval(sample, 200).unref();

process.stdout.write(`${JSON.stringify({ apiUrl: running.apiUrl, serviceRoleKey: running.keys.serviceRoleKey })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'reset') {
    gc();
    baseline = process.memoryUsage().rss;
    peak = baseline;
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  } else if (line === 'report') {
    sample();
    process.stdout.write(`${JSON.stringify({ growth: peak - baseline })}\n`);
  }
}
await running.stop();
process.exit(0);
