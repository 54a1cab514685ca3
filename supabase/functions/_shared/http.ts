/**
 * The frame every payment function runs in: CORS preflight, method check, JSON body parsing, and the
 * mapping of thrown errors to `{ error: { code, message } }` responses. An unexpected error is logged
 * with its detail and answered with a generic 500, so internals never reach the browser.
 */
import { jsonResponse, preflight } from './cors.ts';
import { badRequest, HttpError } from './errors.ts';

export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    if (error.status >= 500) console.error(`${error.code}: ${error.detail ?? error.message}`);
    return jsonResponse({ error: { code: error.code, message: error.message } }, error.status, error.headers);
  }
  console.error('unexpected error:', error);
  return jsonResponse(
    { error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again in a moment.' } },
    500,
  );
}

/** A `Deno.serve` handler for a POST endpoint: preflight answered, other methods refused, errors mapped. */
export function postHandler(handle: (req: Request) => Promise<Response>): (req: Request) => Promise<Response> {
  return async (req) => {
    const cors = preflight(req);
    if (cors) return cors;
    if (req.method !== 'POST') {
      return errorResponse(new HttpError(405, 'method_not_allowed', `Use POST, not ${req.method}.`));
    }
    try {
      return await handle(req);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** The request's JSON object body, or a 400 that says what is wrong with it. */
export async function readJsonObject(req: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse(await req.text());
  } catch {
    throw badRequest('invalid_body', 'The request body must be a JSON object.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('invalid_body', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
