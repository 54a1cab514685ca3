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

interface CreditPackage {
  id: string;
  name: string;
  credits: number;
  price_cents: number;
  currency: string;
  active: boolean;
}

async function packageForSale(packageId: string): Promise<CreditPackage> {
  const { data, error, status } = await adminClient()
    .from('credit_packages')
    .select('id, name, credits, price_cents, currency, active')
    .eq('id', packageId)
    .maybeSingle<CreditPackage>();
  if (error) throw databaseError('reading credit_packages', { error, status });
  if (!data) throw badRequest('unknown_package', 'There is no such credit package. Choose one of the packages on offer.');
  if (!data.active) throw badRequest('package_unavailable', `The ${data.name} package is no longer on sale. Choose another package.`);
  return data;
}

/** The buyer's personal wallet: the account they own (made for them at sign-up). */
async function personalAccountId(userId: string): Promise<string> {
  const { data, error, status } = await adminClient()
    .from('account_members')
    .select('account_id')
    .eq('user_id', userId)
    .eq('role', 'owner')
    .limit(1)
    .maybeSingle<{ account_id: string }>();
  if (error) throw databaseError('reading account_members', { error, status });
  if (!data) throw new HttpError(409, 'no_account', 'Your sign-in has no credit account to add credits to. Please contact support.');
  return data.account_id;
}

/**
 * The order to pay, opened by the database: one pending order per account and package (a unique index),
 * reused for repeated and simultaneous clicks, so the customer is never asked to pay twice. Credits and
 * price are copied there from the package, so a later price change never touches it.
 */
async function openOrder(userId: string, accountId: string, pkg: CreditPackage, provider: Order['provider']): Promise<Order> {
  const { data, error, status } = await adminClient()
    .rpc('service_role_open_order', { p_user_id: userId, p_account_id: accountId, p_package_id: pkg.id, p_provider: provider })
    .select(ORDER_COLUMNS)
    .single<Order>();
  if (error) {
    // The package went off sale between our read and the insert.
    if (error.code === 'PT409' || error.code === 'PT404') throw new HttpError(409, 'package_unavailable', `${error.details} Choose another package.`);
    throw databaseError('opening the order', { error, status });
  }
  return data;
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
              product_data: { name: `${order.credits} support credits` },
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
    const { error, status } = await adminClient().from('orders').update({ provider_session_id: session.id }).eq('id', order.id);
    if (error) throw databaseError(`saving the session id of order ${order.id}`, { error, status });
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
    const pkg = await packageForSale(body.package_id);
    const accountId = await personalAccountId(user.id);
    const order = await openOrder(user.id, accountId, pkg, settings.provider);
    const siteUrl = appUrl(req, settings);

    const url = settings.provider === 'stripe'
      ? await stripeCheckoutUrl(settings, order, user.email, siteUrl)
      : `${siteUrl}/checkout/test/${order.id}`;
    return jsonResponse({ order_id: order.id, url, provider: settings.provider });
  }),
);
