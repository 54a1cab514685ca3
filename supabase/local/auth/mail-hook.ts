/**
 * The Send Email hook (`internal/hooks/{hookshttp,hookspgfunc}`): GoTrue's payload POSTed to an HTTP
 * endpoint signed with Standard Webhooks, or passed to a Postgres function in the request's transaction.
 * The hook answers `{}` (or 204) to accept, or `{"error": {"http_code", "message"}}`, which becomes the
 * request's error as GoTrue turns it into one.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { SendEmailHook } from '../core/project-config.ts';
import type { ServiceContext, ServiceRequest } from '../core/service.ts';
import type { Db } from './db.ts';
import { AuthError } from './errors.ts';
import { clientIp, type Json } from './request.ts';

const HTTP_TIMEOUT_MS = 5000;
const HTTP_ATTEMPTS = 3;
const HTTP_BACKOFF_MS = 200;
const PG_TIMEOUT_MS = 2000;
/** GoTrue reads at most this much of a hook's answer. */
const MAX_RESPONSE_BYTES = 20 * 1024;

/** An error GoTrue builds without an error code: versioned clients see `unexpected_failure` or `unknown`. */
const hookError = (status: number, message: string) => new AuthError(status, status >= 500 ? 'unexpected_failure' : 'unknown', message);

/** Standard Webhooks: base64 HMAC-SHA256 over `id.timestamp.body` with the secret after `whsec_`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^v1,/, '').replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** `{"error": {...}}` in a hook's answer, as `hookserrors.Check` reads it; a missing code means 500. */
function checkHookAnswer(text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AuthError(500, 'unexpected_failure', 'Error unmarshaling JSON output.');
  }
  const error = (parsed as { error?: { http_code?: unknown; message?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object' || typeof error.message !== 'string' || error.message === '') return;
  const status = typeof error.http_code === 'number' && error.http_code >= 400 && error.http_code < 600 ? error.http_code : 500;
  throw hookError(status, error.message);
}

export async function invokeSendEmailHook(
  ctx: ServiceContext,
  hook: SendEmailHook,
  db: Db,
  req: ServiceRequest,
  input: { user: Json; email_data: Json },
): Promise<void> {
  const metadata: Json = { uuid: randomUUID(), time: new Date().toISOString(), name: 'send_email' };
  const ip = clientIp(req);
  if (ip) metadata.ip_address = ip;
  const payload = JSON.stringify({ metadata, ...input });
  if (hook.kind === 'postgres') return runPostgresHook(db, hook, payload);
  return runHttpHook(ctx, hook, payload);
}

async function runPostgresHook(db: Db, hook: Extract<SendEmailHook, { kind: 'postgres' }>, payload: string): Promise<void> {
  const name = `"${hook.schema.replace(/"/g, '""')}"."${hook.name.replace(/"/g, '""')}"`;
  await db.query(`set local statement_timeout to '${PG_TIMEOUT_MS}'`);
  const { rows } = await db.query<{ answer: unknown }>(`select ${name}($1::jsonb)::text as answer`, [payload]);
  await db.query('set local statement_timeout to default');
  const answer = rows[0]?.answer;
  if (typeof answer === 'string') checkHookAnswer(answer);
}

async function runHttpHook(ctx: ServiceContext, hook: Extract<SendEmailHook, { kind: 'http' }>, payload: string): Promise<void> {
  const deadline = Date.now() + HTTP_TIMEOUT_MS;
  const timedOut = () =>
    new AuthError(422, 'hook_timeout', `Failed to reach hook within maximum time of ${(HTTP_TIMEOUT_MS / 1000).toFixed(6)} seconds`);
  for (let attempt = 0; attempt < HTTP_ATTEMPTS; attempt += 1) {
    const id = randomUUID();
    const timestamp = Math.floor(Date.now() / 1000);
    let response: Response;
    try {
      response = await fetch(hook.uri, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': hook.secrets.map((secret) => signWebhook(secret, id, timestamp, payload)).join(', '),
          'accept-encoding': 'identity',
        },
        body: payload,
        signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError' || Date.now() >= deadline) throw timedOut();
      ctx.log.info('auth', `send_email hook ${hook.uri} unreachable (attempt ${attempt + 1}): ${(error as Error).message}`);
      if (attempt < HTTP_ATTEMPTS - 1) {
        await new Promise((resolve) => setTimeout(resolve, HTTP_BACKOFF_MS));
        continue;
      }
      throw new AuthError(422, 'hook_timeout_after_retry', 'Failed to reach hook after maximum retries');
    }
    const status = response.status;
    if (status === 204) {
      await response.body?.cancel();
      return;
    }
    if (status === 200 || status === 202) {
      const contentType = response.headers.get('content-type');
      if (!contentType) {
        await response.body?.cancel();
        throw new AuthError(400, 'hook_payload_invalid_content_type', 'Invalid Content-Type: Missing Content-Type header');
      }
      if (contentType.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
        await response.body?.cancel();
        throw new AuthError(400, 'hook_payload_invalid_content_type', `Invalid JSON response. Received content-type: ${contentType}`);
      }
      const body = Buffer.from(await response.arrayBuffer());
      if (body.length > MAX_RESPONSE_BYTES) {
        throw new AuthError(422, 'hook_payload_over_size_limit', `Payload size exceeded size limit of ${MAX_RESPONSE_BYTES} bytes`);
      }
      checkHookAnswer(body.toString('utf8'));
      return;
    }
    await response.body?.cancel();
    if ((status === 429 || status === 503) && response.headers.get('retry-after')) continue;
    if (status === 429 || status === 503) throw hookError(500, 'Service currently unavailable due to hook');
    if (status === 400) throw hookError(500, 'Invalid payload sent to hook');
    if (status === 401) throw hookError(500, 'Hook requires authorization token');
    throw hookError(500, `Unexpected status code returned from hook: ${status}`);
  }
  throw hookError(500, 'Service currently unavailable due to hook');
}
