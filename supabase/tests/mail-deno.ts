/**
 * Runs a Deno script of the edge functions with the project's Deno (the one the local stack runs the
 * functions with) and returns its JSON output: the mail templates are rendered where they run.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { denoCacheDir, denoExecutable } from '../local/functions/deno.ts';

const run = promisify(execFile);
export const functionsDir = join(import.meta.dirname, '..', 'functions');

export async function denoJson<T>(script: string): Promise<T> {
  const { stdout } = await run(
    denoExecutable(),
    ['run', '--no-config', '--no-lock', '--node-modules-dir=none', '--no-prompt', `--allow-read=${functionsDir}`, '--allow-env', join(functionsDir, script)],
    { env: { ...process.env, DENO_DIR: denoCacheDir(), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as T;
}

/** `deno check` of the given entry points (tsc -b leaves supabase/functions to Deno); the errors, or ''. */
export async function denoCheck(entries: string[]): Promise<string> {
  try {
    await run(
      denoExecutable(),
      ['check', '--no-config', '--no-lock', '--node-modules-dir=none', ...entries.map((entry) => join(functionsDir, entry))],
      { env: { ...process.env, DENO_DIR: denoCacheDir(), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 },
    );
    return '';
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
}
