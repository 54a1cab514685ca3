/**
 * What a TUS upload URL carries, as storage-api encodes it: the last path segment is
 * base64url(`<bucket>/<object name>/<version>`) — storage-api's upload id without its tenant. The
 * version is a random UUID and is also the name of the upload's files under `.tus/`, so an object name
 * never becomes a path on disk.
 */
import { randomUUID } from 'node:crypto';
import { bucketNameProblem, isValidObjectKey } from '../names.ts';

export interface UploadTarget {
  bucket: string;
  objectName: string;
  version: string;
}

/** A TUS error as @tus/server sends it: the status, and the body as plain text. */
export class TusError extends Error {
  readonly status_code: number;
  readonly body: string;

  constructor(status: number, body: string) {
    super(body.trim());
    this.status_code = status;
    this.body = body;
  }
}

export function tusError(status: number, message: string): TusError {
  return new TusError(status, message);
}

/** One of @tus/utils' ERRORS (plain objects) as a throwable error with the same status and body. */
export function fromTus(error: { status_code: number; body: string }): TusError {
  return new TusError(error.status_code, error.body);
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The rules every upload meets (../names.ts), with storage-api's TUS messages. */
export function checkTarget(bucket: string, objectName: string): void {
  if (bucketNameProblem(bucket) !== null) throw tusError(400, 'Bucket name invalid');
  if (!isValidObjectKey(objectName)) throw tusError(400, `Invalid key: ${objectName}`);
}

export function newTarget(bucket: string, objectName: string): UploadTarget {
  checkTarget(bucket, objectName);
  return { bucket, objectName, version: randomUUID() };
}

export function encodeTarget(target: UploadTarget): string {
  return Buffer.from(`${target.bucket}/${target.objectName}/${target.version}`, 'utf8').toString('base64url');
}

/** The target named by a URL segment, or undefined when it is not one this server issued. */
export function decodeTarget(segment: string): UploadTarget | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  const parts = Buffer.from(segment, 'base64url').toString('utf8').split('/');
  if (parts.length < 3) return undefined;
  const bucket = parts[0]!;
  const version = parts.at(-1)!;
  const objectName = parts.slice(1, -1).join('/');
  if (!UUID_PATTERN.test(version)) return undefined;
  try {
    checkTarget(bucket, objectName);
  } catch {
    return undefined;
  }
  return { bucket, objectName, version };
}
