/**
 * An app's `database.types.ts` from a live database with Supabase's own generator (the engine behind
 * `supabase gen types`, without its Docker image): introspect `public`, sort canonically, emit
 * TypeScript for PostgREST 14 (the version the Supabase CLI pins), formatted by the generator (oxfmt).
 */
import pg from 'pg';
import { introspect } from '@supabase/postgrest-typegen/introspection';
import { generateTypescript, sortGeneratorMetadata } from '@supabase/postgrest-typegen/generation';

export async function generateDatabaseTypes(dbUrl: string): Promise<string> {
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  // An idle connection dropped by the server must not crash the process; a query in flight still fails.
  pool.on('error', () => {});
  try {
    const metadata = await introspect(pool, { includedSchemas: ['public'] });
    return await generateTypescript(sortGeneratorMetadata(metadata), { postgrestVersion: '14' });
  } finally {
    await pool.end();
  }
}
