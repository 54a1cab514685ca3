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
import { forwardOnceLoaded } from './forward-once-loaded';

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
    return forwardOnceLoaded(this, args, () => RealClient, (member) =>
      new Error(`Storage is not loaded: supabase.storage.${member} is available after loadStorage() (see src/lib/storage-loader.ts).`),
    );
  }
}
