/**
 * TUS 1.0.0 resumable uploads at `/storage/v1/upload/resumable`, as storage-api serves them
 * (src/http/routes/tus), on @tus/server with a file store under `<dataDir>/storage/.tus/`:
 *  - POST creates an upload from `Upload-Length` and `Upload-Metadata` (bucketName, objectName,
 *    contentType, cacheControl in seconds, metadata as JSON); the bucket, the name, the limits and the
 *    caller's RLS INSERT (or upsert, with `x-upsert: true`) are checked before anything is stored, and
 *    again on every PATCH and DELETE, as storage-api does.
 *  - `Location` is `<origin>/storage/v1/upload/resumable[/sign]/<base64url(bucket/object/version)>`.
 *  - PATCH appends at most 6 MB (the chunk size Supabase tells clients to use); HEAD gives the offset a
 *    client resumes from; DELETE abandons the upload; OPTIONS advertises version, extensions and max size.
 *  - `/upload/resumable/sign` takes an upload token from createSignedUploadUrl in `x-signature` instead
 *    of a JWT: the token's owner and upsert decide, and RLS is not asked (the token was granted under it).
 *  - The last byte makes the object: it is streamed from the assembled file through the Storage service's
 *    putObject (which checks again, writes the file atomically and the row with it), then the upload's
 *    files are removed. Until then there is no row. Unfinished uploads expire after an hour and a sweep
 *    removes their files.
 * Errors are storage-api's TUS errors: the status of the storage error and its message as the body.
 */
import { createReadStream, mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ERRORS, Metadata, Server, type Upload } from '@tus/server';
import { jwtVerify } from 'jose';
import type { Logger } from '../../core/logger.ts';
import type { StorageCaller, StorageStore, UploadCheck } from '../store.ts';
import { TusFileStore } from './file-store.ts';
import { decodeTarget, encodeTarget, fromTus, newTarget, tusError, TusError, type UploadTarget } from './upload-id.ts';

export const TUS_PATH = '/storage/v1/upload/resumable';
/** The chunk size Supabase's docs require of TUS clients (`chunkSize: 6 * 1024 * 1024`). */
export const TUS_CHUNK_BYTES = 6 * 1024 * 1024;
/** storage-api's TUS_URL_EXPIRY_MS default: an unfinished upload can be resumed for an hour. */
export const TUS_EXPIRY_MS = 60 * 60 * 1000;

/** What the storage service hands over (see ../index.ts). */
export interface TusDeps {
  /** Checks and writes objects; its `globalFileSizeLimit` is advertised as Tus-Max-Size. */
  store: Pick<StorageStore, 'checkUpload' | 'putObject' | 'globalFileSizeLimit'>;
  /** `jwtSecret` signs the upload tokens of signed upload URLs. */
  keys: { jwtSecret: string };
  dataDir: string;
  log: Logger;
  /** How long an unfinished upload can be resumed; an hour by default. */
  expiryMs?: number;
  /** How often expired uploads are swept away; 10 minutes by default. */
  sweepIntervalMs?: number;
}

export type TusHandler = ((req: IncomingMessage, res: ServerResponse, caller: StorageCaller) => Promise<void>) & {
  /** Removes expired unfinished uploads now; resolves to how many. */
  sweep(): Promise<number>;
  close(): void;
};

interface RequestContext {
  caller: StorageCaller;
  signed: boolean;
  upsert: boolean;
  /** From the URL (PATCH, HEAD, DELETE) or from the metadata (POST); undefined when the URL names none. */
  target?: UploadTarget;
}

interface NodeBacked {
  runtime?: { node?: { req: IncomingMessage; res?: ServerResponse } };
  method: string;
  headers: Headers;
}

const OPERATIONS: Record<string, string> = {
  POST: 'storage.tus.upload.create',
  PATCH: 'storage.tus.upload.part',
  HEAD: 'storage.tus.upload.get',
  DELETE: 'storage.tus.upload.delete',
  OPTIONS: 'storage.tus.options',
};

interface StorageErrorLike {
  body(): { statusCode: string; code: string; message: string };
}

function isStorageError(error: unknown): error is StorageErrorLike {
  return typeof error === 'object' && error !== null && typeof (error as Partial<StorageErrorLike>).body === 'function';
}

/** Ours, or @tus/utils' ERRORS (plain objects) thrown by the datastore and handlers. */
function isTusError(error: unknown): error is { status_code: number; body: string } {
  return error instanceof TusError || (typeof error === 'object' && error !== null && typeof (error as { status_code?: unknown }).status_code === 'number');
}

/** Worth asking again later: the stack failed, or the database could not be reached (SlowDown). */
function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

function statusOf(error: unknown): number {
  if (isStorageError(error)) return Number(error.body().statusCode) || 500;
  return isTusError(error) ? error.status_code : 500;
}

/** The part of the path after `/upload/resumable`, whether or not the gateway kept `/storage/v1`. */
function parsePath(url: string | undefined): { signed: boolean; segment: string } {
  const pathname = new URL(url ?? '/', 'http://local').pathname;
  const at = pathname.indexOf('/upload/resumable');
  const rest = at < 0 ? '' : pathname.slice(at + '/upload/resumable'.length);
  const signed = rest === '/sign' || rest.startsWith('/sign/');
  return { signed, segment: (signed ? rest.slice('/sign'.length) : rest).replace(/^\/+|\/+$/g, '') };
}

function userMetadata(raw: string | null | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    // storage-api ignores user metadata it cannot parse rather than refusing the upload.
    return undefined;
  }
}

/** Who writes under a signed upload URL: the service (no RLS), on behalf of the token's owner. */
function signedCaller(caller: StorageCaller, owner: unknown): StorageCaller {
  const sub = typeof owner === 'string' && owner !== '' ? owner : null;
  return { ...caller, role: 'service_role', sub, token: null, claims: { role: 'service_role', ...(sub ? { sub } : {}) } };
}

export function createTusHandler(deps: TusDeps): TusHandler {
  const directory = join(deps.dataDir, 'storage', '.tus');
  mkdirSync(directory, { recursive: true });
  const store = new TusFileStore(directory, deps.expiryMs ?? TUS_EXPIRY_MS);
  const secret = new TextEncoder().encode(deps.keys.jwtSecret);
  const contexts = new WeakMap<IncomingMessage, RequestContext>();
  /** Uploads whose last byte arrived and whose object is being written right now. */
  const finishing = new Set<string>();

  function contextOf(req: unknown): RequestContext {
    const node = (req as NodeBacked).runtime?.node?.req;
    const context = node && contexts.get(node);
    if (!context) throw tusError(500, 'The TUS request lost its caller');
    return context;
  }

  function targetOf(context: RequestContext): UploadTarget {
    if (!context.target) throw fromTus(ERRORS.FILE_NOT_FOUND);
    return context.target;
  }

  async function verifySignature(req: NodeBacked, context: RequestContext): Promise<void> {
    const token = req.headers.get('x-signature');
    if (!token) throw tusError(400, 'Missing x-signature header');
    let claims: Record<string, unknown>;
    try {
      claims = (await jwtVerify(token, secret, { algorithms: ['HS256'] })).payload;
    } catch (error) {
      throw tusError(400, error instanceof Error ? error.message : 'Invalid JWT');
    }
    if (!(claims.scope === 'upload' || (claims.scope === undefined && 'upsert' in claims))) {
      throw tusError(400, 'Token is not scoped for upload');
    }
    const target = targetOf(context);
    if (claims.url !== `${target.bucket}/${target.objectName}`) throw tusError(400, 'Invalid signature');
    context.caller = signedCaller(context.caller, claims.owner);
    context.upsert = claims.upsert === true;
  }

  async function check(
    context: RequestContext,
    operation: string,
    metadata: Record<string, string | null> | undefined,
    size: number,
    creating: boolean,
  ): Promise<void> {
    const target = targetOf(context);
    const request: UploadCheck = {
      bucket: target.bucket,
      name: target.objectName,
      upsert: context.upsert,
      contentType: metadata?.contentType || 'application/octet-stream',
      size,
      userMetadata: userMetadata(metadata?.metadata),
      operation,
    };
    try {
      await deps.store.checkUpload(context.caller, request);
    } catch (error) {
      // At creation storage-api refuses an oversized upload through tus's own max-size check.
      if (creating && isStorageError(error) && error.body().code === 'EntityTooLarge') throw fromTus(ERRORS.ERR_MAX_SIZE_EXCEEDED);
      throw error;
    }
  }

  function refuseLargeChunk(req: NodeBacked): void {
    const length = Number(req.headers.get('content-length') ?? '0');
    if (length > TUS_CHUNK_BYTES) {
      throw tusError(
        413,
        `A resumable upload takes chunks of at most 6 MB (${TUS_CHUNK_BYTES} bytes), as on Supabase; this one has ${length}. Set the client's chunkSize to 6 * 1024 * 1024.`,
      );
    }
  }

  /**
   * Makes the object of a complete upload: streamed from the assembled file through putObject, which
   * checks again as the caller and writes file and row together. Then the upload's files go (`remove`),
   * or, when a HEAD asked, they stay marked as written (`keep`) so HEAD keeps answering "complete" until
   * the sweep removes them. A refusal (4xx) ends the upload, since a complete upload cannot be resumed;
   * a failure of the stack (5xx, or 429 SlowDown when the database cannot be reached) keeps it for the
   * client's retry.
   */
  async function finish(context: RequestContext, upload: Upload, afterwards: 'remove' | 'keep'): Promise<void> {
    const target = targetOf(context);
    const metadata = upload.metadata ?? {};
    finishing.add(upload.id);
    try {
      await deps.store.putObject(context.caller, {
        bucket: target.bucket,
        name: target.objectName,
        upsert: context.upsert,
        contentType: metadata.contentType || 'application/octet-stream',
        size: upload.size ?? upload.offset,
        userMetadata: userMetadata(metadata.metadata),
        operation: 'storage.object.upload',
        cacheControl: metadata.cacheControl || 'no-cache',
        body: createReadStream(store.filePath(upload.id)),
      });
    } catch (error) {
      if (!retryable(statusOf(error))) await store.remove(upload.id).catch(() => undefined);
      throw error;
    } finally {
      finishing.delete(upload.id);
    }
    const done = afterwards === 'remove' ? store.remove(upload.id) : store.markWritten(upload.id);
    await done.catch((error: unknown) => deps.log.error('storage', `cleaning up finished upload ${upload.id}`, error));
  }

  const server = new Server({
    path: TUS_PATH,
    datastore: store,
    disableTerminationForFinishedUploads: true,
    allowedHeaders: ['Authorization', 'X-Upsert', 'Upload-Expires', 'ApiKey', 'x-signature', 'X-Client-Info'],
    maxSize: () => deps.store.globalFileSizeLimit,
    namingFunction(req, metadata) {
      if (!metadata) throw tusError(400, 'Metadata header is required');
      const context = contextOf(req);
      context.target = newTarget(metadata.bucketName ?? '', metadata.objectName ?? '');
      return context.target.version;
    },
    generateUrl(req, { proto, host }) {
      const context = contextOf(req);
      return `${proto}://${host}${TUS_PATH}${context.signed ? '/sign' : ''}/${encodeTarget(targetOf(context))}`;
    },
    getFileIdFromRequest(req) {
      return contextOf(req).target?.version;
    },
    async onIncomingRequest(rawReq, id) {
      const req = rawReq as unknown as NodeBacked;
      const context = contextOf(req);
      if (context.signed) await verifySignature(req, context);
      const operation = OPERATIONS[req.method] ?? 'storage.tus.upload';
      if (req.method === 'POST') {
        refuseLargeChunk(req);
        const header = req.headers.get('upload-metadata');
        await check(context, operation, header ? Metadata.parse(header) : undefined, Number(req.headers.get('upload-length')), true);
        return;
      }
      const upload = await store.getUpload(id);
      const target = targetOf(context);
      // The version alone finds the files; the bucket and name in the URL must be the upload's too.
      if (upload.metadata?.bucketName !== target.bucket || upload.metadata?.objectName !== target.objectName) {
        throw fromTus(ERRORS.FILE_NOT_FOUND);
      }
      if (req.method === 'HEAD') {
        // Complete but still here without having been written: the stack stopped, or the database
        // failed, between the last byte and the object. Write it now, as the client's retry (a HEAD)
        // asks where the upload stands, so that "offset = size" is only ever said of a stored object.
        if (upload.size !== undefined && upload.offset === upload.size && !finishing.has(id) && !(await store.isWritten(id))) {
          await finish(context, upload, 'keep');
        }
        return;
      }
      // Its object exists already; nothing more may be added to it or taken from it.
      if (await store.isWritten(id)) throw fromTus(ERRORS.FILE_NOT_FOUND);
      if (req.method === 'PATCH') refuseLargeChunk(req);
      await check(context, operation, upload.metadata, upload.size ?? 0, false);
    },
    async onUploadCreate(_req, upload) {
      const metadata = { ...upload.metadata };
      metadata.cacheControl = /^-?\d+$/.test(metadata.cacheControl ?? '') ? `max-age=${metadata.cacheControl}` : 'no-cache';
      return { metadata };
    },
    async onUploadFinish(req, upload: Upload) {
      const node = (req as unknown as NodeBacked).runtime?.node;
      if (req.method === 'POST' && node?.res) {
        // Finished at creation (a zero-byte file, or all bytes sent with the POST): @tus/server reads the
        // upload once more to answer, so its files go only when the answer has been sent.
        await finish(contextOf(req), upload, 'keep');
        node.res.once('close', () => {
          store.remove(upload.id).catch((error: unknown) => deps.log.error('storage', `removing finished upload ${upload.id}`, error));
        });
      } else {
        await finish(contextOf(req), upload, 'remove');
      }
      return { headers: { 'Tus-Complete': '1' } };
    },
    onResponseError(_req, error) {
      if (isStorageError(error)) return { status_code: statusOf(error), body: error.body().message };
      if (isTusError(error)) return undefined;
      deps.log.error('storage', 'resumable upload failed', error);
      return { status_code: 500, body: 'Internal Server Error' };
    },
  });

  const sweep = () => store.deleteExpired();
  const logSweep = () => {
    sweep().catch((error: unknown) => deps.log.error('storage', 'sweeping expired resumable uploads failed', error));
  };
  logSweep();
  const timer = setInterval(logSweep, deps.sweepIntervalMs ?? 10 * 60 * 1000);
  timer.unref();

  const handler = async (req: IncomingMessage, res: ServerResponse, caller: StorageCaller): Promise<void> => {
    const { signed, segment } = parsePath(req.url);
    const context: RequestContext = {
      caller,
      signed,
      upsert: req.headers['x-upsert'] === 'true',
      target: segment === '' ? undefined : decodeTarget(segment),
    };
    contexts.set(req, context);
    await server.handle(req, res);
  };
  return Object.assign(handler, { sweep, close: () => clearInterval(timer) });
}
