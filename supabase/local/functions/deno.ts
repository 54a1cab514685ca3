/**
 * Finds the Deno that npm installed (package `deno`, pinned in package.json) and the cache it
 * downloads `npm:` packages into. Deno fetches those from the npm registry itself on first use, so a
 * clean machine needs only `npm ci` and the registry; jsr.io and deno.land are never contacted.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The native binary, not `node_modules/.bin/deno` (a Node shim that would outlive a kill). */
export function denoExecutable(): string {
  const packageDir = dirname(require.resolve('deno/package.json'));
  const beside = join(packageDir, process.platform === 'win32' ? 'deno.exe' : 'deno');
  if (existsSync(beside)) return beside;
  // The package's own installer links the platform binary in, or says which one is missing.
  const { runInstall } = require(join(packageDir, 'install_api.cjs')) as { runInstall(): string };
  return runInstall();
}

/**
 * DENO_DIR when set, else `node_modules/.cache/deno`: outside the repo, shared by every stack and
 * test run on the machine, and gone with `npm ci`'s fresh node_modules (the next run re-downloads).
 */
export function denoCacheDir(): string {
  if (process.env.DENO_DIR) return process.env.DENO_DIR;
  const nodeModules = dirname(dirname(require.resolve('deno/package.json')));
  return join(nodeModules, '.cache', 'deno');
}
