/**
 * Stripe for Deno. `npm:stripe` resolves to its "deno" export (the worker build: fetch for HTTP and
 * SubtleCrypto for signatures), so nothing here needs Node's http or crypto. The version is pinned:
 * the API version the client sends is the one that package was built for, and a silent upgrade would
 * change the shape of the events we read.
 */
import Stripe from 'npm:stripe@23.1.0';
import type { PaymentSettings } from './env.ts';
import { HttpError } from './errors.ts';

export { Stripe };

/**
 * A Stripe client for the configured account. STRIPE_API_URL points it at another host (a fake Stripe
 * in tests). Two network retries are safe because every write carries an idempotency key.
 */
export function stripeClient(settings: PaymentSettings): Stripe {
  if (settings.provider !== 'stripe' || !settings.stripeSecretKey) {
    throw new HttpError(500, 'payment_config', 'Stripe is not the configured payment provider.');
  }
  return new Stripe(settings.stripeSecretKey, {
    ...(settings.stripeApi ?? {}),
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'pro-portal' },
  });
}

/** Signature checks in Deno must be async: the sync `constructEvent` cannot use SubtleCrypto. */
export const webhookCryptoProvider = Stripe.createSubtleCryptoProvider();

/** Stripe's default: a signature whose timestamp is more than 5 minutes off is refused (replay protection). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
