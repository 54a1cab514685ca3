import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { readClient, type ReadClient } from '../../../lib/read-client';
import { profileKeys } from './keys';

/** The signed-in person's own profile: the e-mail they sign in with and their display name. */
export async function getProfile(client: ReadClient, userId: string) {
  const { data } = await client.from('profiles').select('id, email, full_name').eq('id', userId).single().throwOnError();
  return data;
}

export type Profile = Awaited<ReturnType<typeof getProfile>>;

export const profileQueryOptions = (userId: string) =>
  queryOptions({ queryKey: profileKeys.detail(userId), queryFn: async () => getProfile(await readClient(), userId), staleTime: 60_000 });

export const useProfile = (userId: string) => useSuspenseQuery(profileQueryOptions(userId));
