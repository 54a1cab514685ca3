/**
 * The stand-in extensions' control and script files, written into the `share/extension` folder of the
 * Postgres binaries the stack runs, so `create extension pg_net` (and `drop extension`) work for real,
 * as on hosted Supabase. Postgres 17 reads extensions from that one folder only.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_DIR = join(import.meta.dirname, 'sql');

/** The names the stand-ins are created by. */
export const STAND_IN_EXTENSIONS = ['pg_net', 'pg_cron', 'supabase_vault'] as const;

function extensionDir(nativeDir: string): string {
  for (const candidate of [join(nativeDir, 'share', 'postgresql', 'extension'), join(nativeDir, 'share', 'extension')]) {
    if (existsSync(join(candidate, 'plpgsql.control'))) return candidate;
  }
  throw new Error(`No extension folder (share/postgresql/extension) in the Postgres binaries at ${nativeDir}`);
}

/**
 * Writes the files that differ. Several stacks may start at once from one set of binaries, so each
 * file is written beside its place and renamed over it: a reader sees the old file or the new one.
 * Throws (EACCES, EROFS …) when the folder cannot be written; the caller then uses a copy.
 */
export function installExtensionFiles(nativeDir: string): void {
  const target = extensionDir(nativeDir);
  for (const name of readdirSync(SOURCE_DIR)) {
    if (!/\.(control|sql)$/.test(name)) continue;
    const content = readFileSync(join(SOURCE_DIR, name));
    const path = join(target, name);
    if (existsSync(path) && readFileSync(path).equals(content)) continue;
    const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      writeFileSync(temp, content, { mode: 0o644 });
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  }
}
