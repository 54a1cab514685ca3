/**
 * The price list's ticket categories: the one read of them. The product page shows the price list, the
 * customer's new-ticket and ticket pages price upgrades and name categories, the staff assess and
 * filter by them, the admin edits their prices — four features that may not import each other (ESLint's
 * import boundaries), so the read lives here in lib rather than in one of them. Plain fetch with the
 * anon key (every role may read the list, and the same rows): the product page reads it before
 * supabase-js is loaded. The TanStack Query options are in ticket-categories-query.ts, kept out of
 * `/`'s first load.
 */
import { publicSelect } from './public-api';
import type { PublicRead } from './public-cache';
import type { TicketCategory } from './ticket-category-schema';

export type { TicketCategory } from './ticket-category-schema';

/** The categories' query keys; an admin's price change invalidates `categoryKeys.all`. */
export const categoryKeys = {
  all: ['categories'] as const,
  list: () => [...categoryKeys.all, 'list'] as const,
};

/** Ticket categories by level, then price. */
export async function getCategories(signal?: AbortSignal): Promise<TicketCategory[]> {
  const [rows, { categoryListSchema }] = await Promise.all([
    publicSelect(
      'ticket_categories?select=code,level,name,description,credits,min_credits,per_step_credits,included_steps&order=level.asc,credits.asc,code.asc',
      signal,
    ),
    import('./ticket-category-schema'),
  ]);
  return categoryListSchema.parse(rows);
}

export const CATEGORIES_STALE_TIME = 5 * 60_000;

/** The product page's read (see lib/public-cache.ts); signed-in pages use `categoriesQueryOptions`. */
export const categoriesRead: PublicRead<TicketCategory[]> = {
  key: categoryKeys.list(),
  read: () => getCategories(),
  staleTime: CATEGORIES_STALE_TIME,
};
