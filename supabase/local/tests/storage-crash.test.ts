/**
 * A crash mid-upload never leaves a half-written object. The stack runs as `npm run stack` does, in a
 * process of its own (tests/stack-process.ts); it is killed outright — SIGKILL to its process group, so
 * the stack and its Postgres die at once — in the middle of plain uploads, an overwrite and a TUS chunk,
 * then started again on the same data dir. Also Postgres alone is killed during an upload (the stack
 * restarts it). Afterwards: every storage.objects row downloads whole (its size, its bytes), an object
 * whose upload was cut off does not exist (no row, nothing served), the overwritten object still has its
 * old bytes, and the TUS upload resumes from where its bytes reached the disk. Last, with the stack in
 * this process holding Postgres down: a TUS upload whose last byte arrives while the database is gone is
 * kept, and the client's retry (a HEAD) writes the object once the database is back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SERVICE_ROLE_KEY } from '../core/keys.ts';
import { TUS_CHUNK_BYTES } from '../storage/tus/index.ts';
import type { RunningStack } from '../stack.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { Hold, postmasterPid } from './postgres-hold.ts';
import { configOnlyProject, removeDir, startStackProcess, type StackProcess } from './stack-process.ts';

const MB = 1024 * 1024;
const BUCKET = 'crash';
const service = { apikey: DEMO_SERVICE_ROLE_KEY, authorization: `Bearer ${DEMO_SERVICE_ROLE_KEY}` };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const workdir = configOnlyProject('[storage]\nenabled = true\n\n[local_smtp]\nenabled = false\n');
const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-storage-crash-'));
let stack: StackProcess;
/** What must be stored, and nothing else: object name → sha256 of its bytes. */
const committed = new Map<string, string>();

async function restart(): Promise<void> {
  stack = await startStackProcess({ workdir, dataDir, reset: false, ports: stack.ports });
}

async function rows(): Promise<Array<{ name: string; size: number; version: string }>> {
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    const result = await client.query<{ name: string; size: string; version: string }>(
      "select name, metadata->>'size' as size, version from storage.objects where bucket_id = $1 order by name",
      [BUCKET],
    );
    return result.rows.map((row) => ({ ...row, size: Number(row.size) }));
  } finally {
    await client.end();
  }
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string, relative = ''): string[] {
  let entries;
  try {
    entries = readdirSync(join(dir, relative), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(dir, path) : [path];
  });
}

const objectUrl = (name: string) => `${stack.apiUrl}/storage/v1/object/${BUCKET}/${name}`;

async function uploadWhole(name: string, body: Buffer<ArrayBuffer>): Promise<void> {
  const response = await fetch(objectUrl(name), {
    method: 'POST',
    headers: { ...service, 'content-type': 'application/octet-stream', 'x-upsert': 'true' },
    body,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  committed.set(name, sha256(body));
}

/**
 * A raw upload that declares its whole length but sends only `sent` bytes before `then` runs (a kill);
 * with `rest: true` it then sends the remainder. Resolves to the HTTP status, or 0 if the connection died.
 */
function cutUpload(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: Buffer,
  sent: number,
  then: () => Promise<void>,
  rest = false,
): Promise<number> {
  // Settles once the answer (or the broken connection) is in AND `then` has finished, so that a kill
  // is complete (Postgres gone too) before the caller restarts anything.
  let after: Promise<void> = Promise.resolve();
  const answered = new Promise<number>((resolve) => {
    const req = httpRequest(url, { method, headers: { ...headers, 'content-length': String(body.length) } });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.write(body.subarray(0, sent), () => {
      // A moment for the bytes to cross the socket and reach the stack's disk before the kill.
      after = new Promise((wait) => setTimeout(wait, 500))
        .then(then)
        .then(() => {
          if (rest) req.end(body.subarray(sent));
        });
    });
  });
  return answered.then(async (status) => {
    await after;
    return status;
  });
}

/**
 * Every row downloads whole with the committed bytes; every committed object has its row; nothing else.
 * On disk (`<dataDir>/storage/<bucket>/<key>/#<version>`, temp files in `storage-tmp/`): exactly one
 * file per row, of the row's size, and no temp file left from before the restart.
 */
async function expectNothingHalfWritten(): Promise<void> {
  const stored = await rows();
  expect(stored.map((row) => row.name)).toEqual([...committed.keys()].sort());
  const objectFiles = filesUnder(join(dataDir, 'storage')).filter((path) => !path.startsWith('.tus/'));
  expect(objectFiles.sort(), 'one file per row, no other').toEqual(stored.map((row) => `${BUCKET}/${row.name}/#${row.version}`).sort());
  for (const row of stored) {
    expect(statSync(join(dataDir, 'storage', BUCKET, row.name, `#${row.version}`)).size).toBe(row.size);
  }
  expect(filesUnder(join(dataDir, 'storage-tmp')), 'temp files of cut-off uploads are gone').toEqual([]);
  for (const row of stored) {
    const response = await fetch(objectUrl(row.name), { headers: service });
    expect(response.status, row.name).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length, `${row.name}: the size its row gives`).toBe(row.size);
    expect(sha256(bytes), `${row.name}: the bytes committed`).toBe(committed.get(row.name));
  }
}

async function expectAbsent(name: string): Promise<void> {
  const response = await fetch(`${stack.apiUrl}/storage/v1/object/info/${BUCKET}/${name}`, { headers: service });
  const body = (await response.json()) as { code?: string };
  expect(body.code, `${name} must not exist`).toBe('NoSuchKey');
  const download = await fetch(objectUrl(name), { headers: service });
  expect(download.status).not.toBe(200);
  await download.body?.cancel();
}

beforeAll(async () => {
  stack = await startStackProcess({ workdir, dataDir, reset: true });
  const created = await fetch(`${stack.apiUrl}/storage/v1/bucket`, {
    method: 'POST',
    headers: { ...service, 'content-type': 'application/json' },
    body: JSON.stringify({ id: BUCKET, name: BUCKET, public: false }),
  });
  expect(created.status, await created.clone().text()).toBe(200);
}, 120_000);

afterAll(async () => {
  await stack?.kill();
  removeDir(workdir);
  removeDir(dataDir);
});

describe('the stack killed mid-upload', () => {
  it('whole stack SIGKILLed during a new upload and an overwrite: no half object, the old version intact', async () => {
    const original = randomBytes(5 * MB);
    await uploadWhole('kept.bin', original);

    const headers = { ...service, 'content-type': 'application/octet-stream' };
    const replacement = randomBytes(30 * MB);
    const fresh = randomBytes(30 * MB);
    let killed!: Promise<void>;
    const kill = () => (killed ??= stack.kill());
    const statuses = await Promise.all([
      cutUpload(objectUrl('kept.bin'), 'POST', { ...headers, 'x-upsert': 'true' }, replacement, 12 * MB, kill),
      cutUpload(objectUrl('fresh.bin'), 'POST', headers, fresh, 12 * MB, kill),
    ]);
    expect(statuses, 'both uploads died with the stack').toEqual([0, 0]);

    await restart();
    await expectAbsent('fresh.bin');
    await expectNothingHalfWritten();
    // The stack still takes the same names afterwards.
    await uploadWhole('fresh.bin', fresh);
    await expectNothingHalfWritten();
  }, 120_000);

  it('whole stack SIGKILLed during a TUS chunk: no object; the upload resumes from HEAD and completes', async () => {
    const body = randomBytes(3 * TUS_CHUNK_BYTES + 1000);
    const name = 'resumable.bin';
    const tusHeaders = { ...service, 'tus-resumable': '1.0.0', 'x-upsert': 'false' };
    const created = await fetch(`${stack.apiUrl}/storage/v1/upload/resumable`, {
      method: 'POST',
      headers: {
        ...tusHeaders,
        'upload-length': String(body.length),
        'upload-metadata': `bucketName ${Buffer.from(BUCKET).toString('base64')},objectName ${Buffer.from(name).toString('base64')}`,
      },
    });
    expect(created.status).toBe(201);
    const url = created.headers.get('location')!;
    const patch = (offset: number) => ({ ...tusHeaders, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' });
    const first = await fetch(url, { method: 'PATCH', headers: patch(0), body: body.subarray(0, TUS_CHUNK_BYTES) });
    expect(first.status).toBe(204);

    const status = await cutUpload(url, 'PATCH', patch(TUS_CHUNK_BYTES), body.subarray(TUS_CHUNK_BYTES, 2 * TUS_CHUNK_BYTES), 3 * MB, () => stack.kill());
    expect(status).toBe(0);

    await restart();
    await expectAbsent(name);
    await expectNothingHalfWritten();
    const head = await fetch(url, { method: 'HEAD', headers: tusHeaders });
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset, 'the first chunk survived the kill').toBeGreaterThanOrEqual(TUS_CHUNK_BYTES);
    expect(offset).toBeLessThanOrEqual(TUS_CHUNK_BYTES + 3 * MB);

    const patchOffsets: number[] = [];
    await new Promise<void>((resolve, reject) => {
      new tus.Upload(body, {
        uploadUrl: url,
        chunkSize: TUS_CHUNK_BYTES,
        retryDelays: null,
        storeFingerprintForResuming: false,
        headers: tusHeaders,
        onBeforeRequest: (req) => {
          if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
        },
        onSuccess: () => resolve(),
        onError: reject,
      }).start();
    });
    expect(patchOffsets[0]).toBe(offset);
    committed.set(name, sha256(body));
    await expectNothingHalfWritten();
  }, 120_000);

  it('Postgres alone killed during an upload: the object is whole with its row, or absent', async () => {
    const body = randomBytes(20 * MB);
    const name = 'during-outage.bin';
    const status = await cutUpload(
      objectUrl(name),
      'POST',
      { ...service, 'content-type': 'application/octet-stream' },
      body,
      8 * MB,
      async () => {
        process.kill(postmasterPid(dataDir), 'SIGKILL');
      },
      true,
    );
    // The stack brings Postgres back by itself.
    const started = Date.now();
    while ((await fetch(`${stack.apiUrl}/storage/v1/bucket/${BUCKET}`, { headers: service }).then((r) => r.status, () => 0)) !== 200) {
      if (Date.now() - started > 30_000) throw new Error('storage did not answer again within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (status === 200) committed.set(name, sha256(body));
    else await expectAbsent(name);
    await expectNothingHalfWritten();
  }, 120_000);
});

describe('Postgres down when the last byte of a TUS upload arrives', () => {
  let hold = new Hold();
  hold.release();
  let local: RunningStack & { dataDir: string };

  beforeAll(async () => {
    local = await startThrowawayStack({
      label: 'storage-crash-hold',
      supabaseDir: join(workdir, 'supabase'),
      beforePostgresRestart: () => hold.wait(),
    });
    const created = await fetch(`${local.apiUrl}/storage/v1/bucket`, {
      method: 'POST',
      headers: { ...service, 'content-type': 'application/json' },
      body: JSON.stringify({ id: BUCKET, name: BUCKET, public: false }),
    });
    expect(created.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    hold.release();
    await local?.stop();
  });

  it('keeps the complete upload (429 SlowDown), and the HEAD of the retry writes the object once Postgres is back', async () => {
    const body = randomBytes(TUS_CHUNK_BYTES + 100_000);
    const name = 'finished-during-outage.bin';
    const tusHeaders = { ...service, 'tus-resumable': '1.0.0', 'x-upsert': 'false' };
    const created = await fetch(`${local.apiUrl}/storage/v1/upload/resumable`, {
      method: 'POST',
      headers: {
        ...tusHeaders,
        'upload-length': String(body.length),
        'upload-metadata': `bucketName ${Buffer.from(BUCKET).toString('base64')},objectName ${Buffer.from(name).toString('base64')}`,
      },
    });
    const url = created.headers.get('location')!;
    const patch = (offset: number) => ({ ...tusHeaders, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' });
    expect((await fetch(url, { method: 'PATCH', headers: patch(0), body: body.subarray(0, TUS_CHUNK_BYTES) })).status).toBe(204);

    // The last chunk is let in (checked against the live database), then Postgres dies before it ends.
    const last = body.subarray(TUS_CHUNK_BYTES);
    const version = Buffer.from(url.split('/').pop()!, 'base64url').toString('utf8').split('/').pop()!;
    const chunkFile = join(local.dataDir, 'storage', '.tus', version);
    const status = await cutUpload(url, 'PATCH', patch(TUS_CHUNK_BYTES), last, 50_000, async () => {
      // Only once the chunk's first bytes are on disk: the PATCH has passed its checks by then.
      for (const started = Date.now(); statSync(chunkFile).size <= TUS_CHUNK_BYTES; ) {
        if (Date.now() - started > 10_000) throw new Error('the last chunk never reached the disk');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      hold = new Hold();
      process.kill(postmasterPid(local.dataDir), 'SIGKILL');
      await hold.reached;
    }, true);
    // storage-api answers 429 SlowDown when it cannot reach the database.
    expect(status, 'the object could not be written').toBe(429);
    const whileDown = await fetch(url, { method: 'HEAD', headers: tusHeaders });
    expect(whileDown.status, 'still not writable while Postgres is down').toBe(429);
    expect(readdirSync(join(local.dataDir, 'storage', '.tus')).length, 'the complete upload is kept').toBe(2);

    hold.release();
    const started = Date.now();
    while ((await fetch(`${local.apiUrl}/storage/v1/bucket/${BUCKET}`, { headers: service }).then((r) => r.status, () => 0)) !== 200) {
      if (Date.now() - started > 30_000) throw new Error('storage did not answer again within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const head = await fetch(url, { method: 'HEAD', headers: tusHeaders });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(body.length));
    const download = await fetch(`${local.apiUrl}/storage/v1/object/${BUCKET}/${name}`, { headers: service });
    expect(download.status).toBe(200);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(body));
    // Written once: asking again changes nothing, and nothing more can be sent to it.
    expect((await fetch(url, { method: 'HEAD', headers: tusHeaders })).status).toBe(200);
    const [row] = await (async () => {
      const client = new pg.Client({ connectionString: local.dbUrl });
      await client.connect();
      try {
        return (await client.query('select name from storage.objects where bucket_id = $1', [BUCKET])).rows;
      } finally {
        await client.end();
      }
    })();
    expect(row).toEqual({ name });
    expect((await fetch(url, { method: 'PATCH', headers: patch(body.length), body: new Uint8Array(0) })).status).toBe(404);
  }, 120_000);
});
