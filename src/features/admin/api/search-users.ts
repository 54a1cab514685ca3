import { queryOptions, useQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { adminKeys } from './keys';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** People whose email or name contains the search (staff first when empty), at most 50. */
export async function searchUsers(search: string) {
  let query = supabase.from('profiles').select('id, email, full_name, role');
  if (search.trim()) query = query.ilike('email', `%${escapeLike(search.trim())}%`);
  else query = query.neq('role', 'customer');
  const { data } = await query.order('email').limit(50).throwOnError();
  return data;
}

export const usersQueryOptions = (search: string) => queryOptions({ queryKey: adminKeys.users(search), queryFn: () => searchUsers(search) });
export const useUsers = (search: string) => useQuery(usersQueryOptions(search));
