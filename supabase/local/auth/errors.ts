/**
 * GoTrue's error responses (`internal/api/errors.go`). auth-js only trusts the body's `code` when the
 * response carries `X-Supabase-Api-Version`, so the two body shapes are chosen by the request's header.
 */
import { RETRY_AFTER_SECONDS } from '../core/db-errors.ts';
import { json, type ServiceRequest, type ServiceResponse } from '../core/service.ts';

export const API_VERSION = '2024-01-01';

export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra top-level body fields, e.g. `weak_password: {reasons}`. */
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** What went wrong, for the log only (GoTrue's `WithInternalMessage`). */
  internalCause?: string;

  withCause(cause: string): this {
    this.internalCause = cause;
    return this;
  }
}

/** OAuth2-style errors (`{error, error_description}`), which GoTrue keeps for a few token-grant cases. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export const badRequest = (code: string, message: string) => new AuthError(400, code, message);
export const unprocessable = (code: string, message: string) => new AuthError(422, code, message);
export const forbidden = (code: string, message: string) => new AuthError(403, code, message);
export const notFound = (code: string, message: string) => new AuthError(404, code, message);

export const INVALID_LOGIN = 'Invalid login credentials';
export const EMAIL_EXISTS = 'A user with this email address has already been registered';

/** Picks the API version the way GoTrue does: a valid dated header at or after 2024-01-01. */
function wantsVersionedErrors(req: ServiceRequest): boolean {
  const header = req.headers['x-supabase-api-version'];
  if (!header || !/^\d{4}-\d{2}-\d{2}$/.test(header)) return false;
  return header >= API_VERSION;
}

function versionHeaders(req: ServiceRequest): Record<string, string> {
  return wantsVersionedErrors(req) ? { 'x-supabase-api-version': API_VERSION } : {};
}

export function errorResponse(error: AuthError | OAuthError, req: ServiceRequest): ServiceResponse {
  if (error instanceof OAuthError) {
    return json(400, { error: error.error, error_description: error.description }, versionHeaders(req));
  }
  const headers = { ...versionHeaders(req), 'x-sb-error-code': error.code, ...error.headers };
  const body = wantsVersionedErrors(req)
    ? { code: error.code, message: error.message, ...error.extra }
    : { code: error.status, error_code: error.code, msg: error.message, ...error.extra };
  return json(error.status, body, headers);
}

/** What GoTrue answers for anything it did not anticipate; the cause goes to the log, not the client. */
export function unexpectedFailure(req: ServiceRequest): ServiceResponse {
  return errorResponse(
    new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information'),
    req,
  );
}

/**
 * Postgres out of reach (restarting). GoTrue itself answers database failures with a 500, on which
 * auth-js drops the session it was refreshing; a 503 is what auth-js treats as retryable
 * (AuthRetryableFetchError), so a signed-in user stays signed in through a database restart.
 */
export function databaseUnavailable(): AuthError {
  return new AuthError(
    503,
    'unexpected_failure',
    'The database is unavailable at the moment; try again shortly.',
    {},
    { 'retry-after': String(RETRY_AFTER_SECONDS) },
  );
}
