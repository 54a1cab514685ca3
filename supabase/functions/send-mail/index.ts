/**
 * `send-mail` (verify_jwt, and the service role only): drains the mail outbox. Called by the database
 * after a transaction that enqueued mail (pg_net) and every minute by pg_cron for retries. Loops
 * claim → render → send → report until nothing is due or about 20 s have passed, and answers
 * `{ sent, failed }`.
 *
 * The loop and its at-most-once rules are in _shared/mail/drain.ts; this file is the I/O around it.
 */
import { jsonResponse } from '../_shared/cors.ts';
import { databaseError, HttpError } from '../_shared/errors.ts';
import { postHandler } from '../_shared/http.ts';
import { notificationHeaders } from '../_shared/mail/headers.ts';
import type { OutboxMessage } from '../_shared/mail/message.ts';
import { MailConfigError, mailSettings, type MailSettings } from '../_shared/mail/settings.ts';
import { renderMail } from '../_shared/mail/templates.tsx';
import { smtpTransport, type Transport } from '../_shared/mail/transport.ts';
import { drainOutbox, type Outcome } from '../_shared/mail/drain.ts';
import { requireServiceRole } from '../_shared/service-role.ts';
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

/** Renders and sends one message; a failure to build it is thrown, and drainOutbox reports it. */
async function sendOne(message: OutboxMessage, settings: MailSettings, transport: Transport): Promise<Outcome> {
  const mail = await renderMail(message, { siteUrl: settings.siteUrl });
  const headers = await notificationHeaders(message, settings);
  return transport.send({ from: settings.from, fromAddress: settings.fromAddress, to: message.to, ...mail, headers });
}

Deno.serve(
  postHandler(async (req) => {
    requireServiceRole(req, 'Only the service role may send mail (the database and its scheduler call this).');
    const settings = settingsOrThrow();
    if (!settings.smtpUrl) {
      // Said before anything is claimed, so no attempt is used up while the setting is missing.
      throw new HttpError(503, 'mail_not_configured', 'SMTP_URL is not set, so no mail can be sent. Set it (supabase secrets set SMTP_URL=smtps://user:password@host:465).');
    }
    const db = adminClient();
    const transport = smtpTransport(settings.smtpUrl);
    let result;
    try {
      result = await drainOutbox(
        {
          async claim(limit, leaseSeconds) {
            const claim = await db.rpc('service_role_claim_mail', { p_limit: limit, p_lease_seconds: leaseSeconds });
            if (claim.error) throw databaseError('claiming mail', claim);
            return (claim.data ?? []) as OutboxMessage[];
          },
          send: (message) => sendOne(message, settings, transport),
          async report(message, outcome) {
            const recorded = outcome.ok
              ? await db.rpc('service_role_mail_sent', { p_id: message.id, p_provider_id: outcome.providerId })
              : await db.rpc('service_role_mail_failed', { p_id: message.id, p_error: outcome.error, p_permanent: outcome.permanent });
            if (recorded.error) console.error(`mail ${message.id}: the outcome could not be recorded:`, JSON.stringify(recorded.error));
            return !recorded.error;
          },
          log: (line) => console.error(line),
        },
        { runMs: RUN_MS, batch: BATCH, leaseSeconds: LEASE_SECONDS, leaseMarginMs: LEASE_MARGIN_MS, concurrency: CONCURRENCY },
      );
    } finally {
      transport.close();
    }
    const { sent, failed, unreported } = result;
    if (unreported.length) console.error(`mail ${unreported.join(', ')}: outcome not recorded; the database will list them as unknown`);
    return jsonResponse({ sent, failed, ...(unreported.length ? { unreported } : {}) });
  }),
);
