import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

/** Engineers and admins: who a ticket can be assigned to. */
export async function getStaffMembers() {
  const { data } = await supabase
    .from('profiles')
    .select('id, email, full_name')
    .in('role', ['engineer', 'admin'])
    .order('email')
    .throwOnError();
  return data.map((p) => ({ id: p.id, name: p.full_name || p.email }));
}

export const staffMembersQueryOptions = () =>
  queryOptions({ queryKey: triageKeys.staffMembers(), queryFn: getStaffMembers, staleTime: 5 * 60_000 });

export const useStaffMembers = () => useSuspenseQuery(staffMembersQueryOptions());
