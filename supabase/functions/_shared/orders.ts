/**
 * The one path by which a payment changes an order, whichever provider reports it: the service-role
 * SQL functions of docs/design.md §5. They lock the order, credit it once (ledger key `order:<id>`), notify the
 * customer and charge tickets waiting for credits, so calling them twice, or concurrently, is safe.
 */
import { databaseError } from './errors.ts';
import { adminClient } from './supabase.ts';

export interface Order {
  id: string;
  account_id: string;
  user_id: string | null;
  package_id: string;
  credits: number;
  amount_cents: number;
  currency: string;
  status: 'pending' | 'paid' | 'failed';
  provider: 'test' | 'stripe';
  provider_session_id: string | null;
  provider_payment_id: string | null;
  failure_reason: string | null;
  paid_at: string | null;
  created_at: string;
}

export const ORDER_COLUMNS =
  'id, account_id, user_id, package_id, credits, amount_cents, currency, status, provider, provider_session_id, provider_payment_id, failure_reason, paid_at, created_at';

/** Refusals the SQL functions give for a well-formed call: the order is unknown, or in the wrong state. */
export type PaymentOutcome =
  | { ok: true; order: Order }
  | { ok: false; refusal: 'not_found' | 'invalid_state'; message: string };

async function callPaymentFunction(name: string, args: Record<string, unknown>): Promise<PaymentOutcome> {
  const result = await adminClient().rpc(name, args).single<Order>();
  const { data, error } = result;
  if (!error) return { ok: true, order: data };
  if (error.code === 'PT404') return { ok: false, refusal: 'not_found', message: error.details || error.message };
  if (error.code === 'PT409') return { ok: false, refusal: 'invalid_state', message: error.details || error.message };
  // Anything else (database down, a bug) must surface as a 5xx so the provider retries.
  throw databaseError(name, result);
}

/** Marks the order paid and issues its credits (once; an already paid order comes back unchanged). */
export function fulfilOrder(orderId: string, providerPaymentId: string): Promise<PaymentOutcome> {
  return callPaymentFunction('service_role_fulfil_order', { p_order_id: orderId, p_provider_payment_id: providerPaymentId });
}

/** Marks a pending order failed; a paid order is refused (`invalid_state`) and stays paid. */
export function failOrder(orderId: string, reason: string): Promise<PaymentOutcome> {
  return callPaymentFunction('service_role_fail_order', { p_order_id: orderId, p_reason: reason });
}
