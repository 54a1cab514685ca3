/**
 * `inbound-email` (verify_jwt = false: Mailgun signs its requests instead). The target of a Mailgun
 * "forward" route for the reply domain (locally, of the mail catcher standing in for it): a form POST
 * with the parsed mail and `timestamp`, `token`, `signature`.
 *
 * - The signature (HMAC-SHA256 of timestamp + token under MAILGUN_WEBHOOK_SIGNING_KEY) is checked first;
 *   a bad, stale (over five minutes) or replayed one is a 401 and nothing changes.
 * - Automatic mail (vacation replies, bounces) is acknowledged and ignored: answering it could loop.
 * - A mail to `unsubscribe+<kind>.<token>@…` (the List-Unsubscribe mailto) turns that kind off.
 * - Mail to any other address of the domain is acknowledged and not answered (it would be backscatter).
 * - A reply to `reply+<token>@…` loses its quoted history and signature and goes to
 *   `service_role_reply_by_email`, which posts it to the ticket, or refuses it (unknown address or
 *   sender, closed ticket, nothing written) and mails the sender why. The answer is 200 with that
 *   status either way: the mail was handled, and Mailgun must not deliver it again.
 */
import { jsonResponse } from '../_shared/cors.ts';
import { databaseError, HttpError } from '../_shared/errors.ts';
import { postHandler } from '../_shared/http.ts';
import { readInbound } from '../_shared/mail/inbound.ts';
import { ReplayGuard, verifyMailgunSignature } from '../_shared/mail/mailgun.ts';
import { replyTokenOf, unsubscribeAddressOf } from '../_shared/mail/reply.ts';
import { anonClient } from '../_shared/mail/anon.ts';
import { adminClient } from '../_shared/supabase.ts';

const guard = new ReplayGuard();
/** Above this the text is not a reply to a ticket mail; the database would refuse it anyway. */
const MAX_TEXT = 20_000;

const MISSING_KEY =
  'MAILGUN_WEBHOOK_SIGNING_KEY is not set, so inbound mail cannot be verified. Set it to the "HTTP webhook signing key" of your Mailgun account.';

function signingKey(): string {
  const key = Deno.env.get('MAILGUN_WEBHOOK_SIGNING_KEY')?.trim();
  // 503: Mailgun retries for hours, so no reply is lost while the secret is being set.
  if (!key) throw new HttpError(503, 'inbound_not_configured', MISSING_KEY);
  return key;
}

if (!Deno.env.get('MAILGUN_WEBHOOK_SIGNING_KEY')?.trim()) console.error(`inbound-email is not configured: ${MISSING_KEY}`);

const REFUSALS = {
  missing: 'The request carries no Mailgun signature (timestamp, token and signature fields).',
  mismatch: 'The Mailgun signature does not match.',
  expired: 'The Mailgun signature is more than five minutes old.',
  replayed: 'This Mailgun signature was already used.',
} as const;

Deno.serve(
  postHandler(async (req) => {
    const key = signingKey();
    let form: FormData;
    try {
      form = await req.formData();
    } catch {
      throw new HttpError(400, 'invalid_body', 'Send the mail as a form (multipart/form-data or application/x-www-form-urlencoded), as Mailgun forwards it.');
    }
    const field = (name: string) => (typeof form.get(name) === 'string' ? (form.get(name) as string) : null);
    const check = await verifyMailgunSignature(key, { timestamp: field('timestamp'), token: field('token'), signature: field('signature') }, guard);
    if (!check.ok) {
      console.error(`refused an inbound mail: ${check.reason}`);
      throw new HttpError(401, 'invalid_signature', REFUSALS[check.reason]);
    }

    const mail = await readInbound(form);
    if (mail.automatic) return jsonResponse({ status: 'ignored', reason: 'automatic_mail', ticket_number: null });

    const domain = Deno.env.get('INBOUND_EMAIL_DOMAIN')?.trim().toLowerCase() ?? '';
    const unsubscribe = domain ? unsubscribeAddressOf(mail.recipient, domain) : null;
    if (unsubscribe) {
      const result = await anonClient().rpc('unsubscribe_by_token', { p_token: unsubscribe.token, p_kind: unsubscribe.kind });
      if (!result.error) return jsonResponse({ status: 'unsubscribed', ticket_number: null });
      const code = result.error.hint || result.error.message;
      if (result.status >= 500 && code !== 'invalid_unsubscribe_token') throw databaseError('unsubscribing by mail', result);
      return jsonResponse({ status: code === 'invalid_unsubscribe_token' ? 'invalid_unsubscribe_token' : 'refused', ticket_number: null });
    }

    if (!mail.from) return jsonResponse({ status: 'unknown_sender', ticket_number: null });
    const token = domain ? replyTokenOf(mail.recipient, domain) : null;
    // Mail to an address that is no reply address at all is not answered: it is spam far more often than
    // a person, and answering it would mail whatever sender it forged (backscatter). A reply address
    // with an unknown token is answered by the database, which tells the sender why.
    if (!token) return jsonResponse({ status: 'unknown_address', ticket_number: null });
    const result = await adminClient().rpc('service_role_reply_by_email', {
      p_token: token,
      p_from: mail.from,
      p_text: mail.text.length > MAX_TEXT ? mail.text.slice(0, MAX_TEXT) : mail.text,
      p_message_id: mail.messageId,
    });
    if (result.error) throw databaseError('posting a reply by e-mail', result);
    const outcome = result.data as { status: string; ticket_number: number | null };
    console.log(`inbound reply from a sender to ticket ${outcome.ticket_number ?? '?'}: ${outcome.status}`);
    return jsonResponse(outcome);
  }),
);
