/**
 * The signed-in person's role, read from `profiles` (RLS lets everyone read their own row). Route guards
 * use it to decide what to show; the database enforces the same rules on every read and write anyway.
 */
import { queryOptions } from '@tanstack/react-query';
import type { Database } from './database.types';
import { loadSupabase } from './supabase-loader';

export type AppRole = Database['public']['Enums']['app_role'];
/**
 * `aal` is the session's assurance level: `aal2` once a TOTP code was verified after the password. The
 * database grants staff rights only at aal2, so staff at aal1 are shown the second-factor step instead.
 */
export type CurrentRole = { userId: string; email: string; role: AppRole; aal: 'aal1' | 'aal2' } | null;

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
  // Read from the session's token, without a request.
  const { data: level } = await supabase.auth.mfa.getAuthenticatorAssuranceLevel();
  const aal = level?.currentLevel === 'aal2' ? 'aal2' : 'aal1';
  return profile ? { userId: profile.id, email: profile.email, role: profile.role, aal } : null;
}

/** Cached per session: the auth provider clears the query cache whenever the signed-in user changes. */
export const currentRoleQueryOptions = () =>
  queryOptions({ queryKey: ['session', 'current-role'] as const, queryFn: getCurrentRole, staleTime: 5 * 60_000 });

/** Staff with their second factor: what the database treats as staff. */
export const isStaffRole = (role: CurrentRole): role is NonNullable<CurrentRole> =>
  (role?.role === 'engineer' || role?.role === 'admin') && role.aal === 'aal2';
export const isAdminRole = (role: CurrentRole): role is NonNullable<CurrentRole> => role?.role === 'admin' && role.aal === 'aal2';
/** An engineer or admin signed in with a password alone: they must pass the second-factor step first. */
export const needsSecondFactor = (role: CurrentRole): role is NonNullable<CurrentRole> =>
  (role?.role === 'engineer' || role?.role === 'admin') && role.aal !== 'aal2';
