/**
 * `stripe-webhook` (verify_jwt = false: Stripe signs its requests instead). Stripe delivers each event
 * at least once, retries for days and in no particular order, so:
 * - the signature is checked on the raw body before anything else; a bad one is a 400 and changes nothing;
 * - the event id is recorded in `payment_events` first (`on conflict do nothing`), and `processed_at` is
 *   set only once its effect is in the database. A replay of a processed event is answered 200 at once;
 *   one that was recorded but not processed (we failed half-way) is processed again, which is safe because
 *   `service_role_fulfil_order` credits an order once however often it is called;
 * - an order is credited (or failed) only when the event's Checkout Session is the one stored on the
 *   order, and credited only for the order's amount and currency. A mismatch changes no order: the event
 *   is kept with its problem for an admin to resolve, and answered 200, as a retry cannot make it match;
 * - anything unexpected is a 5xx, so Stripe retries later instead of the payment being lost: a 503
 *   temporarily_unavailable while the database cannot be reached, a 500 for anything else. A missing
 *   signing secret is a configuration error: logged when the function starts, answered 503.
 */
import { jsonResponse } from '../_shared/cors.ts';
import { MISSING_WEBHOOK_SECRET, stripeWebhookSecret } from '../_shared/env.ts';
import { databaseError, HttpError } from '../_shared/errors.ts';
import { isUuid, postHandler } from '../_shared/http.ts';
import { failOrder, fulfilOrder, ORDER_COLUMNS, type Order, type PaymentOutcome } from '../_shared/orders.ts';
import { Stripe, WEBHOOK_TOLERANCE_SECONDS, webhookCryptoProvider } from '../_shared/stripe.ts';
import { adminClient } from '../_shared/supabase.ts';

type CheckoutSession = Stripe.Checkout.Session;

/** What an event meant for us, recorded in the log (and a problem also on the event, for an admin). */
type Handling = PaymentOutcome | { ok: true; ignored: string } | { ok: true; problem: string; orderId: string };

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

/** Records the event; false when it was recorded before and has already been processed. */
async function recordEvent(event: Stripe.Event): Promise<boolean> {
  const admin = adminClient();
  const { data: inserted, error, status } = await admin
    .from('payment_events')
    .upsert({ id: event.id, type: event.type, payload: event }, { onConflict: 'id', ignoreDuplicates: true })
    .select('id');
  if (error) throw databaseError(`recording event ${event.id}`, { error, status });
  if (inserted.length > 0) return true;

  const { data: existing, error: readError, status: readStatus } = await admin
    .from('payment_events')
    .select('processed_at')
    .eq('id', event.id)
    .single<{ processed_at: string | null }>();
  if (readError) throw databaseError(`reading event ${event.id}`, { error: readError, status: readStatus });
  return existing.processed_at === null;
}

async function markProcessed(eventId: string): Promise<void> {
  const { error, status } = await adminClient()
    .from('payment_events')
    .update({ processed_at: new Date().toISOString() })
    .eq('id', eventId)
    .is('processed_at', null);
  if (error) throw databaseError(`marking event ${eventId} processed`, { error, status });
}

/** Our order id, set by `checkout` in the session's metadata and client_reference_id. */
function orderIdOf(session: CheckoutSession): string | null {
  const id = session.metadata?.order_id ?? session.client_reference_id;
  return isUuid(id) ? id : null;
}

function paymentIdOf(session: CheckoutSession): string {
  const intent = session.payment_intent;
  if (typeof intent === 'string') return intent;
  return intent?.id ?? session.id;
}

async function orderById(orderId: string): Promise<Order | null> {
  const { data, error, status } = await adminClient().from('orders').select(ORDER_COLUMNS).eq('id', orderId).maybeSingle<Order>();
  if (error) throw databaseError(`reading order ${orderId}`, { error, status });
  return data;
}

/**
 * Why the session may not settle the order, or null when it may: it must be the session checkout stored
 * on the order and, to credit it, be for the order's amount and currency.
 */
function mismatchOf(order: Order | null, session: CheckoutSession, crediting: boolean): string | null {
  if (!order) return `The session ${session.id} names an order that does not exist.`;
  if (order.provider_session_id !== session.id) {
    return `The session ${session.id} is not the checkout session stored on order ${order.id} (${order.provider_session_id ?? 'none'}).`;
  }
  if (!crediting) return null;
  if (session.amount_total !== order.amount_cents) {
    return `The session ${session.id} is for ${session.amount_total ?? 'no'} minor units, but order ${order.id} costs ${order.amount_cents}.`;
  }
  if ((session.currency ?? '').toLowerCase() !== order.currency) {
    return `The session ${session.id} is in ${session.currency ?? 'no currency'}, but order ${order.id} is in ${order.currency}.`;
  }
  return null;
}

async function recordProblem(eventId: string, orderId: string, problem: string): Promise<void> {
  const { error, status } = await adminClient().from('payment_events').update({ order_id: orderId, problem }).eq('id', eventId);
  if (error) throw databaseError(`recording the problem of event ${eventId}`, { error, status });
}

async function applyEvent(event: Stripe.Event): Promise<Handling> {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired':
      break;
    default:
      return { ok: true, ignored: `event type ${event.type} is not used` };
  }
  const session = event.data.object as CheckoutSession;
  const orderId = orderIdOf(session);
  // Another app on the same Stripe account, or a session made by hand: not ours to act on.
  if (!orderId) return { ok: true, ignored: `session ${session.id} carries no order id` };
  // Delayed methods (bank debits) complete unpaid; async_payment_succeeded or _failed follows.
  if (event.type === 'checkout.session.completed' && session.payment_status !== 'paid') {
    return { ok: true, ignored: `session ${session.id} completed ${session.payment_status}` };
  }

  const crediting = event.type === 'checkout.session.completed' || event.type === 'checkout.session.async_payment_succeeded';
  const problem = mismatchOf(await orderById(orderId), session, crediting);
  if (problem) return { ok: true, problem, orderId };

  switch (event.type) {
    case 'checkout.session.completed':
      return fulfilOrder(orderId, paymentIdOf(session));
    case 'checkout.session.async_payment_succeeded':
      return fulfilOrder(orderId, paymentIdOf(session));
    case 'checkout.session.async_payment_failed':
      return failOrder(orderId, 'The payment failed.');
    default:
      // Stripe expires a session after 24 h; a paid order is refused by service_role_fail_order and stays paid.
      return failOrder(orderId, 'The checkout session expired before it was paid.');
  }
}

Deno.serve(
  postHandler(async (req) => {
    const event = await verifiedEvent(req, stripeWebhookSecret());
    if (!(await recordEvent(event))) {
      return jsonResponse({ received: true, duplicate: true });
    }
    const handling = await applyEvent(event);
    if ('problem' in handling) {
      console.error(`event ${event.id} (${event.type}) not applied, kept for an admin: ${handling.problem}`);
      await recordProblem(event.id, handling.orderId, handling.problem);
    } else if ('ignored' in handling) {
      console.log(`event ${event.id} (${event.type}) ignored: ${handling.ignored}`);
    } else if (!handling.ok) {
      // A refusal is final (an order from another environment, an expiry after payment): retrying cannot help.
      console.log(`event ${event.id} (${event.type}) refused by the database: ${handling.refusal}: ${handling.message}`);
    } else {
      console.log(`event ${event.id} (${event.type}): order ${handling.order.id} is ${handling.order.status}`);
    }
    await markProcessed(event.id);
    return jsonResponse({ received: true });
  }),
);
