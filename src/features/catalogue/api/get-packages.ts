import { publicSelect } from '../../../lib/public-api';
import type { PublicRead } from '../../../lib/public-cache';
import type { CreditPackage } from '../schemas';
import { catalogueKeys } from './keys';

/** The packages on sale, smallest first (RLS shows anonymous visitors the active ones only). */
export async function getPackages(signal?: AbortSignal): Promise<CreditPackage[]> {
  const [rows, { packageListSchema }] = await Promise.all([
    publicSelect('credit_packages?select=id,name,credits,price_cents,currency&active=is.true&order=sort_order.asc,credits.asc', signal),
    import('../schemas'),
  ]);
  return packageListSchema.parse(rows);
}

export const PACKAGES_STALE_TIME = 5 * 60_000;

/** The product page's read (see lib/public-cache.ts); signed-in pages use `packagesQueryOptions`. */
export const packagesRead: PublicRead<CreditPackage[]> = {
  key: catalogueKeys.packages(),
  read: () => getPackages(),
  staleTime: PACKAGES_STALE_TIME,
};
