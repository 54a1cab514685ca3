import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { publicSelect } from '../../../lib/public-api';
import { packageSchema } from '../schemas';
import { catalogueKeys } from './keys';

/** The packages on sale, smallest first (RLS shows anonymous visitors the active ones only). */
export async function getPackages(signal?: AbortSignal) {
  const rows = await publicSelect(
    'credit_packages?select=id,name,credits,price_cents,currency&active=is.true&order=sort_order.asc,credits.asc',
    signal,
  );
  return z.array(packageSchema).parse(rows);
}

export const packagesQueryOptions = () =>
  queryOptions({ queryKey: catalogueKeys.packages(), queryFn: ({ signal }) => getPackages(signal), staleTime: 5 * 60_000 });

export const usePackages = () => useSuspenseQuery(packagesQueryOptions());
