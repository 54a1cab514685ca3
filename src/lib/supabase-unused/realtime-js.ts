/**
 * Stand-in for `@supabase/realtime-js` in the app's bundle (vite.config.ts aliases the package here).
 *
 * Pro Portal does not use Realtime: nothing subscribes to channels, and the local gateway answers 501
 * for /realtime. Yet supabase-js 2.119's `SupabaseClient` (node_modules/@supabase/supabase-js/dist/
 * index.mjs) builds a full RealtimeClient with its Phoenix socket in every `createClient()` (~15 KB
 * gzip that cannot be tree-shaken). What it calls on that object without being asked:
 *  - `new RealtimeClient(url, options)` in its constructor;
 *  - `setAuth(token)` on INITIAL_SESSION, SIGNED_IN and TOKEN_REFRESHED, and `setAuth()` on SIGNED_OUT
 *    (`_handleTokenChanged`); also at start-up when the `accessToken` option is set, which we do not.
 * Everything else — `channel()`, `getChannels()`, `removeChannel()`, `removeAllChannels()` — runs only
 * when app code calls `supabase.channel(...)` and friends. So this class accepts `setAuth` (nothing to
 * authorise), reports no channels, and throws a clear error on any other use. The types the app sees
 * are still supabase-js's own; `export *` of this module only re-exports `RealtimeClient`, so an import
 * of another Realtime export from supabase-js fails the build rather than the page.
 *
 * When upgrading supabase-js, check `SupabaseClient`'s constructor and `_handleTokenChanged` again
 * (e2e/auth.spec.ts and the sign-in journeys exercise both). To start using Realtime, delete this file
 * and its alias.
 */
export const REALTIME_UNUSED = 'Realtime is not used by Pro Portal';

const unused = (member: string) =>
  new Error(`${REALTIME_UNUSED}: supabase.realtime.${member} is not available (see src/lib/supabase-unused/realtime-js.ts).`);

export class RealtimeClient {
  constructor(_endPoint: string, _options?: object) {
    // Any member this class does not define throws, instead of failing later as `undefined`.
    return new Proxy(this, {
      get(target, property, receiver) {
        if (typeof property === 'symbol' || property in target) return Reflect.get(target, property, receiver) as unknown;
        if (property === 'then' || property === 'toJSON') return undefined;
        throw unused(property);
      },
    });
  }

  /** SupabaseClient hands every new access token over; there is no socket to authorise. */
  setAuth(_token?: string | null): Promise<void> {
    return Promise.resolve();
  }

  getChannels(): never[] {
    return [];
  }

  channel(): never {
    throw unused('channel()');
  }

  removeChannel(): never {
    throw unused('removeChannel()');
  }

  removeAllChannels(): never {
    throw unused('removeAllChannels()');
  }
}
