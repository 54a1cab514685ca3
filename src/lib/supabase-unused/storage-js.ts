/**
 * Stand-in for `@supabase/storage-js` in the app's bundle (vite.config.ts aliases the package here).
 *
 * Pro Portal stores no files (the local gateway answers 501 for /storage), but supabase-js 2.119's
 * `SupabaseClient` constructs a StorageClient in every `createClient()` (`this.storage = new
 * StorageClient(url, headers, fetch, options)`) and re-exports `StorageApiError` — ~9 KB gzip with
 * its iceberg-js dependency. It never calls the storage client itself; only app code would, through
 * `supabase.storage`. So the client here is an object on which every property throws a clear error
 * (supabase-js does the same for `supabase.auth` when the `accessToken` option is set). To start using
 * Storage, delete this file and its alias.
 */
export class StorageApiError extends Error {
  override name = 'StorageApiError';
}

export class StorageClient {
  constructor(_url: string, _headers?: object, _fetch?: unknown, _options?: object) {
    return new Proxy(this, {
      get(target, property, receiver) {
        if (typeof property === 'symbol' || property === 'constructor') return Reflect.get(target, property, receiver) as unknown;
        if (property === 'then' || property === 'toJSON') return undefined;
        throw new Error(
          `Storage is not used by Pro Portal: supabase.storage.${property} is not available (see src/lib/supabase-unused/storage-js.ts).`,
        );
      },
    });
  }
}
