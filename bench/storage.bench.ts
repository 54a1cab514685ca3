/**
 * Storage through the local stack (issue 15). Run with `npm run bench:storage` (also part of `npm run bench`);
 * writes bench/results/storage.json and prints a Markdown table for bench/README.md.
 *  1. A 100 MB file: upload (raw POST /storage/v1/object, service role) and download (GET, written to a
 *     file on the same disk), each as a ratio of a plain stream copy of the same file on that disk.
 *  2. The same file as a TUS resumable upload in 6 MB chunks (tus-js-client).
 *  3. 20 concurrent uploads of 5 MB: aggregate throughput and p95 latency (3 rounds).
 *  4. The stack process's extra RSS while it streams: sampled every 20 ms from /proc, minus its idle RSS.
 * The stack runs as `npm run stack` does, in its own process (Postgres in its children, not counted in RSS).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tus from 'tus-js-client';
import { DEMO_SERVICE_ROLE_KEY } from '../supabase/local/core/keys.ts';
import { configOnlyProject, removeDir, startStackProcess, type StackProcess } from '../supabase/local/tests/stack-process.ts';

const MB = 1024 * 1024;
const FILE_BYTES = 100 * MB;
const BUCKET = 'bench';
const service = { apikey: DEMO_SERVICE_ROLE_KEY, authorization: `Bearer ${DEMO_SERVICE_ROLE_KEY}` };

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95), min: sorted[0]!, max: sorted.at(-1)!, n: sorted.length };
}
const mbps = (bytes: number, ms: number) => bytes / MB / (ms / 1000);
const round = (value: number) => Math.round(value * 10) / 10;

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((row) => row.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

/** Runs `work` while sampling the stack's RSS; returns the work's result and the peak RSS seen. */
async function sampled<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssBytes(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, rssBytes(pid)) };
  } finally {
    clearInterval(timer);
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

function upload(stack: StackProcess, name: string, source: () => NodeJS.ReadableStream, length: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${stack.apiUrl}/storage/v1/object/${BUCKET}/${name}`, {
      method: 'POST',
      headers: { ...service, 'content-type': 'application/octet-stream', 'content-length': String(length), 'x-upsert': 'true' },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`upload ${name}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    pipeline(source(), req).catch(reject);
  });
}

function download(stack: StackProcess, name: string, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${stack.apiUrl}/storage/v1/object/${BUCKET}/${name}`, { headers: service });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`download ${name}: ${res.statusCode}`));
        res.resume();
        return;
      }
      pipeline(res, createWriteStream(target)).then(() => resolve(statSync(target).size), reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function tusUpload(stack: StackProcess, name: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    new tus.Upload(createReadStream(path), {
      endpoint: `${stack.apiUrl}/storage/v1/upload/resumable`,
      chunkSize: 6 * MB,
      retryDelays: null,
      storeFingerprintForResuming: false,
      headers: { ...service, 'x-upsert': 'true' },
      metadata: { bucketName: BUCKET, objectName: name, contentType: 'application/octet-stream' },
      onSuccess: () => resolve(),
      onError: reject,
    }).start();
  });
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

const scratch = mkdtempSync(join(tmpdir(), 'pro-portal-bench-storage-'));
const workdir = configOnlyProject('[storage]\nenabled = true\nfile_size_limit = "200MiB"\n\n[local_smtp]\nenabled = false\n');
const source = join(scratch, 'source.bin');
// Its own temp dir: Postgres runs as another OS user, who must be able to enter it.
const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-bench-storage-data-'));
const loadBefore = loadavg();
let stack: StackProcess | undefined;
try {
  const out = createWriteStream(source);
  for (let written = 0; written < FILE_BYTES; written += 4 * MB) {
    if (!out.write(randomBytes(4 * MB))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  const sourceHash = await sha256File(source);

  // The floor: the same bytes streamed from file to file on this disk.
  const copies: number[] = [];
  const syncedCopies: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    copies.push(await timed(() => pipeline(createReadStream(source), createWriteStream(join(scratch, `copy-${run}.bin`)))));
    // The same, flushed to disk as the stack flushes an upload before it becomes the object.
    syncedCopies.push(
      await timed(async () => {
        const target = join(scratch, `synced-${run}.bin`);
        await pipeline(createReadStream(source), createWriteStream(target));
        const handle = await open(target, 'r');
        await handle.sync();
        await handle.close();
      }),
    );
  }

  stack = await startStackProcess({ workdir, dataDir, reset: true });
  const created = await fetch(`${stack.apiUrl}/storage/v1/bucket`, {
    method: 'POST',
    headers: { ...service, 'content-type': 'application/json' },
    body: JSON.stringify({ id: BUCKET, name: BUCKET, public: false }),
  });
  if (created.status !== 200) throw new Error(`creating the bucket: ${created.status} ${await created.text()}`);
  await upload(stack, 'warm-up.bin', () => createReadStream(source, { end: MB - 1 }), MB);
  await download(stack, 'warm-up.bin', join(scratch, 'warm-down.bin'));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idle = stats(Array.from({ length: 10 }, () => rssBytes(stack!.pid))).median;

  const uploads: number[] = [];
  const downloads: number[] = [];
  let uploadPeak = 0;
  let downloadPeak = 0;
  for (let run = 0; run < 3; run += 1) {
    const up = await sampled(stack.pid, () => timed(() => upload(stack!, 'big.bin', () => createReadStream(source), FILE_BYTES)));
    uploads.push(up.result);
    uploadPeak = Math.max(uploadPeak, up.peak);
    const target = join(scratch, `down-${run}.bin`);
    const down = await sampled(stack.pid, () => timed(() => download(stack!, 'big.bin', target)));
    downloads.push(down.result);
    downloadPeak = Math.max(downloadPeak, down.peak);
    if (statSync(target).size !== FILE_BYTES || (run === 0 && (await sha256File(target)) !== sourceHash)) {
      throw new Error('the downloaded file differs from the uploaded one');
    }
  }

  const tusRun = await sampled(stack.pid, () => timed(() => tusUpload(stack!, 'big-tus.bin', source)));
  await download(stack, 'big-tus.bin', join(scratch, 'tus-down.bin'));
  if ((await sha256File(join(scratch, 'tus-down.bin'))) !== sourceHash) throw new Error('the TUS upload stored other bytes');

  const concurrency = 20;
  const small = randomBytes(5 * MB);
  const latencies: number[] = [];
  const rounds: number[] = [];
  let concurrentPeak = 0;
  for (let roundNo = 0; roundNo < 3; roundNo += 1) {
    const run = await sampled(stack.pid, () =>
      timed(() =>
        Promise.all(
          Array.from({ length: concurrency }, async (_, index) => {
            const started = performance.now();
            await new Promise<void>((resolve, reject) => {
              const req = httpRequest(`${stack!.apiUrl}/storage/v1/object/${BUCKET}/concurrent-${index}.bin`, {
                method: 'POST',
                headers: { ...service, 'content-type': 'application/octet-stream', 'x-upsert': 'true' },
              });
              req.on('response', (res) => {
                res.resume();
                res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`concurrent upload: ${res.statusCode}`))));
              });
              req.on('error', reject);
              req.end(small);
            });
            latencies.push(performance.now() - started);
          }),
        ),
      ),
    );
    rounds.push(run.result);
    concurrentPeak = Math.max(concurrentPeak, run.peak);
  }

  const copy = stats(copies);
  const syncedCopy = stats(syncedCopies);
  const up = stats(uploads);
  const down = stats(downloads);
  const latency = stats(latencies);
  const concurrentMbps = stats(rounds.map((ms) => mbps(concurrency * small.length, ms))).median;
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    load: { before: loadBefore.map(round), after: loadavg().map(round) },
    copyMBps: round(mbps(FILE_BYTES, copy.median)),
    syncedCopyMBps: round(mbps(FILE_BYTES, syncedCopy.median)),
    uploadRatioSynced: round((100 * syncedCopy.median) / up.median),
    uploadMBps: round(mbps(FILE_BYTES, up.median)),
    downloadMBps: round(mbps(FILE_BYTES, down.median)),
    uploadRatio: round((100 * copy.median) / up.median),
    downloadRatio: round((100 * copy.median) / down.median),
    tusMBps: round(mbps(FILE_BYTES, tusRun.result)),
    concurrent: { uploads: concurrency, sizeMB: 5, MBps: round(concurrentMbps), p95ms: Math.round(latency.p95), medianMs: Math.round(latency.median) },
    rssMB: {
      idle: round(idle / MB),
      extraUpload: round((uploadPeak - idle) / MB),
      extraDownload: round((downloadPeak - idle) / MB),
      extraTus: round((tusRun.peak - idle) / MB),
      extraConcurrent: round((concurrentPeak - idle) / MB),
    },
  };
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(join(import.meta.dirname, 'results', 'storage.json'), `${JSON.stringify(result, null, 2)}\n`);

  const extra = Math.max(result.rssMB.extraUpload, result.rssMB.extraDownload, result.rssMB.extraTus, result.rssMB.extraConcurrent);
  console.log(`Machine: ${result.machine}; load average before ${result.load.before.join(' ')}, after ${result.load.after.join(' ')}\n`);
  console.log('| measure | result | target |\n|---|---|---|');
  console.log(`| plain stream copy of 100 MB on the same disk (median of 3) | ${result.copyMBps} MB/s | — |`);
  console.log(`| the same copy, then fsync (median of 3) | ${result.syncedCopyMBps} MB/s | — |`);
  console.log(`| upload of 100 MB through the stack (median of 3) | ${result.uploadMBps} MB/s = **${result.uploadRatio} %** of the copy (${result.uploadRatioSynced} % of the fsynced copy) | ≥ 50 % |`);
  console.log(`| download of 100 MB through the stack to a file (median of 3) | ${result.downloadMBps} MB/s = **${result.downloadRatio} %** of the copy | ≥ 50 % |`);
  console.log(`| TUS upload of 100 MB in 6 MB chunks (tus-js-client) | ${result.tusMBps} MB/s | — |`);
  console.log(`| ${concurrency} concurrent uploads of 5 MB (3 rounds) | ${result.concurrent.MBps} MB/s, latency median ${result.concurrent.medianMs} ms, p95 ${result.concurrent.p95ms} ms | — |`);
  console.log(`| stack process RSS: idle / extra while streaming (upload, download, TUS, concurrent) | ${result.rssMB.idle} MB / +${result.rssMB.extraUpload}, +${result.rssMB.extraDownload}, +${result.rssMB.extraTus}, +${result.rssMB.extraConcurrent} MB | ≤ 100 MB extra ${extra <= 100 ? '✅' : '❌'} |`);
} finally {
  await stack?.stop();
  removeDir(workdir);
  removeDir(scratch);
  removeDir(dataDir);
}
