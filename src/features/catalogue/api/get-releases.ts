import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { publicSelect } from '../../../lib/public-api';
import { releaseSchema } from '../schemas';
import { catalogueKeys } from './keys';

/** Released versions, oldest first: what the upgrade calculator offers. */
export async function getReleases(signal?: AbortSignal) {
  const rows = await publicSelect('product_releases?select=version,position&order=position.asc', signal);
  return z.array(releaseSchema).parse(rows);
}

export const releasesQueryOptions = () =>
  queryOptions({ queryKey: catalogueKeys.releases(), queryFn: ({ signal }) => getReleases(signal), staleTime: 5 * 60_000 });

export const useReleases = () => useSuspenseQuery(releasesQueryOptions());
