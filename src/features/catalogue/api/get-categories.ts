import { publicSelect } from '../../../lib/public-api';
import type { PublicRead } from '../../../lib/public-cache';
import type { TicketCategory } from '../schemas';
import { catalogueKeys } from './keys';

/** The price list: ticket categories by level, then price. */
export async function getCategories(signal?: AbortSignal): Promise<TicketCategory[]> {
  const [rows, { categoryListSchema }] = await Promise.all([
    publicSelect(
      'ticket_categories?select=code,level,name,description,credits,min_credits,per_step_credits,included_steps&order=level.asc,credits.asc,code.asc',
      signal,
    ),
    import('../schemas'),
  ]);
  return categoryListSchema.parse(rows);
}

export const CATEGORIES_STALE_TIME = 5 * 60_000;

/** The product page's read (see lib/public-cache.ts); signed-in pages use `categoriesQueryOptions`. */
export const categoriesRead: PublicRead<TicketCategory[]> = {
  key: catalogueKeys.categories(),
  read: () => getCategories(),
  staleTime: CATEGORIES_STALE_TIME,
};
