/**
 * `npm run db:types [-- --db-url URL]`: regenerates `src/lib/database.types.ts` from a scratch database
 * with every migration applied (or from the database at URL). `supabase/tests/00-types.test.ts` fails
 * when the committed file differs from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { generateDatabaseTypes, TYPES_FILE } from '../tooling/database-types.ts';
import { withDatabase } from '../tooling/scratch-db.ts';

const types = await withDatabase(process.argv.slice(2), generateDatabaseTypes);
let previous: string | undefined;
try {
  previous = readFileSync(TYPES_FILE, 'utf8');
} catch {
  previous = undefined;
}
const name = relative(process.cwd(), TYPES_FILE);
if (previous === types) {
  process.stdout.write(`${name} is up to date.\n`);
} else {
  writeFileSync(TYPES_FILE, types);
  process.stdout.write(`Wrote ${name}.\n`);
}
