/**
 * PostgREST's error body and its SQLSTATE → HTTP status map (src/PostgREST/Error.hs; see
 * SUPABASE_CONTRACT §1.5). Every failure a client can cause ends here as `{code,message,details,hint}`.
 */
import { connectionFailure, RETRY_AFTER_SECONDS } from '../core/db-errors.ts';
import type { ServiceResponse } from '../core/service.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    readonly hint: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A query-string or header the parser cannot read: PostgREST's PGRST100. */
export function parseError(message: string, details: string | null = null): ApiError {
  return new ApiError(400, 'PGRST100', message, details);
}

/**
 * Postgres out of reach, as PostgREST answers it (hasql's connection and client errors): PGRST000
 * when no connection could be opened, PGRST001 when one broke under the request; the driver's own
 * words as details.
 */
export function databaseUnavailable(error: unknown): ApiError | undefined {
  const failure = connectionFailure(error);
  if (!failure) return undefined;
  const details = error instanceof Error ? error.message : String(error);
  return failure === 'connect'
    ? new ApiError(503, 'PGRST000', 'Database connection error. Retrying the connection.', details)
    : new ApiError(503, 'PGRST001', 'Database client error. Retrying the connection.', details);
}

/** PostgREST adds Retry-After to every 503 (the delay until its next reconnection attempt). */
export function errorResponse(error: ApiError): ServiceResponse {
  const retry: Record<string, string> = error.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
  const body = JSON.stringify({
    code: error.code,
    message: error.message,
    details: error.details,
    hint: error.hint,
  });
  return {
    status: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...retry, ...error.headers },
    body,
  };
}

export interface PgError {
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
}

export function isPgError(error: unknown): error is PgError {
  return typeof error === 'object' && error !== null && typeof (error as PgError).code === 'string' &&
    (error as PgError).code!.length === 5;
}

/** HTTP status for a SQLSTATE, as PostgREST maps them. */
export function statusForSqlState(code: string, message: string, isAnon: boolean): number {
  if (/^PT\d\d\d$/.test(code)) return Number(code.slice(2));
  const two = code.slice(0, 2);
  switch (code) {
    case '23503':
    case '23505':
      return 409;
    case 'P0001':
      return 400;
    case '21000':
      // PostgREST answers 500 for an upsert whose body names one key twice ("ON CONFLICT DO UPDATE
      // command cannot affect row a second time"), but only the body can cause it: a client error.
      return /requires a WHERE clause$|^ON CONFLICT DO UPDATE command cannot affect row a second time$/.test(message) ? 400 : 500;
    case '42501':
      return isAnon ? 401 : 403;
    case '22023':
      return /^role .* does not exist$/.test(message) ? 401 : 400;
    case '42883':
      return message.startsWith('function xmlagg(') ? 406 : 404;
    case '42P01':
      return 404;
    case '25006':
      return 405;
    case '53400':
    case '42P17':
      return 500;
    case '57P01':
      return 503;
    case '54000':
    case '54011':
    case '54023':
      // PostgREST answers 500, but these limits (7 array dimensions in a filter value, 1,700 selected
      // columns, too many function arguments) are reached only by the shape of the request: the
      // client must change it, so say so. 54001 (stack depth) stays 500: a runaway function hits it.
      return 400;
  }
  if (['0L', '0P', '28'].includes(two)) return 403;
  if (['08', '53'].includes(two)) return 503;
  if (['09', '25', '2D', '38', '39', '3B', '40', '54', '55', '57', '58', 'F0', 'HV', 'P0', 'XX'].includes(two)) {
    return 500;
  }
  return 400;
}

/** A PostgreSQL error as PostgREST reports it, including `RAISE SQLSTATE 'PGRST'` with JSON message/detail. */
export function fromPgError(error: PgError, isAnon: boolean): ApiError {
  const code = error.code ?? 'XX000';
  if (code === 'PGRST') return customPgrstError(error);
  const status = statusForSqlState(code, error.message, isAnon);
  return new ApiError(status, code, error.message, error.detail ?? null, error.hint ?? null);
}

function customPgrstError(error: PgError): ApiError {
  try {
    const body = JSON.parse(error.message) as Record<string, unknown>;
    const detail = JSON.parse(error.detail ?? '{}') as { status?: number; headers?: Record<string, string> };
    const str = (value: unknown) => (typeof value === 'string' ? value : null);
    return new ApiError(
      typeof detail.status === 'number' ? detail.status : 400,
      str(body.code) ?? 'PGRST',
      str(body.message) ?? '',
      str(body.details),
      str(body.hint),
      detail.headers ?? {},
    );
  } catch {
    return new ApiError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
      `Invalid JSON value for MESSAGE: '${error.message}'`, null);
  }
}
