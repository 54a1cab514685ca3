/**
 * `unsubscribe` (verify_jwt = false: the link in a mail carries no session; the token in it identifies
 * the recipient). The target of the List-Unsubscribe header:
 * - POST with RFC 8058's body `List-Unsubscribe=One-Click` and `token`/`kind` in the query (what a mail
 *   client sends for its own "Unsubscribe" button), or a JSON body `{ token, kind }`: turns the kind off
 *   (`unsubscribe_by_token`) and answers `{ kind, label, delivery: "never" }`;
 * - GET never changes anything — mail scanners and link previews fetch every URL in a mail — and sends
 *   the browser to the app's unsubscribe page, which asks first.
 */
import { corsHeaders, jsonResponse, preflight } from '../_shared/cors.ts';
import { badRequest, databaseError, HttpError } from '../_shared/errors.ts';
import { errorResponse } from '../_shared/http.ts';
import { isMailKind } from '../_shared/mail/message.ts';
import { DEFAULT_SITE_URL } from '../_shared/mail/settings.ts';
import { anonClient } from '../_shared/mail/anon.ts';

const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;

function checked(token: unknown, kind: unknown): { token: string; kind: string } {
  if (typeof token !== 'string' || !TOKEN.test(token)) {
    throw badRequest('invalid_unsubscribe_token', 'The unsubscribe link is incomplete or damaged: its token is missing or malformed.');
  }
  if (!isMailKind(kind)) throw badRequest('unknown_kind', `The unsubscribe link names no known kind of e-mail (${JSON.stringify(kind ?? null)}).`);
  return { token, kind };
}

/** token and kind from the query, or from a JSON or form body (the query wins, as in the mail's link). */
async function readRequest(req: Request, url: URL): Promise<{ token: unknown; kind: unknown }> {
  const type = req.headers.get('Content-Type') ?? '';
  const text = await req.text();
  let body: Record<string, unknown> = {};
  if (/json/i.test(type)) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      else throw new Error('not an object');
    } catch {
      throw badRequest('invalid_body', 'The request body must be a JSON object {"token": …, "kind": …}.');
    }
  } else if (text) {
    body = Object.fromEntries(new URLSearchParams(text));
  }
  return { token: url.searchParams.get('token') ?? body.token, kind: url.searchParams.get('kind') ?? body.kind };
}

/**
 * The database's refusals carry a stable code as `message`, or as `hint` when several share one (for
 * example `not_found` with the hint `invalid_unsubscribe_token`); either way the caller gets that code
 * and the database's words, with 404 for an unknown token and 400 for anything else it refused.
 */
async function unsubscribe(token: string, kind: string): Promise<unknown> {
  const result = await anonClient().rpc('unsubscribe_by_token', { p_token: token, p_kind: kind });
  if (!result.error) return result.data;
  const { message, details, hint } = result.error;
  const code = hint || message;
  if (code === 'invalid_unsubscribe_token' || message === 'invalid_unsubscribe_token') {
    throw new HttpError(404, 'invalid_unsubscribe_token', details || 'This unsubscribe link is not valid (any more). Change your e-mail settings in the portal instead.');
  }
  // PGRST… is PostgREST's own (no such function: a broken deployment), not a refusal by the database.
  if (result.status >= 400 && result.status < 500 && !result.error.code?.startsWith('PGRST')) throw badRequest(code || 'refused', details || code);
  throw databaseError('unsubscribing', result);
}

Deno.serve(async (req) => {
  const cors = preflight(req);
  if (cors) return cors;
  const url = new URL(req.url);
  try {
    if (req.method === 'GET' || req.method === 'HEAD') {
      const { token, kind } = checked(url.searchParams.get('token'), url.searchParams.get('kind'));
      const site = (Deno.env.get('SITE_URL')?.trim() || DEFAULT_SITE_URL).replace(/\/+$/, '');
      const page = new URL(`${site}/unsubscribe`);
      page.searchParams.set('token', token);
      page.searchParams.set('kind', kind);
      return new Response(null, { status: 303, headers: { ...corsHeaders, Location: page.toString(), 'Cache-Control': 'no-store' } });
    }
    if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', `Use POST, not ${req.method}.`);
    const input = await readRequest(req, url);
    const { token, kind } = checked(input.token, input.kind);
    return jsonResponse(await unsubscribe(token, kind));
  } catch (error) {
    return errorResponse(error);
  }
});
