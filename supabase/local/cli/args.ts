/**
 * Flags of the stack's command line (`npm run stack`): --port N, --db-port N, --mail-port N and
 * --smtp-port N (the mail catcher; `[local_smtp]` in config.toml otherwise), --data-dir DIR, --reset,
 * --workdir DIR (the project; by default found upwards from the current folder, as the Supabase CLI
 * does) and --pass-env NAME,… (variables of this shell handed on to the edge functions).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findProjectDir } from '../core/project-config.ts';

export interface StackArgs {
  supabaseDir: string;
  port: number;
  dbPort: number;
  /** Undefined unless given: config.toml's `[local_smtp]` then decides. */
  mailPort?: number;
  smtpPort?: number;
  dataDir: string;
  reset: boolean;
  functionsEnvPassthrough: string[];
}

function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    throw new Error(`${flag} must be a port number between 1 and 65535, got "${value}"`);
  }
  return number;
}

function envNames(value: string | undefined): string[] {
  const names = (value ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`--pass-env: "${name}" is not an environment variable name`);
  }
  return names;
}

export function parseStackArgs(argv: string[]): StackArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'db-port': { type: 'string' },
      'mail-port': { type: 'string' },
      'smtp-port': { type: 'string' },
      'data-dir': { type: 'string' },
      reset: { type: 'boolean', default: false },
      workdir: { type: 'string' },
      'pass-env': { type: 'string' },
    },
    strict: true,
  });
  const supabaseDir = join(values.workdir ? resolve(values.workdir) : findProjectDir(), 'supabase');
  return {
    supabaseDir,
    port: port(values.port, 54321, '--port'),
    dbPort: port(values['db-port'], 54322, '--db-port'),
    ...(values['mail-port'] !== undefined && { mailPort: port(values['mail-port'], 0, '--mail-port') }),
    ...(values['smtp-port'] !== undefined && { smtpPort: port(values['smtp-port'], 0, '--smtp-port') }),
    dataDir: values['data-dir'] ? resolve(values['data-dir']) : join(supabaseDir, '.local'),
    reset: values.reset ?? false,
    functionsEnvPassthrough: envNames(values['pass-env']),
  };
}
