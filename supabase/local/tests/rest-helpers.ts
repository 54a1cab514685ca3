/** What the REST conformance tests share: raw requests for what supabase-js cannot express. */
import { stack } from './helpers.ts';

type Init = RequestInit & { headers?: Record<string, string> };

/** A request to `/rest/v1<path>` with the anon key as apikey and Bearer (override either in `headers`). */
export function rest(path: string, init: Init = {}): Promise<Response> {
  return fetch(`${stack.apiUrl}/rest/v1${path}`, {
    ...init,
    headers: {
      apikey: stack.anonKey,
      authorization: `Bearer ${stack.anonKey}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
  });
}
