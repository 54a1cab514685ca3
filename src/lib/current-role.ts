/**
 * The signed-in person's role, read from `profiles` (RLS lets everyone read their own row). Route guards
 * use it to decide what to show; the database enforces the same rules on every read and write anyway.
 */
import { queryOptions } from '@tanstack/react-query';
import type { Database } from './database.types';
import { loadSupabase } from './supabase-loader';

export type AppRole = Database['public']['Enums']['app_role'];
export type CurrentRole = { userId: string; email: string; role: AppRole } | null;

/** Through loadSupabase(): the header asks for it too, and the header is part of every page's first load. */
export async function getCurrentRole(): Promise<CurrentRole> {
  const supabase = await loadSupabase();
  const { data } = await supabase.auth.getSession();
  const user = data.session?.user;
  if (!user) return null;
  const { data: profile } = await supabase
    .from('profiles')
    .select('id, email, role')
    .eq('id', user.id)
    .maybeSingle()
    .throwOnError();
  return profile ? { userId: profile.id, email: profile.email, role: profile.role } : null;
}

/** Cached per session: the auth provider clears the query cache whenever the signed-in user changes. */
export const currentRoleQueryOptions = () =>
  queryOptions({ queryKey: ['session', 'current-role'] as const, queryFn: getCurrentRole, staleTime: 5 * 60_000 });

export const isStaffRole = (role: CurrentRole): role is NonNullable<CurrentRole> =>
  role?.role === 'engineer' || role?.role === 'admin';
export const isAdminRole = (role: CurrentRole): role is NonNullable<CurrentRole> => role?.role === 'admin';
