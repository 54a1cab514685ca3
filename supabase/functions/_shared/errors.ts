/**
 * One error shape for every payment function: `{ error: { code, message } }` with a stable snake_case
 * code for the app and a message in words for a person (as the SQL functions' `message`/`details`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. Retry-After on a 503. */
    readonly headers: Record<string, string> = {},
    /** What actually went wrong, for the log only: never sent to the caller. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (code: string, message: string) => new HttpError(400, code, message);

/**
 * Seconds a client should wait after a 503. The platform's own 503s (PostgREST's connection errors, Auth
 * while its database is down) say 1, and a restarted Postgres takes a few: the client retries a few times.
 */
export const RETRY_AFTER_SECONDS = 1;

/**
 * The platform (database, Auth) could not be reached: a 503 with Retry-After, so the app tells the
 * customer to try again in a moment (not to sign in again) and Stripe redelivers the webhook later.
 */
export function temporarilyUnavailable(what: 'database' | 'auth', detail: string): HttpError {
  const message = what === 'database'
    ? 'The database is unavailable right now. Please try again in a moment.'
    : 'Your sign-in cannot be checked right now. Please try again in a moment.';
  return new HttpError(503, 'temporarily_unavailable', message, { 'Retry-After': String(RETRY_AFTER_SECONDS) }, detail);
}

/** The parts of a supabase-js PostgREST result (`{ error, status }`) that say why it failed. */
export interface PostgrestFailure {
  error: { code?: string | null; message: string; details?: string | null };
  status: number;
}

/**
 * PostgREST's codes for "no database behind me": PGRST000 cannot connect, PGRST001 the connection broke,
 * PGRST002 the schema cache cannot be loaded. All come as 503 with Retry-After.
 */
const DATABASE_UNREACHABLE = new Set(['PGRST000', 'PGRST001', 'PGRST002']);

/**
 * A 502, 503 or 504 comes from the platform between us and Postgres (PostgREST, or the gateway in front
 * of it), never from our SQL; status 0 is supabase-js's way of saying the request got no answer at all.
 */
const UNREACHABLE_STATUS = new Set([0, 502, 503, 504]);

/**
 * The error to throw for a failed supabase-js database call: `temporarilyUnavailable` when the platform
 * could not be reached (a retry will succeed), otherwise a plain Error, which the handler answers as a
 * generic 500 (a bug or a broken schema, which a retry will not fix). `what` says what the call was doing.
 */
export function databaseError(what: string, { error, status }: PostgrestFailure): Error {
  const detail = `${what} failed: HTTP ${status} ${error.code ?? ''} ${error.message} ${error.details ?? ''}`.trim();
  if (UNREACHABLE_STATUS.has(status) || DATABASE_UNREACHABLE.has(error.code ?? '')) {
    return temporarilyUnavailable('database', detail);
  }
  return new Error(detail);
}
