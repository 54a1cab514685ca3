/**
 * `send-mail` (verify_jwt, and the service role only): drains the mail outbox. Called by the database
 * after a transaction that enqueued mail (pg_net) and every minute by pg_cron for retries. Loops
 * claim → render → send → report until nothing is due or about 20 s have passed, and answers
 * `{ sent, failed }`.
 *
 * At most once: `service_role_claim_mail` hands out each message under a lease; a message whose lease
 * ran out while it was being sent is never sent again (the database marks it `unknown` for an admin).
 * So a message is not sent once its lease is nearly over, and every claimed message is reported as sent
 * or failed, the report retried a few times before it is given up (and logged) for the lease to settle.
 */
import { jsonResponse } from '../_shared/cors.ts';
import { databaseError, HttpError } from '../_shared/errors.ts';
import { postHandler } from '../_shared/http.ts';
import { notificationHeaders } from '../_shared/mail/headers.ts';
import type { OutboxMessage } from '../_shared/mail/message.ts';
import { MailConfigError, mailSettings, type MailSettings } from '../_shared/mail/settings.ts';
import { renderMail } from '../_shared/mail/templates.tsx';
import { smtpTransport, type SendResult, type Transport } from '../_shared/mail/transport.ts';
import { adminClient } from '../_shared/supabase.ts';

/** How long one call keeps claiming; pg_cron calls again a minute later. */
const RUN_MS = 20_000;
const BATCH = 10;
const LEASE_SECONDS = 60;
/** A message is not started with less lease than this left: the send itself may take up to ~25 s. */
const LEASE_MARGIN_MS = 30_000;
/** Sends in flight at once: enough to keep an SMTP pool busy, few enough for a 2-core machine. */
const CONCURRENCY = 4;

function settingsOrThrow(): MailSettings {
  try {
    return mailSettings((name) => Deno.env.get(name));
  } catch (error) {
    if (error instanceof MailConfigError) throw new HttpError(500, 'mail_config', error.message);
    throw error;
  }
}

/** The JWT's role claim; verify_jwt has already checked its signature. */
function roleOf(req: Request): string | undefined {
  const token = /^Bearer ([^.\s]+)\.([^.\s]+)\.[^.\s]+$/i.exec(req.headers.get('Authorization') ?? '')?.[2];
  if (!token) return undefined;
  try {
    const payload = JSON.parse(atob(token.replace(/-/g, '+').replace(/_/g, '/'))) as { role?: unknown };
    return typeof payload.role === 'string' ? payload.role : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries a report a few times: while it is not recorded the message looks in flight. */
async function report(what: string, call: () => PromiseLike<{ error: unknown; status: number }>): Promise<boolean> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const result = await call();
    if (!result.error) return true;
    console.error(`${what} could not be recorded (attempt ${attempt}):`, JSON.stringify(result.error));
    await sleep(250 * attempt);
  }
  return false;
}

async function sendOne(message: OutboxMessage, settings: MailSettings, transport: Transport, leaseEnds: number): Promise<SendResult> {
  if (Date.now() > leaseEnds - LEASE_MARGIN_MS) {
    return { ok: false, permanent: false, error: 'not started: the claim was about to expire' };
  }
  try {
    const mail = await renderMail(message, { siteUrl: settings.siteUrl });
    const headers = await notificationHeaders(message, settings);
    return await transport.send({ from: settings.from, fromAddress: settings.fromAddress, to: message.to, ...mail, headers });
  } catch (error) {
    // A template or header that cannot be built is a bug for an admin to see, not the address's fault.
    return { ok: false, permanent: false, error: `could not build the mail: ${error instanceof Error ? error.message : String(error)}` };
  }
}

Deno.serve(
  postHandler(async (req) => {
    if (roleOf(req) !== 'service_role') {
      throw new HttpError(403, 'forbidden', 'Only the service role may send mail (the database and its scheduler call this).');
    }
    const settings = settingsOrThrow();
    if (!settings.smtpUrl) {
      // Said before anything is claimed, so no attempt is used up while the setting is missing.
      throw new HttpError(503, 'mail_not_configured', 'SMTP_URL is not set, so no mail can be sent. Set it (supabase secrets set SMTP_URL=smtps://user:password@host:465).');
    }
    const db = adminClient();
    const transport = smtpTransport(settings.smtpUrl);
    const started = Date.now();
    let sent = 0;
    let failed = 0;
    const unreported: number[] = [];
    try {
      while (Date.now() - started < RUN_MS) {
        const claimedAt = Date.now();
        const claim = await db.rpc('service_role_claim_mail', { p_limit: BATCH, p_lease_seconds: LEASE_SECONDS });
        if (claim.error) throw databaseError('claiming mail', claim);
        const messages = (claim.data ?? []) as OutboxMessage[];
        if (messages.length === 0) break;
        const leaseEnds = claimedAt + LEASE_SECONDS * 1000;
        let next = 0;
        const worker = async () => {
          while (next < messages.length) {
            const message = messages[next++]!;
            const result = await sendOne(message, settings, transport, leaseEnds);
            const recorded = result.ok
              ? await report(`mail ${message.id} sent`, () => db.rpc('service_role_mail_sent', { p_id: message.id, p_provider_id: result.providerId }))
              : await report(`mail ${message.id} failed`, () =>
                  db.rpc('service_role_mail_failed', { p_id: message.id, p_error: result.error, p_permanent: result.permanent }));
            if (result.ok) sent++;
            else {
              failed++;
              console.error(`mail ${message.id} (${message.kind}, attempt ${message.attempt}) not sent${result.permanent ? ' (permanent)' : ''}: ${result.error}`);
            }
            if (!recorded) unreported.push(message.id);
          }
        };
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, messages.length) }, worker));
      }
    } finally {
      transport.close();
    }
    if (unreported.length) console.error(`mail ${unreported.join(', ')}: outcome not recorded; the database will list them as unknown`);
    return jsonResponse({ sent, failed, ...(unreported.length ? { unreported } : {}) });
  }),
);
