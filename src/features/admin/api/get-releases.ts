import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { adminKeys } from './keys';

export async function getReleases() {
  const { data } = await supabase
    .from('product_releases')
    .select('version, released_on, position')
    .order('position')
    .throwOnError();
  return data;
}
export type Release = Awaited<ReturnType<typeof getReleases>>[number];

export const releasesQueryOptions = () => queryOptions({ queryKey: adminKeys.releases(), queryFn: getReleases });
export const useReleases = () => useSuspenseQuery(releasesQueryOptions());
