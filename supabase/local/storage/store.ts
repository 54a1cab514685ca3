/**
 * Objects' rows and files together: what every way of uploading (a plain upload, a signed upload URL,
 * TUS) goes through. `checkUpload` answers "may this caller put this object here?" without storing
 * anything; `putObject` streams the bytes to disk and makes them the object atomically.
 *
 * Each function takes the stack's `StorageStore` first (from `createStore`, which the storage service
 * builds and hands to the TUS handler as `deps.store`); the store's own methods are the same functions
 * bound to it, with the `(caller, check)` shape.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../core/logger.ts';
import { asAdmin, asCaller, type StorageCaller, type StoragePools } from './db.ts';
import { errors, StorageError } from './errors.ts';
import { FileStore, versionEntry } from './files.ts';
import { isValidObjectKey } from './names.ts';

export type { StorageCaller } from './db.ts';
export { StorageError } from './errors.ts';

export interface UploadCheck {
  bucket: string;
  name: string;
  upsert: boolean;
  contentType: string;
  /** Bytes; a negative size means "not known yet" (size checks and the RLS probe wait for putObject). */
  size: number;
  userMetadata?: Record<string, unknown>;
  /** storage-api's operation name, readable as storage.operation(), e.g. `storage.object.upload`. */
  operation: string;
}

export interface PutObject extends UploadCheck {
  body: NodeJS.ReadableStream;
  /** As stored and served, e.g. `max-age=3600` or `no-cache`. */
  cacheControl: string;
}

export interface BucketRow {
  id: string;
  name: string;
  public: boolean;
  file_size_limit: string | null;
  allowed_mime_types: string[] | null;
}

export interface StorageStore {
  pools: StoragePools;
  files: FileStore;
  /** `[storage] file_size_limit`: the largest object any bucket takes. */
  globalFileSizeLimit: number;
  log: Logger;
  checkUpload(caller: StorageCaller, check: UploadCheck): Promise<void>;
  putObject(caller: StorageCaller, put: PutObject): Promise<{ id: string; key: string }>;
}

export function createStore(options: { pools: StoragePools; dataDir: string; globalFileSizeLimit: number; log: Logger }): StorageStore {
  const store: StorageStore = {
    pools: options.pools,
    files: new FileStore(options.dataDir),
    globalFileSizeLimit: options.globalFileSizeLimit,
    log: options.log,
    checkUpload: (caller, check) => checkUpload(store, caller, check),
    putObject: (caller, put) => putObject(store, caller, put),
  };
  return store;
}

/** Removes files no row names; run before the API serves (see files.ts). */
export async function sweepOrphans(store: StorageStore): Promise<number> {
  const rows = await asAdmin(store.pools, 'storage.sweep', async (client) =>
    (await client.query<{ bucket_id: string; name: string; version: string }>(
      'select bucket_id, name, version from storage.objects where version is not null',
    )).rows,
  );
  return store.files.sweep(new Set(rows.map((row) => versionEntry(row.bucket_id, row.name, row.version))));
}

export async function findBucket(store: StorageStore, id: string): Promise<BucketRow> {
  const rows = await asAdmin(store.pools, 'storage.bucket.get', async (client) =>
    (await client.query<BucketRow>('select id, name, public, file_size_limit::text, allowed_mime_types from storage.buckets where id = $1', [id])).rows,
  );
  if (!rows[0]) throw errors.noSuchBucket();
  return rows[0];
}

const PLACEHOLDER = '.emptyFolderPlaceholder';

/** The most bytes an object of this bucket may have: the global limit, or the bucket's when lower. */
export function sizeLimit(store: StorageStore, bucket: BucketRow, name: string): number {
  if (name.endsWith(PLACEHOLDER)) return 0;
  const own = bucket.file_size_limit === null ? Infinity : Number(bucket.file_size_limit);
  return Math.min(store.globalFileSizeLimit, own);
}

/** `type/subtype` against the bucket's list (`type/*` allowed); parameters such as `;charset=` count. */
export function mimeAllowed(allowed: string[] | null, contentType: string): boolean {
  if (!allowed?.length) return true;
  const [type, subtype] = contentType.split('/');
  return allowed.some((entry) => {
    const [allowedType, allowedSubtype] = entry.split('/');
    return allowedType === type && (allowedSubtype === '*' || allowedSubtype === subtype);
  });
}

const uuidOrNull = (sub: string | null) => (sub && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sub) ? sub : null);

export function objectMetadata(size: number, contentType: string, cacheControl: string, md5: string | null, lastModified: Date) {
  return {
    eTag: md5 === null ? undefined : `"${md5}"`,
    size,
    mimetype: contentType,
    cacheControl,
    lastModified: lastModified.toISOString(),
    contentLength: size,
    httpStatusCode: 200,
  };
}

const INSERT_OBJECT = `
insert into storage.objects as o (bucket_id, name, owner, owner_id, metadata, user_metadata, version)
values ($1, $2, $3, $4, $5, $6, $7)`;
const UPSERT_TAIL = `
on conflict (bucket_id, name) do update set owner = excluded.owner, owner_id = excluded.owner_id, metadata = excluded.metadata,
  user_metadata = excluded.user_metadata, version = excluded.version, last_accessed_at = now()`;

/** The row as the caller would write it, tried in a transaction that is rolled back: RLS decides. */
async function probe(store: StorageStore, caller: StorageCaller, check: UploadCheck): Promise<void> {
  const metadata = check.size >= 0 ? { mimetype: check.contentType, contentLength: check.size, size: check.size } : { mimetype: check.contentType };
  try {
    await asCaller(
      store.pools,
      caller,
      check.operation,
      (client) =>
        client.query(INSERT_OBJECT + (check.upsert ? UPSERT_TAIL : ''), [
          check.bucket, check.name, uuidOrNull(caller.sub), caller.sub, metadata, check.userMetadata ?? null, randomUUID(),
        ]),
      false,
    );
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw errors.keyExists();
    throw error;
  }
}

export async function checkUpload(store: StorageStore, caller: StorageCaller, check: UploadCheck): Promise<void> {
  if (!isValidObjectKey(check.name)) throw errors.invalidKey(check.name);
  const bucket = await findBucket(store, check.bucket);
  const placeholder = check.name.endsWith(PLACEHOLDER);
  if (check.size > sizeLimit(store, bucket, check.name)) throw errors.tooLarge();
  if (!placeholder && !mimeAllowed(bucket.allowed_mime_types, check.contentType)) throw errors.mimeType(check.contentType);
  if (check.size >= 0) await probe(store, caller, check);
}

/**
 * The RLS part of checkUpload alone, also when the size is not known yet (signing an upload URL, as
 * storage-api does at signing time): policies then see no size in the metadata.
 */
export async function probeUpload(store: StorageStore, caller: StorageCaller, check: UploadCheck): Promise<void> {
  if (!isValidObjectKey(check.name)) throw errors.invalidKey(check.name);
  await findBucket(store, check.bucket);
  await probe(store, caller, check);
}

/**
 * Streams `put.body` to a temp file (refused past the size limit), checks the upload again with the real
 * size, then — holding a lock on the key — renames the file into place and writes the row in one
 * transaction. The previous version's file goes only once the new row is committed.
 */
export async function putObject(store: StorageStore, caller: StorageCaller, put: PutObject): Promise<{ id: string; key: string }> {
  await checkUpload(store, caller, put);
  const bucket = await findBucket(store, put.bucket);
  const written = await store.files.writeTemp(put.body, sizeLimit(store, bucket, put.name));
  let published: string | undefined;
  try {
    await checkUpload(store, caller, { ...put, size: written.size });
    const version = randomUUID();
    const metadata = objectMetadata(written.size, put.contentType, put.cacheControl, written.md5, new Date());
    const { id, previous } = await asAdmin(store.pools, put.operation, async (client: pg.PoolClient) => {
      await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`${put.bucket}/${put.name}`]);
      const existing = await client.query<{ version: string | null }>(
        'select version from storage.objects where bucket_id = $1 and name = $2 for update',
        [put.bucket, put.name],
      );
      if (existing.rows[0] && !put.upsert) throw errors.keyExists();
      published = await store.files.publish(written.tmpPath, put.bucket, put.name, version);
      const row = await client.query<{ id: string }>(`${INSERT_OBJECT}${UPSERT_TAIL} returning id`, [
        put.bucket, put.name, uuidOrNull(caller.sub), caller.sub, metadata, put.userMetadata ?? null, version,
      ]);
      return { id: row.rows[0]!.id, previous: existing.rows[0]?.version ?? null };
    });
    published = undefined;
    if (previous) await store.files.removeVersion(put.bucket, put.name, previous);
    return { id, key: `${put.bucket}/${put.name}` };
  } catch (error) {
    await store.files.removeFile(published ?? written.tmpPath);
    throw error;
  }
}

export function isStorageError(error: unknown): error is StorageError {
  return error instanceof StorageError;
}
