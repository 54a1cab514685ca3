/**
 * Which payment provider the functions use, read from the environment in one place so `checkout`,
 * `test-payment` and `stripe-webhook` can never disagree. Hosted Supabase gets these from
 * `supabase secrets set`; the local stack from its own environment and `supabase/functions/.env`
 * (see `.env.example`). No imports: this stays plain TypeScript.
 */
import { HttpError } from './errors.ts';

export type PaymentProvider = 'test' | 'stripe';

/** Where the Stripe client sends its requests: Stripe itself, or a fake one in tests. */
export interface StripeApiHost {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

export interface PaymentSettings {
  provider: PaymentProvider;
  /** Set when the provider is Stripe. */
  stripeSecretKey?: string;
  /** Set when STRIPE_API_URL is. */
  stripeApi?: StripeApiHost;
  /** SITE_URL without its trailing slash, when set. */
  siteUrl?: string;
}

/** The app's address when SITE_URL is not set: `npm start`'s Vite server (config.toml's auth site_url). */
export const DEFAULT_SITE_URL = 'http://localhost:5173';

type ReadEnv = (name: string) => string | undefined;

const denoEnv: ReadEnv = (name) => Deno.env.get(name);

function configError(message: string): HttpError {
  return new HttpError(500, 'payment_config', message);
}

function clean(read: ReadEnv, name: string): string | undefined {
  const value = read(name)?.trim();
  return value ? value : undefined;
}

function parseStripeApiUrl(value: string): StripeApiHost {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`STRIPE_API_URL is not a URL: "${value}". Use e.g. http://127.0.0.1:12111, or unset it for Stripe itself.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError(`STRIPE_API_URL must be http or https, not ${url.protocol}`);
  }
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80, protocol };
}

/**
 * Stripe when STRIPE_SECRET_KEY is set, the test provider otherwise (locally); PAYMENT_PROVIDER=test|stripe
 * forces one. Forcing Stripe without a key is a configuration error, said in words, rather than a silent
 * fall back to the test provider (which would hand out credits for free in production).
 */
export function paymentSettings(read: ReadEnv = denoEnv): PaymentSettings {
  const forced = clean(read, 'PAYMENT_PROVIDER')?.toLowerCase();
  if (forced !== undefined && forced !== 'test' && forced !== 'stripe') {
    throw configError(`PAYMENT_PROVIDER must be "test" or "stripe", not "${forced}".`);
  }
  const secretKey = clean(read, 'STRIPE_SECRET_KEY');
  const siteUrl = clean(read, 'SITE_URL')?.replace(/\/+$/, '');
  if (forced === 'test') return { provider: 'test', siteUrl };
  if (forced === undefined && !secretKey) {
    // The test provider is the *local* default. On hosted Supabase a forgotten secret must not turn
    // every purchase into free credits: there it takes an explicit PAYMENT_PROVIDER=test (a demo site).
    if (clean(read, 'SB_REGION') || clean(read, 'DENO_DEPLOYMENT_ID')) {
      throw configError(
        'No payment provider is configured: set STRIPE_SECRET_KEY (supabase secrets set STRIPE_SECRET_KEY=sk_…), ' +
          'or PAYMENT_PROVIDER=test for a demo deployment without real payments.',
      );
    }
    return { provider: 'test', siteUrl };
  }
  if (!secretKey) {
    throw configError(
      'PAYMENT_PROVIDER is "stripe" but STRIPE_SECRET_KEY is not set. Set it (supabase secrets set ' +
        'STRIPE_SECRET_KEY=sk_…) or unset PAYMENT_PROVIDER to use the test provider.',
    );
  }
  const apiUrl = clean(read, 'STRIPE_API_URL');
  return {
    provider: 'stripe',
    stripeSecretKey: secretKey,
    stripeApi: apiUrl ? parseStripeApiUrl(apiUrl) : undefined,
    siteUrl,
  };
}

export const MISSING_WEBHOOK_SECRET =
  'STRIPE_WEBHOOK_SECRET is not set, so Stripe events cannot be verified. Set it to the endpoint\'s signing secret (whsec_…).';

/**
 * The webhook signing secret (whsec_…). Without it the endpoint is not configured: a 503, which Stripe
 * retries for days, so no event is lost while the secret is being set.
 */
export function stripeWebhookSecret(read: ReadEnv = denoEnv): string {
  const secret = clean(read, 'STRIPE_WEBHOOK_SECRET');
  if (!secret) throw new HttpError(503, 'webhook_not_configured', MISSING_WEBHOOK_SECRET);
  return secret;
}

/** A SUPABASE_* variable the platform always provides; its absence is a broken deployment. */
export function platformEnv(name: 'SUPABASE_URL' | 'SUPABASE_ANON_KEY' | 'SUPABASE_SERVICE_ROLE_KEY'): string {
  const value = Deno.env.get(name);
  if (!value) throw new HttpError(500, 'server_config', `${name} is not set in the functions' environment.`);
  return value;
}
