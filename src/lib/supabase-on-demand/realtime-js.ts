/**
 * Stand-in for `@supabase/realtime-js` in the app's bundle (vite.config.ts aliases the package here).
 *
 * supabase-js 2.119's `SupabaseClient` (node_modules/@supabase/supabase-js/dist/index.mjs) builds a full
 * RealtimeClient with its Phoenix socket in every `createClient()` (~15 KB gzip that cannot be
 * tree-shaken), which would sit in every signed-in page's first load although only the live parts of
 * some pages use it. So the client here keeps the arguments supabase-js gives it and stays empty until
 * `installRealtimeClient()` hands it the real class (src/lib/live/realtime-loader.ts loads it on demand,
 * its own lazy chunk); from then on every property is the real client's, built with the same URL, API
 * key, `accessToken` callback and fetch.
 *
 * Before that, supabase-js calls only `setAuth(token)` (on INITIAL_SESSION, SIGNED_IN, TOKEN_REFRESHED
 * and SIGNED_OUT, `_handleTokenChanged`; the app adds MFA_CHALLENGE_VERIFIED in ../supabase.ts) and,
 * through the app, `getChannels()`: there is no socket to
 * authorise and no channel yet, so both are answered here. Nothing is lost by not replaying a token: the
 * real client asks supabase-js's `accessToken` callback for the session's token whenever it connects and
 * on every heartbeat. Any other use before loading throws a clear error.
 *
 * When upgrading supabase-js, check `SupabaseClient`'s constructor and `_handleTokenChanged` again
 * (e2e/auth.spec.ts and the sign-in journeys exercise both; e2e/live.spec.ts the loaded client).
 */
import { forwardOnceLoaded } from './forward-once-loaded';

export const REALTIME_NOT_LOADED = 'Realtime is not loaded';

type RealtimeClientClass = new (...args: never[]) => object;
let RealClient: RealtimeClientClass | undefined;

/** Makes every stand-in (existing and future) forward to `Real`, constructed with its own arguments. */
export function installRealtimeClient(Real: RealtimeClientClass): void {
  RealClient = Real;
}

const notLoaded = (member: string) =>
  new Error(`${REALTIME_NOT_LOADED}: supabase.realtime.${member} is available after loadRealtime() (see src/lib/live/realtime-loader.ts).`);

export class RealtimeClient {
  constructor(...args: [endPoint: string, options?: object]) {
    return forwardOnceLoaded(this, args, () => RealClient, notLoaded);
  }

  /** SupabaseClient hands every new access token over; until the real client exists there is no socket to authorise. */
  setAuth(_token?: string | null): Promise<void> {
    return Promise.resolve();
  }

  getChannels(): never[] {
    return [];
  }
}
