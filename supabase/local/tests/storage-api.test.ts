/**
 * Storage through the gateway as supabase-js uses it: buckets, objects, listing, move, copy, removal,
 * public and signed URLs, signed uploads, limits, ranges and key rules — with storage-api's error
 * bodies — and RLS on storage.objects deciding every object operation of a caller (policies created
 * here, as a project's migration would), the service role bypassing them. Files live on disk under the
 * stack's data dir; the last tests look there.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { signJwt } from '../core/jwt.ts';
import { createGateway } from '../gateway/index.ts';
import { createStorageService } from '../storage/index.ts';
import { createStore, sweepOrphans } from '../storage/store.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { stack as project } from './helpers.ts';

let running: Awaited<ReturnType<typeof startThrowawayStack>>;
let service: SupabaseClient;
let alice: { client: SupabaseClient; id: string };
let bob: { client: SupabaseClient; id: string };

const noPersistence = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: running.dbUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

let users = 0;
/** A confirmed user made with the admin API (the project confirms sign-ups by mail), signed in. */
async function signUp(): Promise<{ client: SupabaseClient; id: string }> {
  const email = `storage-${process.pid}-${++users}@example.test`;
  const admin = createClient(running.apiUrl, running.keys.serviceRoleKey, noPersistence);
  const created = await admin.auth.admin.createUser({ email, password: 'correct-horse-battery', email_confirm: true });
  if (created.error) throw new Error(`creating a user failed: ${created.error.message}`);
  const client = createClient(running.apiUrl, running.keys.anonKey, noPersistence);
  const { error } = await client.auth.signInWithPassword({ email, password: 'correct-horse-battery' });
  if (error) throw new Error(`sign-in failed: ${error.message}`);
  return { client, id: created.data.user.id };
}

/** The storage error supabase-js hands back, in the fields a test compares. */
function shape(error: unknown) {
  const e = error as { status?: number; statusCode?: string; message?: string } | null;
  return e && { status: e.status, statusCode: e.statusCode, message: e.message };
}

async function text(blob: Blob | null): Promise<string> {
  return blob ? await blob.text() : '';
}

beforeAll(async () => {
  running = await startThrowawayStack({
    label: 'storage',
    supabaseDir: project.supabaseDir,
    configOverlay: {
      storage: {
        enabled: true,
        file_size_limit: '150MiB',
        buckets: { seeded: { public: true, file_size_limit: '1MiB', allowed_mime_types: ['image/png'] } },
      },
      auth: { rate_limit: { sign_in_sign_ups: 100000 } },
    },
  });
  service = createClient(running.apiUrl, running.keys.serviceRoleKey, noPersistence);
  [alice, bob] = [await signUp(), await signUp()];
  // As a project's migration writes them: each user owns the folder named after their id.
  await sql(`
    insert into storage.buckets (id, name, public) values ('private', 'private', false), ('pictures', 'pictures', true);
    create policy "own folder: read" on storage.objects for select to authenticated
      using (bucket_id = 'private' and (storage.foldername(name))[1] = (select auth.uid())::text);
    create policy "own folder: add" on storage.objects for insert to authenticated
      with check (bucket_id = 'private' and (storage.foldername(name))[1] = (select auth.uid())::text);
    create policy "own folder: change" on storage.objects for update to authenticated
      using (bucket_id = 'private' and (storage.foldername(name))[1] = (select auth.uid())::text)
      with check (bucket_id = 'private' and (storage.foldername(name))[1] = (select auth.uid())::text);
    create policy "own folder: remove" on storage.objects for delete to authenticated
      using (bucket_id = 'private' and (storage.foldername(name))[1] = (select auth.uid())::text);
    create policy "buckets: read" on storage.buckets for select to authenticated using (true);
  `);
}, 180_000);
afterAll(() => running?.stop());

describe('the gateway', () => {
  it('answers 501 in words when [storage] enabled = false', async () => {
    const fail = () => Promise.reject(new Error('not used'));
    const gateway = createGateway({ keys: running.keys, log: { info() {}, error() {} }, services: { rest: fail, auth: fail, functions: fail } });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = gateway.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/storage/v1/bucket`, { headers: { apikey: running.keys.anonKey } });
      expect(response.status).toBe(501);
      expect(await response.json()).toEqual({ code: 'not_implemented', message: expect.stringMatching(/\[storage\] enabled = true/) });
    } finally {
      gateway.closeAllConnections();
      await new Promise((resolve) => gateway.close(resolve));
    }
  });

  it('sends storage its own CORS preflight and takes the new-style keys', async () => {
    const preflight = await fetch(`${running.apiUrl}/storage/v1/object/private/a.txt`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, x-upsert' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, x-upsert');
    const secret = createClient(running.apiUrl, running.keys.secretKey, noPersistence);
    expect((await secret.storage.getBucket('private')).data?.id).toBe('private');
    // An unknown route is storage-api's 404.
    const unknown = await fetch(`${running.apiUrl}/storage/v1/nothing/here`, { headers: { apikey: running.keys.anonKey } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ statusCode: '404', code: 'InvalidRequest', error: 'Not Found', message: 'Route GET:/nothing/here not found' });
  });
});

describe('TUS hand-off', () => {
  /** A gateway whose storage service loads `tusModule` (the real one loads storage/tus/index.ts). */
  async function gatewayWithTus(tusModule: string) {
    const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-storage-tus-'));
    const pools = { user: new pg.Pool({ connectionString: running.dbUrl, max: 2 }), admin: new pg.Pool({ connectionString: running.dbUrl, max: 2 }) };
    const log = { info() {}, error() {} };
    const storage = await createStorageService({
      keys: running.keys, apiUrl: running.apiUrl, dataDir, reset: true, globalFileSizeLimit: 1024, pools, log, tusModule,
    });
    const fail = () => Promise.reject(new Error('not used'));
    const gateway = createGateway({ keys: running.keys, log, services: { rest: fail, auth: fail, functions: fail, storage } });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/storage/v1`,
      async close() {
        gateway.closeAllConnections();
        await new Promise((resolve) => gateway.close(resolve));
        await storage.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }

  it('hands /upload/resumable (OPTIONS, POST, HEAD, PATCH; /sign without headers) to createTusHandler with the caller', async () => {
    const gateway = await gatewayWithTus(join(import.meta.dirname, 'fixtures', 'tus-stand-in.ts'));
    try {
      const session = (await alice.client.auth.getSession()).data.session!;
      const auth = { apikey: running.keys.anonKey, authorization: `Bearer ${session.access_token}` };
      const seen = (response: Response) =>
        ['x-method', 'x-url', 'x-role', 'x-sub', 'x-store'].map((name) => response.headers.get(name));
      const preflight = await fetch(`${gateway.url}/upload/resumable`, { method: 'OPTIONS' });
      expect([preflight.status, ...seen(preflight)]).toEqual([204, 'OPTIONS', '/storage/v1/upload/resumable', 'anon', '', 'yes']);
      const create = await fetch(`${gateway.url}/upload/resumable`, { method: 'POST', headers: { ...auth, 'upload-length': '3' } });
      expect(seen(create)).toEqual(['POST', '/storage/v1/upload/resumable', 'authenticated', alice.id, 'yes']);
      for (const method of ['HEAD', 'PATCH', 'DELETE']) {
        const response = await fetch(`${gateway.url}/upload/resumable/abc`, { method, headers: auth, ...(method === 'PATCH' ? { body: 'abc' } : {}) });
        expect(seen(response)[0], method).toBe(method);
      }
      const signed = await fetch(`${gateway.url}/upload/resumable/sign`, { method: 'POST', headers: { 'x-signature': 'token' } });
      expect(seen(signed).slice(0, 3)).toEqual(['POST', '/storage/v1/upload/resumable/sign', 'anon']);
      // Outside /sign a bad JWT never reaches it, and neither does a request without the apikey.
      const forged = await fetch(`${gateway.url}/upload/resumable`, { method: 'POST', headers: { apikey: running.keys.anonKey, authorization: 'Bearer x.y.z' } });
      expect([forged.status, ((await forged.json()) as { code: string }).code]).toEqual([400, 'AccessDenied']);
      expect((await fetch(`${gateway.url}/upload/resumable`, { method: 'POST' })).status).toBe(401);
    } finally {
      await gateway.close();
    }
  });

  it("answers storage-api's 404 route error while there is no TUS module", async () => {
    const gateway = await gatewayWithTus(join(import.meta.dirname, 'fixtures', 'no-such-module.ts'));
    try {
      const response = await fetch(`${gateway.url}/upload/resumable`, { method: 'POST', headers: { apikey: running.keys.serviceRoleKey } });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ statusCode: '404', code: 'InvalidRequest', error: 'Not Found', message: 'Route POST:/upload/resumable not found' });
    } finally {
      await gateway.close();
    }
  });
});

describe('buckets', () => {
  it('seeds the buckets config.toml describes', async () => {
    const { data, error } = await service.storage.getBucket('seeded');
    expect(error).toBeNull();
    expect(data).toMatchObject({ id: 'seeded', name: 'seeded', public: true, file_size_limit: 1048576, allowed_mime_types: ['image/png'], type: 'STANDARD' });
  });

  it('creates, gets, lists, updates, empties and deletes a bucket', async () => {
    const storage = service.storage;
    expect(await storage.createBucket('lifecycle', { public: false, fileSizeLimit: '2MB', allowedMimeTypes: ['text/*'] })).toEqual({
      data: { name: 'lifecycle' },
      error: null,
    });
    const got = await storage.getBucket('lifecycle');
    expect(got.data).toMatchObject({ id: 'lifecycle', public: false, file_size_limit: 2_000_000, allowed_mime_types: ['text/*'] });
    const listed = await storage.listBuckets();
    expect(listed.data?.map((bucket) => bucket.id)).toEqual(expect.arrayContaining(['lifecycle', 'private', 'pictures', 'seeded']));
    const searched = await storage.listBuckets({ search: 'lifecyc' });
    expect(searched.data?.map((bucket) => bucket.id)).toEqual(['lifecycle']);

    expect((await storage.updateBucket('lifecycle', { public: true, fileSizeLimit: 1000, allowedMimeTypes: ['text/plain'] })).data).toEqual({
      message: 'Successfully updated',
    });
    expect((await storage.getBucket('lifecycle')).data).toMatchObject({ public: true, file_size_limit: 1000, allowed_mime_types: ['text/plain'] });

    await storage.from('lifecycle').upload('a.txt', 'a', { contentType: 'text/plain' });
    const notEmpty = await storage.deleteBucket('lifecycle');
    expect(shape(notEmpty.error)).toEqual({ status: 400, statusCode: '409', message: 'The bucket you tried to delete is not empty' });
    expect((notEmpty.error as { code?: string }).code ?? (notEmpty.error as unknown as { error?: string }).error).toBeDefined();
    expect((await storage.emptyBucket('lifecycle')).error).toBeNull();
    expect((await storage.from('lifecycle').list('')).data).toEqual([]);
    expect(await storage.deleteBucket('lifecycle')).toEqual({ data: { message: 'Successfully deleted' }, error: null });
    expect(shape((await storage.getBucket('lifecycle')).error)).toEqual({ status: 400, statusCode: '404', message: 'Bucket not found' });
  });

  it("answers with storage-api's errors: duplicate, bad name, bad limit, bad type", async () => {
    expect(shape((await service.storage.createBucket('private')).error)).toEqual({ status: 400, statusCode: '409', message: 'The resource already exists' });
    const badName = await service.storage.createBucket('no/slashes');
    expect(shape(badName.error)).toMatchObject({ status: 400, statusCode: '400' });
    expect(badName.error?.message).toMatch(/Bucket name invalid/);
    expect(shape((await service.storage.createBucket('too-big', { public: false, fileSizeLimit: '1GB' })).error)).toMatchObject({ statusCode: '413' });
    expect(shape((await service.storage.createBucket('bad-types', { public: false, allowedMimeTypes: ['not a type'] })).error)).toMatchObject({ statusCode: '415' });
    expect(shape((await service.storage.updateBucket('missing', { public: true })).error)).toMatchObject({ statusCode: '404', message: 'Bucket not found' });
  });

  it('applies RLS on storage.buckets: a user with no INSERT policy cannot create one', async () => {
    const { error } = await alice.client.storage.createBucket('mine');
    expect(shape(error)).toEqual({ status: 400, statusCode: '403', message: 'new row violates row-level security policy' });
    expect(await sql("select id from storage.buckets where id = 'mine'")).toEqual([]);
  });
});

describe('objects', () => {
  it('uploads, refuses an existing key without upsert, overwrites with it, and updates', async () => {
    const files = service.storage.from('private');
    const first = await files.upload('docs/readme.txt', 'first', { contentType: 'text/plain' });
    expect(first.error).toBeNull();
    expect(first.data).toMatchObject({ path: 'docs/readme.txt', fullPath: 'private/docs/readme.txt' });
    expect(first.data?.id).toMatch(/^[0-9a-f-]{36}$/);

    const again = await files.upload('docs/readme.txt', 'second', { contentType: 'text/plain' });
    expect(shape(again.error)).toEqual({ status: 400, statusCode: '409', message: 'The resource already exists' });
    expect(await text((await files.download('docs/readme.txt')).data)).toBe('first');

    expect((await files.upload('docs/readme.txt', 'second', { contentType: 'text/plain', upsert: true })).error).toBeNull();
    expect(await text((await files.download('docs/readme.txt')).data)).toBe('second');
    expect((await files.update('docs/readme.txt', 'third', { contentType: 'text/markdown' })).error).toBeNull();
    const downloaded = await files.download('docs/readme.txt');
    expect(await text(downloaded.data)).toBe('third');
    expect(downloaded.data?.type).toBe('text/markdown');
  });

  it('stores a Blob sent as multipart, with its type, cache control and user metadata', async () => {
    const files = service.storage.from('private');
    const blob = new Blob([new Uint8Array([137, 80, 78, 71, 0, 1, 2])], { type: 'image/png' });
    const { error } = await files.upload('blobs/pixel.png', blob, { cacheControl: '60', metadata: { origin: 'test' } });
    expect(error).toBeNull();
    const info = await files.info('blobs/pixel.png');
    expect(info.error).toBeNull();
    expect(info.data).toMatchObject({
      name: 'blobs/pixel.png',
      bucketId: 'private',
      size: 7,
      contentType: 'image/png',
      cacheControl: 'max-age=60',
      etag: `"${createHash('md5').update(new Uint8Array([137, 80, 78, 71, 0, 1, 2])).digest('hex')}"`,
      metadata: { origin: 'test' },
    });
    const bytes = new Uint8Array(await (await files.download('blobs/pixel.png')).data!.arrayBuffer());
    expect([...bytes]).toEqual([137, 80, 78, 71, 0, 1, 2]);
  });

  it('takes a zero-byte file', async () => {
    const files = service.storage.from('private');
    expect((await files.upload('empty/zero.txt', new Blob([]), { contentType: 'text/plain' })).error).toBeNull();
    expect((await files.upload('empty/raw.bin', Buffer.alloc(0))).error).toBeNull();
    expect((await files.info('empty/zero.txt')).data?.size).toBe(0);
    expect(await text((await files.download('empty/raw.bin')).data)).toBe('');
  });

  it('tells whether an object exists, with NoSuchKey for a missing one', async () => {
    const files = service.storage.from('private');
    expect(await files.exists('docs/readme.txt')).toEqual({ data: true, error: null });
    const missing = await files.exists('docs/nothing.txt');
    expect(missing.data).toBe(false);
    expect(shape((await files.info('docs/nothing.txt')).error)).toEqual({ status: 400, statusCode: '404', message: 'Object not found' });
    expect(shape((await service.storage.from('no-bucket').download('x.txt')).error)).toMatchObject({ statusCode: '404', message: 'Bucket not found' });
  });

  it('lists the direct children of a prefix, folders as null-id entries, with limit, offset, sort and search', async () => {
    const files = service.storage.from('private');
    for (const name of ['list/b.txt', 'list/a.txt', 'list/C.txt', 'list/sub/deep.txt', 'list/sub/deeper/x.txt', 'list/other/y.txt']) {
      expect((await files.upload(name, name, { contentType: 'text/plain' })).error).toBeNull();
    }
    const all = await files.list('list');
    expect(all.error).toBeNull();
    // By name without regard to case, as storage-api sorts.
    expect(all.data?.map((entry) => entry.name)).toEqual(['a.txt', 'b.txt', 'C.txt', 'other', 'sub']);
    const folder = all.data!.find((entry) => entry.name === 'sub')!;
    expect(folder).toMatchObject({ id: null, updated_at: null, created_at: null, metadata: null });
    const file = all.data!.find((entry) => entry.name === 'a.txt')!;
    expect(file.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(file.metadata).toMatchObject({ size: 10, mimetype: 'text/plain' });

    expect((await files.list('list', { limit: 2, offset: 1 })).data?.map((entry) => entry.name)).toEqual(['b.txt', 'C.txt']);
    expect((await files.list('list', { sortBy: { column: 'name', order: 'desc' } })).data?.map((entry) => entry.name)).toEqual([
      'sub', 'other', 'C.txt', 'b.txt', 'a.txt',
    ]);
    // A date sort lists the folders first.
    const byDate = (await files.list('list', { sortBy: { column: 'created_at', order: 'asc' } })).data!.map((entry) => entry.name);
    expect(byDate.slice(0, 2).sort()).toEqual(['other', 'sub']);
    expect(byDate.slice(2)).toEqual(['b.txt', 'a.txt', 'C.txt']);
    expect((await files.list('list', { search: 'c' })).data?.map((entry) => entry.name)).toEqual(['C.txt']);
    expect((await files.list('list/sub')).data?.map((entry) => entry.name)).toEqual(['deep.txt', 'deeper']);
    expect((await files.list('list/nothing')).data).toEqual([]);
  });

  it('moves and copies, and refuses a destination that exists', async () => {
    const files = service.storage.from('private');
    await files.upload('moves/from.txt', 'moving', { contentType: 'text/plain' });
    expect(await files.move('moves/from.txt', 'moves/to.txt')).toMatchObject({ data: { message: 'Successfully moved' }, error: null });
    expect((await files.exists('moves/from.txt')).data).toBe(false);
    expect(await text((await files.download('moves/to.txt')).data)).toBe('moving');

    // storage-js hands back the server's Key, which names the bucket too.
    expect((await files.copy('moves/to.txt', 'moves/copy.txt')).data).toEqual({ path: 'private/moves/copy.txt' });
    expect(await text((await files.download('moves/copy.txt')).data)).toBe('moving');
    expect((await files.info('moves/copy.txt')).data?.contentType).toBe('text/plain');
    expect(shape((await files.copy('moves/to.txt', 'moves/copy.txt')).error)).toMatchObject({ statusCode: '409' });
    expect(shape((await files.move('moves/to.txt', 'moves/copy.txt')).error)).toMatchObject({ statusCode: '409' });
    expect(shape((await files.move('moves/missing.txt', 'moves/x.txt')).error)).toMatchObject({ statusCode: '404', message: 'Object not found' });

    // Across buckets.
    expect((await files.copy('moves/to.txt', 'copied.txt', { destinationBucket: 'pictures' })).error).toBeNull();
    expect(await text((await service.storage.from('pictures').download('copied.txt')).data)).toBe('moving');
  });

  it('removes exactly the named objects and returns only those it removed', async () => {
    const files = service.storage.from('private');
    await files.upload('removals/one.txt', '1');
    await files.upload('removals/two.txt', '2');
    const { data, error } = await files.remove(['removals/one.txt', 'removals/missing.txt', 'removals']);
    expect(error).toBeNull();
    expect(data?.map((row) => row.name)).toEqual(['removals/one.txt']);
    expect(data?.[0]).toMatchObject({ bucket_id: 'private', id: expect.any(String) });
    expect((await files.exists('removals/two.txt')).data).toBe(true);
    expect((await files.remove(['removals/one.txt'])).data).toEqual([]);
  });
});

describe('RLS on storage.objects', () => {
  it("lets a user work in their own folder and nowhere else, and the service role anywhere", async () => {
    const mine = alice.client.storage.from('private');
    const theirs = bob.client.storage.from('private');
    const path = `${alice.id}/notes.txt`;
    expect((await mine.upload(path, 'secret', { contentType: 'text/plain' })).error).toBeNull();
    expect(await text((await mine.download(path)).data)).toBe('secret');
    expect((await mine.list(alice.id)).data?.map((entry) => entry.name)).toEqual(['notes.txt']);

    // Another user: cannot read, see it listed, overwrite, move, remove, or sign a URL for it.
    expect(shape((await theirs.download(path)).error)).toMatchObject({ statusCode: '404', message: 'Object not found' });
    expect(shape((await theirs.info(path)).error)).toMatchObject({ statusCode: '404' });
    expect((await theirs.list(alice.id)).data).toEqual([]);
    expect(shape((await theirs.upload(path, 'overwritten', { upsert: true })).error)).toEqual({
      status: 400, statusCode: '403', message: 'new row violates row-level security policy',
    });
    expect(shape((await theirs.update(path, 'overwritten')).error)).toMatchObject({ statusCode: '403' });
    // Without upsert the INSERT check refuses it before the key's uniqueness is looked at.
    expect(shape((await theirs.upload(path, 'overwritten')).error)).toMatchObject({ statusCode: '403' });
    expect(shape((await theirs.move(path, `${bob.id}/stolen.txt`)).error)).toMatchObject({ statusCode: '404' });
    expect((await theirs.remove([path])).data).toEqual([]);
    expect(shape((await theirs.createSignedUrl(path, 60)).error)).toMatchObject({ statusCode: '404', message: 'Object not found' });
    expect((await theirs.createSignedUrls([path], 60)).data).toEqual([
      { error: 'Either the object does not exist or you do not have access to it', path, signedUrl: null, signedURL: null },
    ]);
    // Nor put a file into someone else's folder.
    expect(shape((await theirs.upload(`${alice.id}/planted.txt`, 'x')).error)).toMatchObject({ statusCode: '403' });
    // Nor move their own file into it.
    await theirs.upload(`${bob.id}/own.txt`, 'bob');
    expect(shape((await theirs.move(`${bob.id}/own.txt`, `${alice.id}/own.txt`)).error)).toMatchObject({ statusCode: '403' });
    // The anon key sees nothing of a private bucket.
    const anon = createClient(running.apiUrl, running.keys.anonKey, noPersistence).storage.from('private');
    expect(shape((await anon.download(path)).error)).toMatchObject({ statusCode: '404' });

    expect(await text((await mine.download(path)).data)).toBe('secret');
    expect(await text((await service.storage.from('private').download(path)).data)).toBe('secret');
    expect((await service.storage.from('private').list(alice.id)).data?.map((entry) => entry.name)).toEqual(['notes.txt']);

    // The owner can move and remove; the row records them as its owner.
    const [row] = await sql<{ owner_id: string; owner: string }>("select owner_id, owner::text from storage.objects where bucket_id = 'private' and name = $1", [path]);
    expect(row).toEqual({ owner_id: alice.id, owner: alice.id });
    expect((await mine.move(path, `${alice.id}/moved.txt`)).error).toBeNull();
    expect((await mine.remove([`${alice.id}/moved.txt`])).data?.map((entry) => entry.name)).toEqual([`${alice.id}/moved.txt`]);
  });

  it('gives policies the operation, role and JWT claims, as storage-api sets them', async () => {
    // A bucket whose only policy holds when the settings are what storage-api sets for an upload.
    await sql(`
      insert into storage.buckets (id, name) values ('operations', 'operations');
      create policy "operations: upload only" on storage.objects for insert to authenticated
        with check (bucket_id = 'operations' and storage.operation() = 'storage.object.upload' and current_user = 'authenticated'
          and owner_id = current_setting('request.jwt.claim.sub', true)
          and owner_id = (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')
          and current_setting('request.method', true) = 'POST'
          and (current_setting('request.headers', true)::jsonb ->> 'x-upsert') = 'false');
    `);
    const files = alice.client.storage.from('operations');
    expect((await files.upload('first.txt', 'ok')).error).toBeNull();
    // update() is another operation (storage.object.update), so the same policy refuses it.
    expect(shape((await files.update('second.txt', 'no')).error)).toMatchObject({ statusCode: '403' });
  });

  it('keeps rows behind the API: a direct DELETE is refused', async () => {
    await expect(sql("delete from storage.objects where bucket_id = 'private'")).rejects.toThrow(/Direct deletion from storage tables is not allowed/);
  });
});

describe('URLs that need no headers', () => {
  it('serves a public bucket by its public URL, and refuses the URL of a private one', async () => {
    await service.storage.from('pictures').upload('logo.svg', '<svg/>', { contentType: 'image/svg+xml', cacheControl: '120' });
    const url = service.storage.from('pictures').getPublicUrl('logo.svg').data.publicUrl;
    expect(url).toBe(`${running.apiUrl}/storage/v1/object/public/pictures/logo.svg`);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(response.headers.get('cache-control')).toBe('max-age=120');
    expect(response.headers.get('etag')).toBe(`"${createHash('md5').update('<svg/>').digest('hex')}"`);
    expect(response.headers.get('last-modified')).toBeTruthy();
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.text()).toBe('<svg/>');

    const download = await fetch(service.storage.from('pictures').getPublicUrl('logo.svg', { download: 'My Logo.svg' }).data.publicUrl);
    expect(download.headers.get('content-disposition')).toBe("attachment; filename=My%20Logo.svg; filename*=UTF-8''My%20Logo.svg");

    const privateUrl = await fetch(service.storage.from('private').getPublicUrl('docs/readme.txt').data.publicUrl);
    expect(privateUrl.status).toBe(400);
    expect(await privateUrl.json()).toEqual({ statusCode: '404', code: 'NoSuchBucket', error: 'Bucket not found', message: 'Bucket not found' });
    // Everything else still needs the apikey, as behind Kong.
    const noKey = await fetch(`${running.apiUrl}/storage/v1/bucket`);
    expect(noKey.status).toBe(401);
  });

  it('serves a signed URL with no headers until it expires, and refuses a tampered token', async () => {
    const files = service.storage.from('private');
    const { data, error } = await files.createSignedUrl('docs/readme.txt', 60, { download: 'readme.txt' });
    expect(error).toBeNull();
    const response = await fetch(data!.signedUrl);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('third');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename=readme\.txt/);
    expect(Date.parse(response.headers.get('expires')!)).toBeGreaterThan(Date.now());

    const token = new URL(data!.signedUrl).searchParams.get('token')!;
    const [header, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ url: 'private/docs/readme.txt' });
    // The same token for another object, and a token whose claims were changed, are refused.
    const other = await fetch(`${running.apiUrl}/storage/v1/object/sign/private/moves/copy.txt?token=${token}`);
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ statusCode: '400', code: 'InvalidSignature' });
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, url: 'private/moves/copy.txt' })).toString('base64url')}.${token.split('.')[2]}`;
    const tampered = await fetch(`${running.apiUrl}/storage/v1/object/sign/private/moves/copy.txt?token=${forged}`);
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toMatchObject({ statusCode: '400', code: 'InvalidJWT' });

    const expired = await signJwt({ url: 'private/docs/readme.txt', iat: 1, exp: Math.floor(Date.now() / 1000) - 1 }, running.keys.jwtSecret);
    const late = await fetch(`${running.apiUrl}/storage/v1/object/sign/private/docs/readme.txt?token=${expired}`);
    expect(late.status).toBe(400);
    expect(await late.json()).toEqual({ statusCode: '400', code: 'ExpiredToken', error: 'ExpiredToken', message: 'The provided token has expired.' });

    expect(shape((await files.createSignedUrl('docs/readme.txt', 0)).error)).toMatchObject({ statusCode: '400' });
    const many = await files.createSignedUrls(['docs/readme.txt', 'docs/none.txt'], 60);
    expect(many.data?.map((entry) => entry.error)).toEqual([null, 'Either the object does not exist or you do not have access to it']);
    expect(await (await fetch(many.data![0]!.signedUrl!)).text()).toBe('third');
  });

  it('takes an upload to a signed upload URL with no headers, for the user who signed it', async () => {
    const mine = alice.client.storage.from('private');
    const path = `${alice.id}/signed-upload.txt`;
    const { data, error } = await mine.createSignedUploadUrl(path);
    expect(error).toBeNull();
    const put = await fetch(data!.signedUrl, { method: 'PUT', body: 'via signed url', headers: { 'content-type': 'text/plain' } });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ Key: `private/${path}` });
    expect(await text((await mine.download(path)).data)).toBe('via signed url');
    const [row] = await sql<{ owner_id: string }>("select owner_id from storage.objects where bucket_id = 'private' and name = $1", [path]);
    expect(row?.owner_id).toBe(alice.id);
    // Without upsert in the token, a second upload to the same URL is a conflict.
    const again = await mine.uploadToSignedUrl(path, data!.token, 'again');
    expect(shape(again.error)).toMatchObject({ statusCode: '409' });
    // A signature for one path does not upload another, and bob cannot get one for alice's folder.
    const elsewhere = await fetch(data!.signedUrl.replace('signed-upload.txt', 'elsewhere.txt'), { method: 'PUT', body: 'x' });
    expect(await elsewhere.json()).toMatchObject({ code: 'InvalidSignature' });
    expect(shape((await bob.client.storage.from('private').createSignedUploadUrl(`${alice.id}/x.txt`)).error)).toMatchObject({ statusCode: '403' });
  });
});

describe('limits, names and ranges', () => {
  it('refuses an object over the bucket limit (413) or of a type the bucket does not take (415), storing nothing', async () => {
    const seeded = service.storage.from('seeded');
    const big = await seeded.upload('big.png', Buffer.alloc(1048577), { contentType: 'image/png' });
    expect(shape(big.error)).toEqual({ status: 400, statusCode: '413', message: 'The object exceeded the maximum allowed size' });
    const multipartBig = await seeded.upload('big2.png', new Blob([new Uint8Array(1048577)], { type: 'image/png' }));
    expect(shape(multipartBig.error)).toMatchObject({ statusCode: '413' });
    const html = await seeded.upload('page.html', '<p>', { contentType: 'text/html' });
    expect(shape(html.error)).toEqual({ status: 400, statusCode: '415', message: 'mime type text/html is not supported' });
    // The default content type of a string body carries a charset, which `image/png` does not match.
    expect(shape((await seeded.upload('default.png', 'x')).error)).toMatchObject({ statusCode: '415' });
    expect((await seeded.upload('ok.png', Buffer.alloc(1048576), { contentType: 'image/png' })).error).toBeNull();
    expect((await sql("select name from storage.objects where bucket_id = 'seeded' order by name")).map((row) => row.name)).toEqual(['ok.png']);
    expect(readdirSync(join(running.dataDir, 'storage-tmp'))).toEqual([]);
  });

  it('stores names with spaces and punctuation as given, and refuses `..`, control characters and Unicode with InvalidKey', async () => {
    const files = service.storage.from('private');
    const odd = "odd names/a file (1) & co's, 50%-off=yes.txt".replace('%', '');
    expect((await files.upload(odd, 'odd')).error).toBeNull();
    expect(await text((await files.download(odd)).data)).toBe('odd');
    expect((await files.list('odd names')).data?.map((entry) => entry.name)).toEqual([odd.slice('odd names/'.length)]);
    for (const bad of ['naïve.txt', 'emoji-😀.txt', 'quote"d.txt', 'hash#tag.txt'.replace('#', '%23')]) {
      const { error } = await files.upload(bad, 'x');
      expect(shape(error), bad).toMatchObject({ status: 400, statusCode: '400' });
      expect(error?.message, bad).toMatch(/^Invalid key: /);
    }
    // A URL's `..` segments are resolved by every HTTP client; encoded slashes carry them to the server.
    for (const bad of ['..%2Fescape.txt', 'a%2F..%2F..%2Fescape.txt', 'a%2F.%2Fb.txt', `${'x'.repeat(256)}.txt`, 'tab%09here.txt', 'line%0Abreak.txt']) {
      const response = await fetch(`${running.apiUrl}/storage/v1/object/private/${bad}`, {
        method: 'POST',
        headers: { apikey: running.keys.serviceRoleKey, authorization: `Bearer ${running.keys.serviceRoleKey}`, 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(response.status, bad).toBe(400);
      expect(await response.json(), bad).toMatchObject({ statusCode: '400', code: 'InvalidKey' });
    }
    expect(existsSync(join(running.dataDir, 'escape.txt'))).toBe(false);
    expect(existsSync(join(running.dataDir, 'storage', 'escape.txt'))).toBe(false);
  });

  it('answers ranges with 206, an unsatisfiable one with 416, and a matching ETag with 304', async () => {
    await service.storage.from('pictures').upload('digits.txt', '0123456789', { contentType: 'text/plain' });
    const url = `${running.apiUrl}/storage/v1/object/public/pictures/digits.txt`;
    const part = await fetch(url, { headers: { range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await part.text()).toBe('2345');
    const tail = await fetch(url, { headers: { range: 'bytes=-3' } });
    expect(await tail.text()).toBe('789');
    const open = await fetch(url, { headers: { range: 'bytes=8-' } });
    expect([open.status, await open.text()]).toEqual([206, '89']);
    const beyond = await fetch(url, { headers: { range: 'bytes=10-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */10');
    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), head.headers.get('content-type'), await head.text()]).toEqual([200, '10', 'text/plain', '']);
    const etag = (await fetch(url)).headers.get('etag')!;
    const cached = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
  });
});

describe('files on disk', () => {
  it('keeps one file per object under the data dir, replaced on upsert and removed with the row', async () => {
    const files = service.storage.from('private');
    const versions = () => {
      const dir = join(running.dataDir, 'storage', 'private', 'disk', 'file.txt');
      return existsSync(dir) ? readdirSync(dir) : [];
    };
    await files.upload('disk/file.txt', 'v1');
    expect(versions()).toHaveLength(1);
    await files.upload('disk/file.txt', 'v2', { upsert: true });
    const [version] = await sql<{ version: string }>("select version from storage.objects where bucket_id = 'private' and name = 'disk/file.txt'");
    expect(versions()).toEqual([`#${version!.version}`]);
    await files.remove(['disk/file.txt']);
    expect(versions()).toEqual([]);
  });

  it("removes at start what a crash left: temp files and versions no row names, keeping every object's file", async () => {
    const files = service.storage.from('private');
    await files.upload('crash/kept.txt', 'kept');
    const [kept] = await sql<{ version: string }>("select version from storage.objects where bucket_id = 'private' and name = 'crash/kept.txt'");
    // What an upload killed between its rename and its commit leaves, and one killed mid-write.
    const orphanDir = join(running.dataDir, 'storage', 'private', 'crash', 'orphan.txt');
    mkdirSync(orphanDir, { recursive: true });
    writeFileSync(join(orphanDir, `#${randomUUID()}`), 'never committed');
    writeFileSync(join(running.dataDir, 'storage', 'private', 'crash', 'kept.txt', `#${randomUUID()}`), 'replaced, not yet removed');
    writeFileSync(join(running.dataDir, 'storage-tmp', randomUUID()), 'half written');

    const pools = {
      user: new pg.Pool({ connectionString: running.dbUrl, max: 1 }),
      admin: new pg.Pool({ connectionString: running.dbUrl, max: 1 }),
    };
    try {
      const store = createStore({ pools, dataDir: running.dataDir, globalFileSizeLimit: 1, log: { info() {}, error() {} } });
      await store.files.init(false);
      expect(await sweepOrphans(store)).toBe(2);
    } finally {
      await Promise.all([pools.user.end(), pools.admin.end()]);
    }
    expect(existsSync(orphanDir)).toBe(false);
    expect(readdirSync(join(running.dataDir, 'storage', 'private', 'crash', 'kept.txt'))).toEqual([`#${kept!.version}`]);
    expect(readdirSync(join(running.dataDir, 'storage-tmp'))).toEqual([]);
    expect(await text((await files.download('crash/kept.txt')).data)).toBe('kept');
  });

  it('streams a 100 MB upload and download without holding the file in memory', async () => {
    // A stack of its own in a child process, so that what is measured is the stack's memory alone.
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'storage-memory-child.ts'), project.supabaseDir], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => JSON.parse((await lines.next()).value as string) as Record<string, unknown>;
    const ask = async (command: string) => {
      child.stdin.write(`${command}\n`);
      return next();
    };
    try {
      const { apiUrl, serviceRoleKey } = (await next()) as { apiUrl: string; serviceRoleKey: string };
      const size = 100 * 1024 * 1024;
      const chunk = Buffer.alloc(1024 * 1024, 7);
      const expected = createHash('md5');
      for (let i = 0; i < 100; i++) expected.update(chunk);
      const md5 = expected.digest('hex');
      const auth = { apikey: serviceRoleKey, authorization: `Bearer ${serviceRoleKey}` };
      const url = `${apiUrl}/storage/v1/object/big/hundred.bin`;
      await ask('reset');

      const uploaded = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream', 'content-length': size } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (part: string) => (body += part));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        Readable.from((function* () {
          for (let i = 0; i < 100; i++) yield chunk;
        })()).pipe(req);
      });
      expect(uploaded.status, uploaded.body).toBe(200);
      const uploadGrowth = (await ask('report')).growth as number;

      await ask('reset');
      const hash = createHash('md5');
      const received = await new Promise<number>((resolve, reject) => {
        request(url, { headers: auth }, (res) => {
          let count = 0;
          res.on('data', (part: Buffer) => {
            hash.update(part);
            count += part.length;
          });
          res.on('end', () => resolve(count));
          res.on('error', reject);
        }).on('error', reject).end();
      });
      expect(received).toBe(size);
      expect(hash.digest('hex')).toBe(md5);
      const downloadGrowth = (await ask('report')).growth as number;

      // Whole-file buffering anywhere in the stack would hold at least 100 MB at once.
      const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
      expect(uploadGrowth, `upload grew the stack by ${mb(uploadGrowth)}`).toBeLessThan(60 * 1024 * 1024);
      expect(downloadGrowth, `download grew the stack by ${mb(downloadGrowth)}`).toBeLessThan(60 * 1024 * 1024);
    } finally {
      child.stdin.end();
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 600_000);
});
