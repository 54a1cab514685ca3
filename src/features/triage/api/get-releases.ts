import { useQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

/** The release list, oldest first: an upgrade is assessed between two of these versions. */
export async function getReleaseVersions(): Promise<string[]> {
  const { data } = await supabase.from('product_releases').select('version').order('position').throwOnError();
  return data.map((row) => row.version);
}

export const useReleaseVersions = (enabled: boolean) =>
  useQuery({ queryKey: [...triageKeys.all, 'releases'], queryFn: getReleaseVersions, staleTime: 60_000, enabled });
