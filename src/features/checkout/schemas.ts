import * as z from 'zod/mini';

export const checkoutResponseSchema = z.object({
  order_id: z.string(),
  url: z.string(),
  provider: z.enum(['test', 'stripe']),
});

export const orderSchema = z.object({
  id: z.string(),
  status: z.enum(['pending', 'paid', 'failed']),
  credits: z.number(),
  amount_cents: z.number(),
  currency: z.string(),
  provider: z.string(),
  paid_at: z.nullable(z.string()),
  failure_reason: z.nullable(z.string()),
  created_at: z.string(),
  account_id: z.string(),
});
export type CheckoutOrder = z.infer<typeof orderSchema>;

export const testOutcomeSchema = z.enum(['paid', 'canceled']);
