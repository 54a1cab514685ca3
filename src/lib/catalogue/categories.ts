/**
 * The price list — ticket categories, the releases an upgrade is counted over, the upgrade price — is
 * read by four features: the product page and the customer's new-ticket and ticket pages (catalogue,
 * tickets), the staff assessing and filtering (triage), the admin editing prices (admin). Features may
 * not import each other (ESLint's import boundaries), so the reads live once here in lib instead of a
 * copy in each. Plain fetch with the anon key: every role may read the list, and the same rows, and
 * the product page reads it before supabase-js is loaded. The TanStack Query options are in
 * queries.ts, kept out of `/`'s first load.
 */
import { publicSelect } from '../public-api';
import type { PublicRead } from '../public-cache';
import { priceListKeys } from './keys';
import type { TicketCategory } from './schemas';

export type { TicketCategory } from './schemas';

export const PRICE_LIST_STALE_TIME = 5 * 60_000;

/** Ticket categories by level, then price. */
export async function getCategories(signal?: AbortSignal): Promise<TicketCategory[]> {
  const [rows, { categoryListSchema }] = await Promise.all([
    publicSelect(
      'ticket_categories?select=code,level,name,description,credits,min_credits,per_step_credits,included_steps&order=level.asc,credits.asc,code.asc',
      signal,
    ),
    import('./schemas'),
  ]);
  return categoryListSchema.parse(rows);
}

/** The product page's read (see lib/public-cache.ts); signed-in pages use `categoriesQueryOptions`. */
export const categoriesRead: PublicRead<TicketCategory[]> = {
  key: priceListKeys.categories(),
  read: () => getCategories(),
  staleTime: PRICE_LIST_STALE_TIME,
};
