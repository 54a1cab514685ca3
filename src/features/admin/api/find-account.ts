import { queryOptions, useQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { adminKeys } from './keys';

/** The credit account a person owns, found by their exact email (staff may read profiles and accounts). */
export async function findAccount(email: string) {
  const { data: profile } = await supabase
    .from('profiles')
    .select('id, email')
    .ilike('email', email.trim().replace(/[\\%_]/g, (c) => `\\${c}`))
    .maybeSingle()
    .throwOnError();
  if (!profile) return null;
  const { data: membership } = await supabase
    .from('account_members')
    .select('account_id')
    .eq('user_id', profile.id)
    .eq('role', 'owner')
    .limit(1)
    .maybeSingle()
    .throwOnError();
  if (!membership) return { email: profile.email, account: null };
  const { data: account } = await supabase
    .from('accounts')
    .select('id, name, balance')
    .eq('id', membership.account_id)
    .single()
    .throwOnError();
  return { email: profile.email, account };
}

export const accountQueryOptions = (email: string) => queryOptions({ queryKey: adminKeys.account(email), queryFn: () => findAccount(email) });
export const useAccount = (email: string) => useQuery({ ...accountQueryOptions(email), enabled: email.trim().length > 0 });
