/**
 * Plain `fetch` to the public REST API with the anon key: how the product page reads the catalogue
 * without downloading supabase-js (~50 KB gzip). Errors come back as {@link ApiError}, with the same
 * `code` / `message` / `details` fields a PostgrestError has, so one error mapper serves both.
 */
import { getEnv } from '../config/env';

export class ApiError extends Error {
  constructor(
    /** The API's stable code (`insufficient_credits`, `invalid_input`, … or a function's own code). */
    message: string,
    readonly details: string = '',
    readonly code: string = '',
    readonly status: number = 0,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type ErrorBody = { code?: unknown; message?: unknown; details?: unknown };

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const { supabaseUrl, supabaseAnonKey } = getEnv();
  const response = await fetch(`${supabaseUrl}/rest/v1/${path}`, {
    ...init,
    headers: {
      apikey: supabaseAnonKey,
      Authorization: `Bearer ${supabaseAnonKey}`,
      Accept: 'application/json',
      ...(init.body ? { 'Content-Type': 'application/json' } : {}),
      ...init.headers,
    },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as ErrorBody;
    throw new ApiError(
      typeof body.message === 'string' ? body.message : `HTTP ${response.status}`,
      typeof body.details === 'string' ? body.details : '',
      typeof body.code === 'string' ? body.code : '',
      response.status,
    );
  }
  return response;
}

/** GET `/rest/v1/<path>` (a table with its query string) as the anonymous visitor. */
export async function publicSelect(path: string, signal?: AbortSignal): Promise<unknown> {
  const response = await request(path, signal ? { signal } : {});
  return response.json();
}

/** POST `/rest/v1/rpc/<name>` with named arguments, as the anonymous visitor. */
export async function publicRpc(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
  const response = await request(`rpc/${name}`, { method: 'POST', body: JSON.stringify(args), ...(signal ? { signal } : {}) });
  return response.json();
}
