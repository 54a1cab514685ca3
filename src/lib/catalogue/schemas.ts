/**
 * The price list as read from the public API; parsed so a changed column fails loudly, here. The
 * fetchers load this module on demand, alongside their request: zod is not part of `/`'s first load,
 * and the types below are type-only imports.
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

export const releaseSchema = z.object({ version: z.string(), released_on: z.nullable(z.string()), position: z.number() });
export type ProductRelease = z.infer<typeof releaseSchema>;
export const releaseListSchema = z.array(releaseSchema);
