/**
 * `supabase.storage` on demand. The bundle's supabase-js carries a stand-in Storage client
 * (src/lib/supabase-on-demand/storage-js.ts); this loads the real storage-js (its own lazy chunk, see
 * vite.config.ts) and installs it, after which `supabase.storage.from(…)` is the real client with the
 * session's token. Outside Vite's build (unit tests, type checks) the package is the real one anyway.
 */
import type { AppSupabaseClient } from './supabase';

let loading: Promise<void> | undefined;

export function loadStorage(client: AppSupabaseClient): Promise<AppSupabaseClient['storage']> {
  loading ??= Promise.all([import('@supabase/storage-js/dist/index.mjs'), import('./supabase-on-demand/storage-js')]).then(
    ([real, standIn]) => standIn.installStorageClient(real.StorageClient),
  );
  // A failed download (offline) may be tried again by the next call.
  loading.catch(() => (loading = undefined));
  return loading.then(() => client.storage);
}
