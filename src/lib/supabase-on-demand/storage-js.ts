/**
 * Stand-in for `@supabase/storage-js` in the app's bundle (vite.config.ts aliases the package here).
 *
 * supabase-js 2.119's `SupabaseClient` constructs a StorageClient in every `createClient()` (`this.storage =
 * new StorageClient(url, headers, fetch, options)`) and re-exports `StorageApiError` — ~9 KB gzip with its
 * iceberg-js dependency, which would sit in every signed-in page's first load although only the ticket
 * pages' attachments use Storage. So the client here keeps the arguments supabase-js gives it and stays
 * empty until `installStorageClient()` hands it the real class (src/lib/storage-loader.ts loads it on
 * demand); from then on every property is the real client's, built with the same URL, headers and
 * authenticating fetch. Used before that, every property throws a clear error.
 */
export class StorageApiError extends Error {
  override name = 'StorageApiError';
}

type StorageClientClass = new (...args: never[]) => object;
let RealClient: StorageClientClass | undefined;

/** Makes every stand-in (existing and future) forward to `Real`, constructed with its own arguments. */
export function installStorageClient(Real: StorageClientClass): void {
  RealClient = Real;
}

export class StorageClient {
  constructor(...args: [url: string, headers?: object, fetch?: unknown, options?: object]) {
    let real: object | undefined;
    return new Proxy(this, {
      get(target, property, receiver) {
        if (typeof property === 'symbol' || property === 'constructor') return Reflect.get(target, property, receiver) as unknown;
        if (RealClient) {
          real ??= new RealClient(...(args as unknown as never[]));
          const value = Reflect.get(real, property) as unknown;
          return typeof value === 'function' ? (value as (...rest: unknown[]) => unknown).bind(real) : value;
        }
        if (property === 'then' || property === 'toJSON') return undefined;
        throw new Error(
          `Storage is not loaded: supabase.storage.${property} is available after loadStorage() (see src/lib/storage-loader.ts).`,
        );
      },
    });
  }
}
