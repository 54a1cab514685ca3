/**
 * A price-list category as read from the public API; parsed so a changed column fails loudly, here.
 * Loaded on demand by lib/ticket-categories.ts, alongside its request: zod is not part of `/`'s first
 * load, and the type below is a type-only import.
 */
import * as z from 'zod/mini';

export const categorySchema = z.object({
  code: z.string(),
  level: z.number(),
  name: z.string(),
  description: z.string(),
  credits: z.number(),
  min_credits: z.nullable(z.number()),
  per_step_credits: z.nullable(z.number()),
  included_steps: z.nullable(z.number()),
});
export type TicketCategory = z.infer<typeof categorySchema>;

export const categoryListSchema = z.array(categorySchema);
