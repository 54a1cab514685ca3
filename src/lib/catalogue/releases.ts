/** The product's released versions, oldest first: what an upgrade is priced over (see categories.ts for why here). */
import { publicSelect } from '../public-api';
import type { PublicRead } from '../public-cache';
import { PRICE_LIST_STALE_TIME } from './categories';
import { priceListKeys } from './keys';
import type { ProductRelease } from './schemas';

export type { ProductRelease } from './schemas';

export async function getReleases(signal?: AbortSignal): Promise<ProductRelease[]> {
  const [rows, { releaseListSchema }] = await Promise.all([
    publicSelect('product_releases?select=version,released_on,position&order=position.asc', signal),
    import('./schemas'),
  ]);
  return releaseListSchema.parse(rows);
}

/** The product page's read (see lib/public-cache.ts); signed-in pages use `releasesQueryOptions`. */
export const releasesRead: PublicRead<ProductRelease[]> = {
  key: priceListKeys.releases(),
  read: () => getReleases(),
  staleTime: PRICE_LIST_STALE_TIME,
};
