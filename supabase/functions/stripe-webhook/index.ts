/**
 * `stripe-webhook` (verify_jwt = false: Stripe signs its requests instead). Stripe delivers each event
 * at least once, retries for days and in no particular order, so:
 * - the signature is checked on the raw body before anything else; a bad one is a 400 and changes nothing;
 * - everything else is the database's: public.record_payment_event records the event under its id,
 *   matches its Checkout Session to the order (the session stored on it, and to credit it the order's
 *   amount and currency), then fulfils, fails, ignores or keeps it as a problem for an admin, all in one
 *   transaction. A replay of a processed event is a `duplicate`, answered 200 at once; a mismatch changes
 *   no order and is answered 200 too, as a retry cannot make it match;
 * - anything unexpected is a 5xx, so Stripe retries later instead of the payment being lost: a 503
 *   temporarily_unavailable while the database cannot be reached, a 500 for anything else. A missing
 *   signing secret is a configuration error: logged when the function starts, answered 503.
 */
import { jsonResponse } from '../_shared/cors.ts';
import { MISSING_WEBHOOK_SECRET, stripeWebhookSecret } from '../_shared/env.ts';
import { databaseError, HttpError } from '../_shared/errors.ts';
import { postHandler } from '../_shared/http.ts';
import { Stripe, WEBHOOK_TOLERANCE_SECONDS, webhookCryptoProvider } from '../_shared/stripe.ts';
import { adminClient } from '../_shared/supabase.ts';

// Said once at start, where an operator looks; each event is then answered 503 by the same check.
try {
  stripeWebhookSecret();
} catch {
  console.error(`stripe-webhook is not configured: ${MISSING_WEBHOOK_SECRET} Every event is answered 503 until it is.`);
}

async function verifiedEvent(req: Request, secret: string): Promise<Stripe.Event> {
  const signature = req.headers.get('Stripe-Signature');
  const body = await req.text(); // the raw body: parsing it first would change the bytes that were signed
  if (!signature) throw new HttpError(400, 'missing_signature', 'The Stripe-Signature header is missing.');
  try {
    return await Stripe.webhooks.constructEventAsync(body, signature, secret, WEBHOOK_TOLERANCE_SECONDS, webhookCryptoProvider);
  } catch (error) {
    // Stripe's message runs to several lines of advice; its first line says what was wrong.
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    console.error('refused a webhook with a bad signature:', detail);
    throw new HttpError(400, 'invalid_signature', 'The Stripe signature does not match this payload, or it is too old.');
  }
}

/** What public.record_payment_event did with an event (see its comment in the migration). */
interface Recorded {
  outcome: 'duplicate' | 'ignored' | 'mismatch' | 'fulfilled' | 'failed' | 'refused';
  order_id: string | null;
  order_status: string | null;
  detail: string | null;
}

/** Hands the verified event to the database, which records, matches and applies it in one transaction. */
async function recordEvent(event: Stripe.Event): Promise<Recorded> {
  const result = await adminClient().rpc('record_payment_event', { p_event: event });
  if (result.error) throw databaseError(`recording event ${event.id}`, result);
  return result.data as Recorded;
}

Deno.serve(
  postHandler(async (req) => {
    const event = await verifiedEvent(req, stripeWebhookSecret());
    const recorded = await recordEvent(event);
    const what = `event ${event.id} (${event.type})`;
    switch (recorded.outcome) {
      case 'duplicate':
        return jsonResponse({ received: true, duplicate: true });
      case 'mismatch':
        console.error(`${what} not applied, kept for an admin: ${recorded.detail}`);
        break;
      case 'ignored':
        console.log(`${what} ignored: ${recorded.detail}`);
        break;
      case 'refused':
        // Final (an expiry after payment): retrying cannot help, so it is acknowledged.
        console.log(`${what} refused by the database: ${recorded.detail}`);
        break;
      default:
        console.log(`${what}: order ${recorded.order_id} is ${recorded.order_status}${recorded.detail ? ` (${recorded.detail})` : ''}`);
    }
    return jsonResponse({ received: true });
  }),
);
