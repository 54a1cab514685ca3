/**
 * An order as the functions read it, and the one order change an edge function makes itself: failing
 * an order whose checkout could not start. Payments change orders in SQL only (record_payment_event,
 * service_role_settle_test_order; docs/design.md §5), which lock the order and credit it once.
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

/** Refusals the SQL function gives for a well-formed call: the order is unknown, or in the wrong state. */
export type PaymentOutcome =
  | { ok: true; order: Order }
  | { ok: false; refusal: 'not_found' | 'invalid_state'; message: string };

/** Marks a pending order failed; a paid order is refused (`invalid_state`) and stays paid. */
export async function failOrder(orderId: string, reason: string): Promise<PaymentOutcome> {
  const result = await adminClient().rpc('service_role_fail_order', { p_order_id: orderId, p_reason: reason }).single<Order>();
  const { data, error } = result;
  if (!error) return { ok: true, order: data };
  if (error.code === 'PT404') return { ok: false, refusal: 'not_found', message: error.details || error.message };
  if (error.code === 'PT409') return { ok: false, refusal: 'invalid_state', message: error.details || error.message };
  // Anything else (database down, a bug) must surface as a 5xx.
  throw databaseError('service_role_fail_order', result);
}
