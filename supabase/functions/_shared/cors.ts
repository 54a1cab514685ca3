/**
 * CORS for Pro Portal's edge functions. The SPA runs on another origin, so the browser preflights every
 * `functions.invoke`. supabase-js's own `corsHeaders` lists every header the SDK sends (x-retry-count,
 * traceparent, …), so a new SDK header cannot silently break the preflight the way a hand-written list
 * would (https://supabase.com/docs/guides/functions/cors). `npm:` only: jsr.io is unreachable offline,
 * and the same file deploys to hosted Supabase unchanged.
 */
import { corsHeaders } from 'npm:@supabase/supabase-js@2/cors';

export { corsHeaders };

/** The answer to a CORS preflight, or null when `req` is not one. Call it first in every handler. */
export function preflight(req: Request): Response | null {
  return req.method === 'OPTIONS' ? new Response('ok', { headers: corsHeaders }) : null;
}

/** A JSON response the browser may read: CORS headers on success and error alike. */
export function jsonResponse(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, 'Content-Type': 'application/json', ...Object.fromEntries(new Headers(headers)) },
  });
}
