/**
 * storage-api's errors: a logical status, a code, a legacy `error` name and a message, answered with
 * HTTP 400 for every logical status but 500 (and the few real statuses storage-api keeps: 403 for role
 * enforcement, 416 for ranges, 429 when the database has no connection to spare).
 */
import { isConnectionError } from '../core/db-errors.ts';

const REAL_HTTP_STATUSES = new Set([500, 416, 429]);

export class StorageError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly error: string,
    message: string,
    /** A status other than storage-api's usual mapping (a route that does not exist is a real 404). */
    private readonly http?: number,
  ) {
    super(message);
  }

  httpStatus(): number {
    if (this.http !== undefined) return this.http;
    return REAL_HTTP_STATUSES.has(this.status) ? this.status : 400;
  }

  body(): { statusCode: string; code: string; error: string; message: string } {
    return { statusCode: String(this.status), code: this.code, error: this.error, message: this.message };
  }
}

export const errors = {
  noSuchKey: () => new StorageError(404, 'NoSuchKey', 'not_found', 'Object not found'),
  noSuchBucket: () => new StorageError(404, 'NoSuchBucket', 'Bucket not found', 'Bucket not found'),
  accessDenied: (message = 'new row violates row-level security policy') => new StorageError(403, 'AccessDenied', 'Unauthorized', message),
  keyExists: () => new StorageError(409, 'KeyAlreadyExists', 'Duplicate', 'The resource already exists'),
  bucketExists: () => new StorageError(409, 'BucketAlreadyExists', 'Duplicate', 'The resource already exists'),
  bucketNotEmpty: () => new StorageError(409, 'ResourceNotEmpty', 'ResourceNotEmpty', 'The bucket you tried to delete is not empty'),
  tooLarge: () => new StorageError(413, 'EntityTooLarge', 'Payload too large', 'The object exceeded the maximum allowed size'),
  mimeType: (type: string) => new StorageError(415, 'InvalidMimeType', 'invalid_mime_type', `mime type ${type} is not supported`),
  invalidKey: (key: string) => new StorageError(400, 'InvalidKey', 'InvalidKey', `Invalid key: ${key}`),
  invalidBucketName: (detail: string) => new StorageError(400, 'InvalidBucketName', 'Invalid Input', detail),
  invalidRequest: (message: string) => new StorageError(400, 'InvalidRequest', 'Bad Request', message),
  invalidSignature: (message = 'The url do not match the signature') => new StorageError(400, 'InvalidSignature', 'InvalidSignature', message),
  invalidJwt: (message: string) => new StorageError(400, 'InvalidJWT', 'Invalid JWT', message),
  expiredToken: () => new StorageError(400, 'ExpiredToken', 'ExpiredToken', 'The provided token has expired.'),
  invalidRange: () => new StorageError(416, 'InvalidRange', 'InvalidRange', 'The requested range is not satisfiable'),
  routeNotFound: (method: string, path: string) =>
    new StorageError(404, 'InvalidRequest', 'Not Found', `Route ${method}:${path} not found`, 404),
  slowDown: () => new StorageError(429, 'SlowDown', 'too_many_connections', 'Too many connections issued to the database'),
  internal: () => new StorageError(500, 'InternalError', 'internal', 'Internal Server Error'),
};

/**
 * A database error as storage-api reports it: RLS refusals (and a role the caller's JWT names but may
 * not take) are 403 AccessDenied, a duplicate key 409, a lost connection 429-like SlowDown; anything else
 * is left to the caller to report.
 */
export function fromDatabaseError(error: unknown): StorageError | undefined {
  if (error instanceof StorageError) return error;
  const code = (error as { code?: string } | null)?.code;
  const message = (error as Error | null)?.message ?? '';
  if (code === '42501') return errors.accessDenied(message.startsWith('new row violates') ? 'new row violates row-level security policy' : message);
  if (code === '22023' && /role .* does not exist/.test(message)) return errors.accessDenied(message);
  if (code === '57014') return new StorageError(544, 'DatabaseTimeout', 'DatabaseTimeout', 'The database timed out running this query', 544);
  if (isConnectionError(error)) return errors.slowDown();
  return undefined;
}
