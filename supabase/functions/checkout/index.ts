/**
 * `checkout` (verify_jwt): starts a purchase of one credit package. Body `{ package_id }`; everything
 * else in it is ignored: the price, the credits and the account come from the database, never from the
 * browser. Creates (or, for repeated clicks, reuses) a `pending` order and answers
 * `{ order_id, url, provider }`, where `url` is Stripe Checkout or the app's test-payment page.
 */
import { jsonResponse } from '../_shared/cors.ts';
import { DEFAULT_SITE_URL, paymentSettings, type PaymentSettings } from '../_shared/env.ts';
import { badRequest, databaseError, HttpError } from '../_shared/errors.ts';
import { isUuid, postHandler, readJsonObject } from '../_shared/http.ts';
import { failOrder, ORDER_COLUMNS, type Order } from '../_shared/orders.ts';
import { Stripe, stripeClient } from '../_shared/stripe.ts';
import { adminClient, requireCaller } from '../_shared/supabase.ts';

/**
 * The order to pay, opened by the database (service_role_open_order), which decides what may be bought
 * and by whom: the package must exist and be on sale, the credits go to the buyer's own wallet, and one
 * pending order per account and package is reused for repeated and simultaneous clicks, so the customer
 * is never asked to pay twice. Its refusals are told apart by their stable `message` code.
 */
async function openOrder(userId: string, packageId: string, provider: Order['provider']): Promise<Order> {
  const result = await adminClient()
    .rpc('service_role_open_order', { p_user_id: userId, p_package_id: packageId, p_provider: provider })
    .select(ORDER_COLUMNS)
    .single<Order>();
  const { data, error } = result;
  if (!error) return data;
  switch (error.message) {
    case 'not_found':
      throw badRequest('unknown_package', `${error.details} Choose one of the packages on offer.`);
    case 'invalid_state':
      throw badRequest('package_unavailable', `${error.details} Choose another package.`);
    case 'forbidden':
      throw new HttpError(409, 'no_account', error.details);
    default:
      throw databaseError('opening the order', result);
  }
}

/**
 * Where Stripe and the test page send the customer back. SITE_URL when set (always, in production); for
 * the test provider the calling app's own origin next, so a preview build on another port works too.
 * Stripe never uses the request's Origin: its return URLs must not be chosen by whoever calls us.
 */
function appUrl(req: Request, settings: PaymentSettings): string {
  if (settings.siteUrl) return settings.siteUrl;
  const origin = req.headers.get('Origin');
  if (settings.provider === 'test' && origin && /^https?:\/\/[^/\s]+$/.test(origin)) return origin;
  return DEFAULT_SITE_URL;
}

/**
 * A Stripe Checkout Session for the order, made only from the order's own fields so a repeated click
 * sends identical parameters: with the idempotency key `checkout:<order id>`, Stripe then answers with
 * the session it already made rather than a second one.
 */
async function stripeCheckoutUrl(settings: PaymentSettings, order: Order, email: string | undefined, siteUrl: string): Promise<string> {
  const stripe = stripeClient(settings);
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: order.currency,
              unit_amount: order.amount_cents,
              product_data: { name: `${order.credits} support ${order.credits === 1 ? 'credit' : 'credits'}` },
            },
          },
        ],
        client_reference_id: order.id,
        metadata: { order_id: order.id },
        payment_intent_data: { metadata: { order_id: order.id } },
        ...(email ? { customer_email: email } : {}),
        success_url: `${siteUrl}/checkout/success?order_id=${order.id}&session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${siteUrl}/checkout/cancel?order_id=${order.id}`,
      },
      { idempotencyKey: `checkout:${order.id}` },
    );
  } catch (error) {
    // The customer never got a payment page for this order: fail it, so the next click starts afresh.
    const detail = error instanceof Error ? error.message : String(error);
    console.error(`Stripe refused the checkout session for order ${order.id}:`, detail);
    await failOrder(order.id, `Stripe could not start the checkout: ${detail}`.slice(0, 500));
    throw new HttpError(502, 'payment_provider_error', 'The payment provider could not start the checkout. Please try again in a moment.');
  }
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);

  if (order.provider_session_id !== session.id) {
    // The database keeps a paid order's session and refuses a session for a test order; neither can
    // happen for the pending Stripe order opened above, so any error here is a 5xx.
    const result = await adminClient()
      .rpc('service_role_attach_checkout_session', { p_order_id: order.id, p_session_id: session.id })
      .select('id')
      .single();
    if (result.error) throw databaseError(`saving the session id of order ${order.id}`, result);
  }
  return session.url;
}

Deno.serve(
  postHandler(async (req) => {
    const settings = paymentSettings();
    const { user } = await requireCaller(req);
    const body = await readJsonObject(req);
    if (!isUuid(body.package_id)) {
      throw badRequest('invalid_package', 'Choose a credit package: package_id must be the id of a package.');
    }
    const order = await openOrder(user.id, body.package_id, settings.provider);
    const siteUrl = appUrl(req, settings);

    const url = settings.provider === 'stripe'
      ? await stripeCheckoutUrl(settings, order, user.email, siteUrl)
      : `${siteUrl}/checkout/test/${order.id}`;
    return jsonResponse({ order_id: order.id, url, provider: settings.provider });
  }),
);
