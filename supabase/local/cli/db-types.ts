/**
 * `db-types [--out FILE] [--db-url URL] [--workdir DIR]`: TypeScript types of the `public` schema, from a
 * scratch database with every migration of the project applied (or from the database at URL), as
 * `supabase gen types typescript` prints them. With --out, writes FILE only when it changed; else prints.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findProjectDir } from '../core/project-config.ts';
import { generateDatabaseTypes } from '../tooling/database-types.ts';
import { withDatabase } from '../tooling/scratch-db.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { out: { type: 'string' }, 'db-url': { type: 'string' }, workdir: { type: 'string' } },
  strict: true,
});
const supabaseDir = join(values.workdir ? resolve(values.workdir) : findProjectDir(), 'supabase');
const types = await withDatabase(process.argv.slice(2), generateDatabaseTypes, supabaseDir);
if (!values.out) {
  process.stdout.write(types);
} else {
  const file = resolve(values.out);
  let previous: string | undefined;
  try {
    previous = readFileSync(file, 'utf8');
  } catch {
    previous = undefined;
  }
  const name = relative(process.cwd(), file);
  if (previous === types) {
    process.stdout.write(`${name} is up to date.\n`);
  } else {
    writeFileSync(file, types);
    process.stdout.write(`Wrote ${name}.\n`);
  }
}
