/** Turning a statement's result row into PostgREST's HTTP response: status, ranges, media type. */
import type { ServiceResponse } from '../core/service.ts';
import { ApiError } from './errors.ts';
import type { StatementResult } from './execute.ts';
import { contentTypeFor, type Accepted, type Preferences } from './prefer.ts';

export function pageTotal(row: StatementResult): number {
  return Number(row.page_total);
}

/** A judgement of a statement's result before its transaction ends: an error to answer with, after ROLLBACK. */
export type ResultCheck = (row: StatementResult) => ApiError | undefined;

/**
 * Singular responses must hold exactly one row; anything else is 406 PGRST116 (and a ROLLBACK).
 * Undefined when the response is not singular.
 */
export function singularCheck(accepted: Accepted | undefined): ResultCheck | undefined {
  if (accepted?.kind !== 'object') return undefined;
  return (row) => {
    const rows = pageTotal(row);
    if (rows === 1) return undefined;
    return new ApiError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object',
      `The result contains ${rows} rows`);
  };
}

/** `Prefer: handling=strict, max-affected=n`: more rows affected is 400 PGRST124 (and a ROLLBACK). */
export function maxAffectedCheck(prefs: Preferences): ResultCheck | undefined {
  const limit = prefs.maxAffected;
  if (prefs.handling !== 'strict' || limit === undefined) return undefined;
  return (row) => {
    const affected = pageTotal(row);
    if (affected <= limit) return undefined;
    return new ApiError(400, 'PGRST124', 'Query result exceeds max-affected preference constraint',
      `The query affects ${affected} rows`);
  };
}

/** The checks that apply, in order; undefined when none does (the transaction's end needs no result). */
export function allChecks(...checks: Array<ResultCheck | undefined>): ResultCheck | undefined {
  const present = checks.filter((check) => check !== undefined);
  if (present.length === 0) return undefined;
  return (row) => {
    for (const check of present) {
      const error = check(row);
      if (error) return error;
    }
    return undefined;
  };
}

export function contentRange(lower: number, rows: number, total: number | null): string {
  const upper = lower + rows - 1;
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : '*';
  return `${range}/${total ?? '*'}`;
}

export function rangeStatus(lower: number, rows: number, total: number | null): number {
  if (total === null) return 200;
  if (lower > total) {
    throw new ApiError(416, 'PGRST103', 'Requested range not satisfiable',
      `An offset of ${lower} was requested, but there are only ${total} rows.`);
  }
  return rows < total ? 206 : 200;
}

/** Applies `response.status` and `response.headers` set by SQL (`set_config('response.status', '418', true)`). */
export function applyResponseGucs(row: StatementResult, response: ServiceResponse): ServiceResponse {
  if (row.response_status) {
    const status = Number(row.response_status);
    if (Number.isInteger(status) && status >= 100 && status <= 599) response.status = status;
    else throw new ApiError(500, 'PGRST112', 'response.status guc must be a valid status code');
  }
  if (row.response_headers) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.response_headers);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed)) {
      throw new ApiError(500, 'PGRST111', 'response.headers guc must be a JSON array composed of objects with a single key and a string value');
    }
    response.headers ??= {};
    for (const entry of parsed) {
      for (const [name, value] of Object.entries(entry as Record<string, unknown>)) {
        response.headers[name.toLowerCase()] = typeof value === 'string' ? value : JSON.stringify(value);
      }
    }
  }
  return response;
}

/** The body in the negotiated media type; HEAD drops it. */
export function bodyResponse(
  status: number,
  accepted: Accepted,
  json: string | null,
  headers: Record<string, string>,
  head: boolean,
): ServiceResponse {
  // A handler's bytes travel as base64 (read.ts); a NULL value is an empty body, as PostgREST.
  const body = accepted.kind === 'custom' && accepted.handler!.binary ? Buffer.from(json ?? '', 'base64') : json ?? '';
  return {
    status,
    headers: { 'content-type': contentTypeFor(accepted), ...headers },
    body: head ? undefined : body,
  };
}
