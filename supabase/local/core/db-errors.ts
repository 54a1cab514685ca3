/**
 * Telling "the database is out of reach" from every other failure: while Postgres restarts, each
 * service answers 503 with a Retry-After (which postgrest-js honours, and on which auth-js keeps the
 * session), never a 500 and never a dead process.
 */

/** Seconds a client should wait before trying again; a restart with crash recovery takes about one. */
export const RETRY_AFTER_SECONDS = 1;

/** Failures to open a connection: nothing reached Postgres. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);
/** Node's words for a connection lost under a request. */
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/**
 * SQLSTATEs of a server that is starting, stopping or crashed, or full: 57P03 cannot_connect_now
 * (starting up, in recovery, shutting down), 53300 too_many_connections.
 */
const CONNECT_SQLSTATES = new Set(['57P03', '53300']);
/** 57P01 admin_shutdown, 57P02 crash_shutdown, and class 08 (connection exception). */
const LOST_SQLSTATES = new Set(['57P01', '57P02']);
/** What node-postgres says, without a code, when a connection ends or was never usable. */
const LOST_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];
const CONNECT_MESSAGES = ['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout'];

export type ConnectionFailure = 'connect' | 'lost';

/** `connect` when no connection could be had, `lost` when one broke, `undefined` for anything else. */
export function connectionFailure(error: unknown): ConnectionFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string') {
    if (CONNECT_CODES.has(code) || CONNECT_SQLSTATES.has(code) || code === '08001' || code === '08004') return 'connect';
    if (LOST_CODES.has(code) || LOST_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return 'lost';
  }
  if (CONNECT_MESSAGES.some((m) => text.startsWith(m))) return 'connect';
  if (LOST_MESSAGES.some((m) => text.startsWith(m))) return 'lost';
  // AggregateError from a connect attempt to several addresses (IPv4 and IPv6).
  if (error instanceof AggregateError) return error.errors.map(connectionFailure).find(Boolean);
  return undefined;
}

export function isConnectionError(error: unknown): boolean {
  return connectionFailure(error) !== undefined;
}
