/**
 * What the product page reads from the public API; parsed so a changed column fails loudly, here. The
 * fetchers import this module on demand, alongside their request: zod (~7 KB gzip) is not part of
 * `/`'s first load, and the page's types (below) are type-only imports.
 */
import * as z from 'zod/mini';

export const packageSchema = z.object({
  id: z.string(),
  name: z.string(),
  credits: z.number(),
  price_cents: z.number(),
  currency: z.string(),
});
export type CreditPackage = z.infer<typeof packageSchema>;

export const packageListSchema = z.array(packageSchema);

/** The calculator's input; the same shape is sent to `upgrade_cost`. */
export const upgradeSchema = z
  .object({
    from: z.string().check(z.minLength(1, 'Choose the version you run now.')),
    to: z.string().check(z.minLength(1, 'Choose the version you want.')),
  })
  .check(
    z.refine((value) => value.from !== value.to, { message: 'Choose a newer version to upgrade to.', path: ['to'] }),
  );
