/**
 * `[storage.buckets.<name>]` of config.toml, created or brought up to date at every start, as
 * `supabase start` seeds them (its `seed buckets` step): a bucket the config no longer names is kept.
 */
import pg from 'pg';
import type { StorageBucketConfig } from '../core/project-config.ts';
import { bucketNameProblem } from './names.ts';

export async function seedBuckets(dbUrl: string, buckets: StorageBucketConfig[], globalLimit: number): Promise<void> {
  for (const bucket of buckets) {
    const problem = bucketNameProblem(bucket.name);
    if (problem) throw new Error(`config.toml: [storage.buckets.${bucket.name}] ${problem}`);
    if (bucket.fileSizeLimit !== null && bucket.fileSizeLimit > globalLimit) {
      throw new Error(
        `config.toml: [storage.buckets.${bucket.name}] file_size_limit (${bucket.fileSizeLimit} bytes) is over [storage] file_size_limit (${globalLimit} bytes)`,
      );
    }
  }
  if (!buckets.length) return;
  const client = new pg.Client({ connectionString: dbUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('begin');
    for (const bucket of buckets) {
      await client.query(
        `insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
         values ($1, $1, $2, $3, $4)
         on conflict (id) do update set public = excluded.public, file_size_limit = excluded.file_size_limit,
           allowed_mime_types = excluded.allowed_mime_types, updated_at = now()`,
        [bucket.name, bucket.public, bucket.fileSizeLimit, bucket.allowedMimeTypes],
      );
    }
    await client.query('commit');
  } finally {
    await client.end();
  }
}
