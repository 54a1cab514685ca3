import { publicSelect } from '../../../lib/public-api';
import type { PublicRead } from '../../../lib/public-cache';
import type { ProductRelease } from '../schemas';
import { catalogueKeys } from './keys';

/** Released versions, oldest first: what the upgrade calculator offers. */
export async function getReleases(signal?: AbortSignal): Promise<ProductRelease[]> {
  const [rows, { releaseListSchema }] = await Promise.all([
    publicSelect('product_releases?select=version,position&order=position.asc', signal),
    import('../schemas'),
  ]);
  return releaseListSchema.parse(rows);
}

export const RELEASES_STALE_TIME = 5 * 60_000;

/** The product page's read (see lib/public-cache.ts); signed-in pages use `releasesQueryOptions`. */
export const releasesRead: PublicRead<ProductRelease[]> = {
  key: catalogueKeys.releases(),
  read: () => getReleases(),
  staleTime: RELEASES_STALE_TIME,
};
