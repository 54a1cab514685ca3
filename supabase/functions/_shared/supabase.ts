/**
 * The two Supabase clients a payment function needs: one acting as the caller (their JWT, so RLS
 * applies and `auth.getUser()` proves who they are) and one with the service role, for the writes that
 * only edge functions may make (orders, payment_events, service_role_* functions).
 */
import { createClient, isAuthRetryableFetchError, type SupabaseClient, type User } from 'npm:@supabase/supabase-js@2.119.1';
import { platformEnv } from './env.ts';
import { HttpError, temporarilyUnavailable } from './errors.ts';

export type { SupabaseClient };

const serverSide = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

let admin: SupabaseClient | undefined;

/** The service-role client (bypasses RLS): only for what the caller has already been checked for. */
export function adminClient(): SupabaseClient {
  admin ??= createClient(platformEnv('SUPABASE_URL'), platformEnv('SUPABASE_SERVICE_ROLE_KEY'), serverSide);
  return admin;
}

export interface Caller {
  user: User;
  /** Reads as the caller, under RLS. */
  client: SupabaseClient;
}

/**
 * The signed-in user behind the request. verify_jwt has already checked the token's signature; asking
 * Auth also refuses the anon key and users that were deleted or signed out since the token was issued.
 * Auth failing (a 5xx, or no answer) proves nothing about the token: that is a 503, not a 401 that would
 * send the customer to sign in again.
 */
export async function requireCaller(req: Request): Promise<Caller> {
  const authorization = req.headers.get('Authorization');
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  if (!authorization || !token) throw new HttpError(401, 'not_signed_in', 'Sign in to continue.');
  const client = createClient(platformEnv('SUPABASE_URL'), platformEnv('SUPABASE_ANON_KEY'), {
    ...serverSide,
    global: { headers: { Authorization: authorization } },
  });
  const { data, error } = await client.auth.getUser(token);
  if (error && (isAuthRetryableFetchError(error) || (error.status ?? 0) >= 500)) {
    throw temporarilyUnavailable('auth', `checking the caller's session failed: HTTP ${error.status ?? 0} ${error.message}`);
  }
  if (error || !data.user) throw new HttpError(401, 'not_signed_in', 'Your session has ended. Sign in again to continue.');
  return { user: data.user, client };
}
