/**
 * storage-api's routes (after `/storage/v1`), as storage-js calls them: buckets, objects, listing,
 * move and copy, removal, public and signed URLs, signed uploads. Every object operation on behalf of a
 * caller runs as their role with their claims, so the policies on storage.objects decide; the routes
 * storage-api serves as superuser (public buckets, signed URLs) do so here too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type pg from 'pg';
import { asAdmin, asCaller, type StorageCaller } from './db.ts';
import { errors, StorageError } from './errors.ts';
import { readJson, sendJson, sendObject, type ObjectRow } from './http.ts';
import { multipartBoundary, readMultipart } from './multipart.ts';
import { bucketNameProblem, isValidObjectKey } from './names.ts';
import { checkUpload, findBucket, mimeAllowed, probeUpload, putObject, type StorageStore } from './store.ts';
import { signDownload, signUpload, verifyToken } from './tokens.ts';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  store: StorageStore;
  jwtSecret: string;
  globalFileSizeLimit: number;
  /** The caller from the Bearer token; anon with `jwtError` set when there is none or it is invalid. */
  caller: StorageCaller;
  jwtError: string | undefined;
  query: URLSearchParams;
}

const OBJECT_COLUMNS = 'id, bucket_id, name, owner, owner_id, version, created_at, updated_at, last_accessed_at, metadata, user_metadata';

function authenticated(ctx: RouteContext): StorageCaller {
  if (ctx.jwtError !== undefined) throw errors.accessDenied(ctx.jwtError);
  return ctx.caller;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function requireString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') throw errors.invalidRequest(`body must have required property '${key}'`);
  return value;
}

function validKey(key: string): string {
  if (!isValidObjectKey(key)) throw errors.invalidKey(key);
  return key;
}

/** Upload paths: leading and trailing `/` stripped, `//` collapsed, as storage-api does. */
const cleanUploadKey = (key: string) => key.replace(/\/+/g, '/').replace(/^\/|\/$/g, '');

// ---- sizes and MIME types of buckets --------------------------------------------------------------

const DECIMAL_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 };

function bucketSizeLimit(value: unknown, global: number): number | null {
  if (value === undefined || value === null) return null;
  let bytes: number;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) bytes = value;
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) bytes = Number(value.trim());
  else if (typeof value === 'string') {
    const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)$/i.exec(value.trim());
    if (!match) throw errors.invalidRequest(`file_size_limit "${value}" is not a size such as 1024, "500KB", "20MB" or "1GB"`);
    bytes = Math.floor(Number(match[1]) * DECIMAL_UNITS[match[2]!.toLowerCase()]!);
  } else throw errors.invalidRequest('file_size_limit must be a number of bytes or a string such as "20MB"');
  if (bytes > global) throw errors.tooLarge();
  return bytes === 0 ? null : bytes;
}

function mimeTypes(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((type) => typeof type !== 'string')) {
    throw errors.invalidRequest('allowed_mime_types must be an array of strings');
  }
  for (const type of value as string[]) {
    if (!/^[a-zA-Z0-9!#$&^_.+-]+\/([a-zA-Z0-9!#$&^_.+-]+|\*)$/.test(type)) throw errors.mimeType(type);
  }
  return value.length ? (value as string[]) : null;
}

// ---- buckets -------------------------------------------------------------------------------------

interface BucketOut {
  id: string;
  name: string;
  owner: string | null;
  public: boolean;
  file_size_limit: string | null;
  allowed_mime_types: string[] | null;
  created_at: Date;
  updated_at: Date;
  type: string;
}

const BUCKET_COLUMNS = 'id, name, owner, public, file_size_limit, allowed_mime_types, created_at, updated_at, type';
const bucketJson = (row: BucketOut) => ({
  ...row,
  owner: row.owner ?? '',
  file_size_limit: row.file_size_limit === null ? null : Number(row.file_size_limit),
});

async function listBuckets(ctx: RouteContext): Promise<void> {
  const caller = authenticated(ctx);
  const column = ctx.query.get('sortColumn') ?? 'name';
  if (!['id', 'name', 'created_at', 'updated_at'].includes(column)) throw errors.invalidRequest(`sortColumn must be one of id, name, created_at, updated_at`);
  const order = (ctx.query.get('sortOrder') ?? 'asc').toLowerCase() === 'desc' ? 'desc' : 'asc';
  const limit = ctx.query.has('limit') ? Number(ctx.query.get('limit')) : null;
  const offset = Number(ctx.query.get('offset') ?? 0);
  if ((limit !== null && !(Number.isInteger(limit) && limit >= 0)) || !(Number.isInteger(offset) && offset >= 0)) {
    throw errors.invalidRequest('limit and offset must be whole numbers');
  }
  const search = ctx.query.get('search') ?? '';
  const rows = await asCaller(ctx.store.pools, caller, 'storage.bucket.list', async (client) =>
    (await client.query<BucketOut>(
      `select ${BUCKET_COLUMNS} from storage.buckets
       where $1 = '' or name ilike '%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
       order by ${column} ${order} limit $2 offset $3`,
      [search, limit, offset],
    )).rows,
  );
  sendJson(ctx.res, 200, rows.map(bucketJson));
}

async function getBucket(ctx: RouteContext, id: string): Promise<void> {
  const caller = authenticated(ctx);
  const rows = await asCaller(ctx.store.pools, caller, 'storage.bucket.get', async (client) =>
    (await client.query<BucketOut>(`select ${BUCKET_COLUMNS} from storage.buckets where id = $1`, [id])).rows,
  );
  if (!rows[0]) throw errors.noSuchBucket();
  sendJson(ctx.res, 200, bucketJson(rows[0]));
}

async function createBucket(ctx: RouteContext): Promise<void> {
  const caller = authenticated(ctx);
  const body = await readJson(ctx.req);
  const name = requireString(body, 'name');
  const id = str(body.id) ?? name;
  const problem = bucketNameProblem(id) ?? bucketNameProblem(name);
  if (problem) throw errors.invalidBucketName(problem);
  if (id === '.' || id === '..') throw errors.invalidBucketName('Bucket name invalid: "." and ".." are not bucket names');
  const isPublic = body.public === undefined ? false : body.public;
  if (typeof isPublic !== 'boolean') throw errors.invalidRequest('body/public must be boolean');
  const limit = bucketSizeLimit(body.file_size_limit, ctx.globalFileSizeLimit);
  const types = mimeTypes(body.allowed_mime_types);
  const type = body.type === undefined ? 'STANDARD' : body.type;
  if (type !== 'STANDARD') throw errors.invalidRequest('Only STANDARD buckets are provided by the local stack');
  try {
    await asCaller(ctx.store.pools, caller, 'storage.bucket.create', (client) =>
      client.query(
        `insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [id, name, /^[0-9a-f-]{36}$/i.test(caller.sub ?? '') ? caller.sub : null, caller.sub, isPublic, limit, types],
      ),
    );
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw errors.bucketExists();
    throw error;
  }
  sendJson(ctx.res, 200, { name: id });
}

async function updateBucket(ctx: RouteContext, id: string): Promise<void> {
  const caller = authenticated(ctx);
  const body = await readJson(ctx.req);
  const sets: string[] = [];
  const values: unknown[] = [id];
  if (body.public !== undefined) {
    if (typeof body.public !== 'boolean') throw errors.invalidRequest('body/public must be boolean');
    values.push(body.public);
    sets.push(`public = $${values.length}`);
  }
  if (body.file_size_limit !== undefined) {
    values.push(bucketSizeLimit(body.file_size_limit, ctx.globalFileSizeLimit));
    sets.push(`file_size_limit = $${values.length}`);
  }
  if (body.allowed_mime_types !== undefined) {
    values.push(mimeTypes(body.allowed_mime_types));
    sets.push(`allowed_mime_types = $${values.length}`);
  }
  sets.push('updated_at = now()');
  const rows = await asCaller(ctx.store.pools, caller, 'storage.bucket.update', async (client) =>
    (await client.query(`update storage.buckets set ${sets.join(', ')} where id = $1 returning id`, values)).rows,
  );
  if (!rows[0]) throw errors.noSuchBucket();
  sendJson(ctx.res, 200, { message: 'Successfully updated' });
}

/** Deletes the caller's visible objects of a bucket (all of them for the service role), files after rows. */
async function deleteObjectsWhere(ctx: RouteContext, caller: StorageCaller, operation: string, where: string, values: unknown[]): Promise<ObjectRow[]> {
  const rows = await asCaller(ctx.store.pools, caller, operation, async (client) =>
    (await client.query<ObjectRow>(`delete from storage.objects where ${where} returning ${OBJECT_COLUMNS}`, values)).rows,
  );
  for (const row of rows) await ctx.store.files.removeVersion(row.bucket_id, row.name, row.version);
  return rows;
}

async function emptyBucket(ctx: RouteContext, id: string): Promise<void> {
  const caller = authenticated(ctx);
  await readJson(ctx.req);
  await findBucket(ctx.store, id);
  await deleteObjectsWhere(ctx, caller, 'storage.bucket.empty', 'bucket_id = $1', [id]);
  sendJson(ctx.res, 200, { message: 'Successfully emptied' });
}

async function deleteBucket(ctx: RouteContext, id: string): Promise<void> {
  const caller = authenticated(ctx);
  await readJson(ctx.req);
  const deleted = await asCaller(ctx.store.pools, caller, 'storage.bucket.delete', async (client) => {
    const visible = await client.query('select 1 from storage.buckets where id = $1', [id]);
    if (!visible.rows[0]) throw errors.noSuchBucket();
    // Objects the caller cannot see still keep the bucket: counted as the owner, as storage-api does.
    const objects = await asAdmin(ctx.store.pools, 'storage.bucket.delete', (admin) =>
      admin.query('select 1 from storage.objects where bucket_id = $1 limit 1', [id]),
    );
    if (objects.rows[0]) throw errors.bucketNotEmpty();
    return (await client.query('delete from storage.buckets where id = $1 returning id', [id])).rows;
  });
  if (!deleted[0]) throw errors.accessDenied();
  await ctx.store.files.removeBucket(id);
  sendJson(ctx.res, 200, { message: 'Successfully deleted' });
}

// ---- uploads ---------------------------------------------------------------------------------------

function userMetadataHeader(header: string | undefined): Record<string, unknown> | undefined {
  if (!header) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw errors.invalidRequest('x-metadata must be base64 of a JSON object');
}

function fieldMetadata(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw errors.invalidRequest('The metadata field must be a JSON object');
}

/**
 * Takes the upload's bytes from the request — raw (content-type and cache-control from headers) or
 * multipart (fields, then the file part) — and stores them with putObject.
 */
async function receiveUpload(
  ctx: RouteContext,
  caller: StorageCaller,
  target: { bucket: string; name: string; upsert: boolean; operation: string },
): Promise<{ id: string; key: string }> {
  const { req } = ctx;
  // Read through a pipe: a refused upload then ends the pipe, not the request's socket, which must
  // stay open for the answer (the handler drains what is left).
  const source = req.pipe(new PassThrough());
  try {
    return await receiveFrom(source);
  } catch (error) {
    // Stop feeding the pipe, so the rest of the body can be drained while the error is answered.
    req.unpipe(source);
    source.destroy();
    throw error;
  }

  async function receiveFrom(source: PassThrough): Promise<{ id: string; key: string }> {
    const boundary = multipartBoundary(req.headers['content-type']);
    if (boundary) {
      let result: { id: string; key: string } | undefined;
      const found = await readMultipart(source, boundary, async (part) => {
        const cache = part.fields.cacheControl;
        result = await putObject(ctx.store, caller, {
          ...target,
          contentType: part.fields.contentType || part.contentType || 'application/octet-stream',
          cacheControl: cache ? `max-age=${cache}` : 'no-cache',
          userMetadata: fieldMetadata(part.fields.metadata),
          size: -1,
          body: part.stream,
        });
      });
      if (!found || !result) throw errors.invalidRequest('No content provided');
      return result;
    }
    const declared = req.headers['content-length'] === undefined ? -1 : Number(req.headers['content-length']);
    return putObject(ctx.store, caller, {
      ...target,
      contentType: req.headers['content-type'] || 'application/octet-stream',
      cacheControl: req.headers['cache-control'] || 'no-cache',
      userMetadata: userMetadataHeader(req.headers['x-metadata'] as string | undefined),
      size: Number.isSafeInteger(declared) ? declared : -1,
      body: source,
    });
  }
}

async function upload(ctx: RouteContext, bucket: string, rawKey: string, update: boolean): Promise<void> {
  const caller = authenticated(ctx);
  const name = validKey(cleanUploadKey(rawKey));
  const upsert = update || ctx.req.headers['x-upsert'] === 'true';
  const { id, key } = await receiveUpload(ctx, caller, {
    bucket,
    name,
    upsert,
    operation: update ? 'storage.object.update' : 'storage.object.upload',
  });
  sendJson(ctx.res, 200, { Id: id, Key: key });
}

async function signUploadUrl(ctx: RouteContext, bucket: string, rawKey: string): Promise<void> {
  const caller = authenticated(ctx);
  await readJson(ctx.req);
  const name = validKey(cleanUploadKey(rawKey));
  const upsert = ctx.req.headers['x-upsert'] === 'true';
  await probeUpload(ctx.store, caller, { bucket, name, upsert, contentType: 'application/octet-stream', size: -1, operation: 'storage.object.upload_sign' });
  const url = `${bucket}/${name}`;
  const token = await signUpload(ctx.jwtSecret, url, caller.sub, upsert);
  sendJson(ctx.res, 200, { url: `/object/upload/sign/${url}?token=${token}`, token });
}

async function uploadToSignedUrl(ctx: RouteContext, bucket: string, rawKey: string): Promise<void> {
  const name = cleanUploadKey(rawKey);
  const token = await verifyToken(ctx.jwtSecret, ctx.query.get('token'), 'upload', `${bucket}/${name}`);
  validKey(name);
  // The token was granted after the caller's INSERT check; the upload itself runs as the API, for its owner.
  const owner: StorageCaller = { ...ctx.caller, role: 'service_role', sub: token.owner, claims: { role: 'service_role', sub: token.owner }, token: null };
  const { id, key } = await receiveUpload(ctx, owner, { bucket, name, upsert: token.upsert, operation: 'storage.object.upload_signed' });
  sendJson(ctx.res, 200, { Id: id, Key: key });
}

// ---- reads ---------------------------------------------------------------------------------------

async function readRow(client: pg.PoolClient, bucket: string, name: string): Promise<ObjectRow | undefined> {
  return (await client.query<ObjectRow>(`select ${OBJECT_COLUMNS} from storage.objects where bucket_id = $1 and name = $2`, [bucket, name])).rows[0];
}

/**
 * The row a read may see: in a public bucket anyone's; in a private one the caller's RLS decides, and
 * a caller with no valid JWT is told the bucket does not exist (storage-api's answer).
 */
async function visibleRow(ctx: RouteContext, bucket: string, name: string, mode: 'public' | 'any' | 'authenticated', operation: string): Promise<ObjectRow> {
  const found = await findBucket(ctx.store, bucket);
  let row: ObjectRow | undefined;
  if (mode === 'public') {
    if (!found.public) throw errors.noSuchBucket();
    row = await asAdmin(ctx.store.pools, operation, (client) => readRow(client, bucket, name));
  } else if (found.public && mode === 'any') {
    row = await asAdmin(ctx.store.pools, operation, (client) => readRow(client, bucket, name));
  } else {
    if (ctx.jwtError !== undefined) {
      if (mode === 'authenticated') throw errors.accessDenied(ctx.jwtError);
      throw errors.noSuchBucket();
    }
    row = await asCaller(ctx.store.pools, ctx.caller, operation, (client) => readRow(client, bucket, name));
  }
  if (!row) throw errors.noSuchKey();
  return row;
}

async function download(ctx: RouteContext, bucket: string, name: string, mode: 'public' | 'any' | 'authenticated'): Promise<void> {
  const row = await visibleRow(ctx, bucket, name, mode, mode === 'public' ? 'storage.object.get_public' : 'storage.object.get_authenticated');
  await sendObject(ctx.req, ctx.res, ctx.store, row, { download: ctx.query.get('download') });
}

async function info(ctx: RouteContext, bucket: string, name: string, mode: 'public' | 'any' | 'authenticated'): Promise<void> {
  const row = await visibleRow(ctx, bucket, name, mode, 'storage.object.info');
  const metadata = row.metadata ?? {};
  const lastModified = typeof metadata.lastModified === 'string' ? metadata.lastModified : row.updated_at?.toISOString();
  const headers: Record<string, string> = {};
  if (typeof metadata.eTag === 'string') headers.etag = metadata.eTag;
  if (lastModified) headers['last-modified'] = new Date(lastModified).toUTCString();
  if (typeof metadata.cacheControl === 'string') headers['cache-control'] = metadata.cacheControl;
  sendJson(ctx.res, 200, {
    id: row.id,
    name: row.name,
    version: row.version,
    bucket_id: row.bucket_id,
    size: metadata.size ?? null,
    content_type: metadata.mimetype ?? null,
    cache_control: metadata.cacheControl ?? null,
    etag: metadata.eTag ?? null,
    metadata: row.user_metadata ?? {},
    last_modified: lastModified ?? null,
    created_at: row.created_at,
  }, headers);
}

async function list(ctx: RouteContext, bucket: string): Promise<void> {
  const caller = authenticated(ctx);
  const body = await readJson(ctx.req);
  let prefix = requireString(body, 'prefix');
  if (prefix && !prefix.endsWith('/')) prefix += '/';
  prefix = prefix.replace(/^\/+/, '');
  const limit = body.limit === undefined ? 100 : body.limit;
  const offset = body.offset === undefined ? 0 : body.offset;
  if (!Number.isInteger(limit) || (limit as number) < 1 || !Number.isInteger(offset) || (offset as number) < 0) {
    throw errors.invalidRequest('body/limit must be a whole number of at least 1 and body/offset a whole number of at least 0');
  }
  const sortBy = (body.sortBy && typeof body.sortBy === 'object' ? body.sortBy : {}) as Record<string, unknown>;
  const column = str(sortBy.column) ?? 'name';
  if (!['name', 'updated_at', 'created_at', 'last_accessed_at'].includes(column)) {
    throw errors.invalidRequest('body/sortBy/column must be one of name, updated_at, created_at, last_accessed_at');
  }
  const order = str(sortBy.order) ?? 'asc';
  if (!['asc', 'desc'].includes(order.toLowerCase())) throw errors.invalidRequest('body/sortBy/order must be asc or desc');
  const search = body.search === undefined ? '' : body.search;
  if (typeof search !== 'string') throw errors.invalidRequest('body/search must be string');
  const rows = await asCaller(ctx.store.pools, caller, 'storage.object.list', async (client) =>
    (await client.query('select * from storage.search($1, $2, $3, 1, $4, $5, $6, $7)', [prefix, bucket, limit, offset, search, column, order])).rows,
  );
  sendJson(ctx.res, 200, rows);
}

// ---- move, copy, remove ------------------------------------------------------------------------

async function move(ctx: RouteContext): Promise<void> {
  const caller = authenticated(ctx);
  const body = await readJson(ctx.req);
  const bucket = requireString(body, 'bucketId');
  const from = validKey(requireString(body, 'sourceKey'));
  const to = validKey(requireString(body, 'destinationKey'));
  const toBucket = str(body.destinationBucket) ?? bucket;
  if (toBucket !== bucket) await findBucket(ctx.store, toBucket);
  // The caller's SELECT (USING) on the source and UPDATE (USING, and WITH CHECK on the new name) decide.
  const moved = async (client: pg.PoolClient) => {
    try {
      return (await client.query<{ id: string; version: string | null }>(
        'update storage.objects set bucket_id = $3, name = $4 where bucket_id = $1 and name = $2 returning id, version',
        [bucket, from, toBucket, to],
      )).rows[0];
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw errors.keyExists();
      throw error;
    }
  };
  const probe = await asCaller(ctx.store.pools, caller, 'storage.object.move', moved, false);
  if (!probe) throw errors.noSuchKey();
  // The version file moves with its row: renamed inside the transaction, renamed back if it fails.
  let renamed: { from: string; to: string } | undefined;
  let id: { id: string; version: string | null };
  try {
    id = await asAdmin(ctx.store.pools, 'storage.object.move', async (client) => {
      for (const key of [`${bucket}/${from}`, `${toBucket}/${to}`].sort()) {
        await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      }
      const row = await moved(client);
      if (!row) throw errors.noSuchKey();
      if (row.version) {
        const source = ctx.store.files.versionPath(bucket, from, row.version);
        renamed = { from: source, to: await ctx.store.files.publish(source, toBucket, to, row.version) };
      }
      return row;
    });
  } catch (error) {
    if (renamed) await ctx.store.files.moveBack(renamed.to, renamed.from);
    throw error;
  }
  await ctx.store.files.pruneKey(bucket, from);
  sendJson(ctx.res, 200, { message: 'Successfully moved', Id: id.id, Key: to });
}

async function copy(ctx: RouteContext): Promise<void> {
  const caller = authenticated(ctx);
  const body = await readJson(ctx.req);
  const bucket = requireString(body, 'bucketId');
  const from = validKey(requireString(body, 'sourceKey'));
  const to = validKey(requireString(body, 'destinationKey'));
  const toBucket = str(body.destinationBucket) ?? bucket;
  const upsert = ctx.req.headers['x-upsert'] === 'true';
  const source = await asCaller(ctx.store.pools, caller, 'storage.object.copy', (client) => readRow(client, bucket, from));
  if (!source?.version) throw errors.noSuchKey();
  const metadata = source.metadata ?? {};
  const copyMetadata = body.copyMetadata !== false;
  const stream = await ctx.store.files.openVersion(bucket, from, source.version);
  if (!stream) throw errors.noSuchKey();
  const userMetadata = copyMetadata
    ? (source.user_metadata ?? undefined)
    : body.metadata && typeof body.metadata === 'object' ? (body.metadata as Record<string, unknown>) : userMetadataHeader(ctx.req.headers['x-metadata'] as string | undefined);
  try {
    const { id, key } = await putObject(ctx.store, caller, {
      bucket: toBucket,
      name: to,
      upsert,
      contentType: str(metadata.mimetype) ?? 'application/octet-stream',
      cacheControl: str(metadata.cacheControl) ?? 'no-cache',
      userMetadata,
      size: Number(metadata.size ?? 0),
      operation: 'storage.object.copy',
      body: stream,
    });
    sendJson(ctx.res, 200, { Id: id, Key: key });
  } finally {
    stream.destroy();
  }
}

async function remove(ctx: RouteContext, bucket: string): Promise<void> {
  const caller = authenticated(ctx);
  const body = await readJson(ctx.req);
  const names = body.prefixes;
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
    throw errors.invalidRequest("body must have required property 'prefixes', an array of object names");
  }
  if (names.length < 1 || names.length > 1000) throw errors.invalidRequest('body/prefixes must name between 1 and 1000 objects');
  const rows = await deleteObjectsWhere(ctx, caller, 'storage.object.delete', 'bucket_id = $1 and name = any($2)', [bucket, names]);
  sendJson(ctx.res, 200, rows);
}

async function removeOne(ctx: RouteContext, bucket: string, name: string): Promise<void> {
  const caller = authenticated(ctx);
  await readJson(ctx.req);
  const rows = await deleteObjectsWhere(ctx, caller, 'storage.object.delete', 'bucket_id = $1 and name = $2', [bucket, name]);
  if (!rows.length) throw errors.noSuchKey();
  sendJson(ctx.res, 200, { message: 'Successfully deleted' });
}

// ---- signed URLs ---------------------------------------------------------------------------------

function expiresIn(body: Record<string, unknown>): number {
  const value = body.expiresIn;
  if (!Number.isInteger(value) || (value as number) < 1) throw errors.invalidRequest('body/expiresIn must be a whole number of seconds, at least 1');
  return value as number;
}

async function signUrl(ctx: RouteContext, bucket: string, name: string): Promise<void> {
  const caller = authenticated(ctx);
  const body = await readJson(ctx.req);
  const seconds = expiresIn(body);
  const row = await asCaller(ctx.store.pools, caller, 'storage.object.sign', (client) => readRow(client, bucket, name));
  if (!row) throw errors.noSuchKey();
  const url = `${bucket}/${name}`;
  const token = await signDownload(ctx.jwtSecret, url, seconds);
  sendJson(ctx.res, 200, { signedURL: `/object/sign/${url}?token=${token}` });
}

async function signUrls(ctx: RouteContext, bucket: string): Promise<void> {
  const caller = authenticated(ctx);
  const body = await readJson(ctx.req);
  const seconds = expiresIn(body);
  const paths = body.paths;
  if (!Array.isArray(paths) || paths.some((path) => typeof path !== 'string') || paths.length < 1) {
    throw errors.invalidRequest("body must have required property 'paths', a non-empty array of object names");
  }
  const visible = await asCaller(ctx.store.pools, caller, 'storage.object.sign', async (client) =>
    new Set((await client.query<{ name: string }>('select name from storage.objects where bucket_id = $1 and name = any($2)', [bucket, paths])).rows.map((row) => row.name)),
  );
  const out = [];
  for (const path of paths as string[]) {
    if (!visible.has(path)) {
      out.push({ error: 'Either the object does not exist or you do not have access to it', path, signedURL: null });
      continue;
    }
    const token = await signDownload(ctx.jwtSecret, `${bucket}/${path}`, seconds);
    out.push({ error: null, path, signedURL: `/object/sign/${bucket}/${path}?token=${token}` });
  }
  sendJson(ctx.res, 200, out);
}

async function signedDownload(ctx: RouteContext, bucket: string, name: string): Promise<void> {
  const token = await verifyToken(ctx.jwtSecret, ctx.query.get('token'), 'download', `${bucket}/${name}`);
  const row = await asAdmin(ctx.store.pools, 'storage.object.get_signed', (client) => readRow(client, bucket, name));
  if (!row) throw errors.noSuchKey();
  await sendObject(ctx.req, ctx.res, ctx.store, row, { download: ctx.query.get('download'), expires: token.exp });
}

// ---- routing -------------------------------------------------------------------------------------

/** Splits `<bucket>/<key…>`; the key may be empty. */
function bucketAndKey(rest: string): [string, string] {
  const slash = rest.indexOf('/');
  return slash < 0 ? [rest, ''] : [rest.slice(0, slash), rest.slice(slash + 1)];
}

function needKey(rest: string): [string, string] {
  const [bucket, key] = bucketAndKey(rest);
  if (!bucket) throw errors.noSuchBucket();
  if (!key) throw errors.invalidKey(key);
  return [bucket, key];
}

/** Paths that work with no apikey or Authorization, as the CLI's gateway leaves them open. */
export function isOpenStoragePath(method: string, path: string): boolean {
  if (method === 'OPTIONS') return true;
  if ((method === 'GET' || method === 'HEAD') && /^\/object\/(public|sign)\//.test(path)) return true;
  if (method === 'PUT' && path.startsWith('/object/upload/sign/')) return true;
  return path.startsWith('/upload/resumable/sign');
}

export async function route(ctx: RouteContext, method: string, path: string): Promise<void> {
  const read = method === 'GET' || method === 'HEAD';
  let match: RegExpExecArray | null;
  if (path === '/bucket' || path === '/bucket/') {
    if (read) return listBuckets(ctx);
    if (method === 'POST') return createBucket(ctx);
  } else if ((match = /^\/bucket\/([^/]+)\/empty\/?$/.exec(path)) && method === 'POST') {
    return emptyBucket(ctx, match[1]!);
  } else if ((match = /^\/bucket\/([^/]+)\/?$/.exec(path))) {
    if (read) return getBucket(ctx, match[1]!);
    if (method === 'PUT') return updateBucket(ctx, match[1]!);
    if (method === 'DELETE') return deleteBucket(ctx, match[1]!);
  } else if (path.startsWith('/object/')) {
    const rest = path.slice('/object/'.length);
    if (rest === 'move' && method === 'POST') return move(ctx);
    if (rest === 'copy' && method === 'POST') return copy(ctx);
    if (rest.startsWith('list/') && method === 'POST') return list(ctx, rest.slice('list/'.length).replace(/\/$/, ''));
    if (rest.startsWith('public/') && read) return download(ctx, ...needKey(rest.slice('public/'.length)), 'public');
    if (rest.startsWith('authenticated/') && read) return download(ctx, ...needKey(rest.slice('authenticated/'.length)), 'authenticated');
    if (rest.startsWith('info/') && read) {
      const inner = rest.slice('info/'.length);
      if (inner.startsWith('public/')) return info(ctx, ...needKey(inner.slice('public/'.length)), 'public');
      if (inner.startsWith('authenticated/')) return info(ctx, ...needKey(inner.slice('authenticated/'.length)), 'authenticated');
      return info(ctx, ...needKey(inner), 'any');
    }
    if (rest.startsWith('upload/sign/')) {
      const [bucket, key] = needKey(rest.slice('upload/sign/'.length));
      if (method === 'POST') return signUploadUrl(ctx, bucket, key);
      if (method === 'PUT') return uploadToSignedUrl(ctx, bucket, key);
    }
    if (rest.startsWith('sign/')) {
      const [bucket, key] = bucketAndKey(rest.slice('sign/'.length));
      if (method === 'POST' && key) return signUrl(ctx, bucket, key);
      if (method === 'POST') return signUrls(ctx, bucket);
      if (read && key) return signedDownload(ctx, bucket, key);
    }
    const [bucket, key] = bucketAndKey(rest);
    if (bucket && !key && method === 'DELETE') return remove(ctx, bucket);
    if (bucket && key) {
      if (method === 'POST') return upload(ctx, bucket, key, false);
      if (method === 'PUT') return upload(ctx, bucket, key, true);
      if (read) return download(ctx, bucket, key, 'any');
      if (method === 'DELETE') return removeOne(ctx, bucket, key);
    }
  }
  throw errors.routeNotFound(method, path);
}

export { checkUpload, mimeAllowed, StorageError };
