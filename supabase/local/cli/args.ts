/** Flags of `npm run stack` (docs/design.md §3): --port N, --db-port N, --data-dir DIR, --reset. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR } from '../stack.ts';

export interface StackArgs {
  port: number;
  dbPort: number;
  dataDir: string;
  reset: boolean;
}

function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    throw new Error(`${flag} must be a port number between 1 and 65535, got "${value}"`);
  }
  return number;
}

export function parseStackArgs(argv: string[]): StackArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'db-port': { type: 'string' },
      'data-dir': { type: 'string' },
      reset: { type: 'boolean', default: false },
    },
    strict: true,
  });
  return {
    port: port(values.port, 54321, '--port'),
    dbPort: port(values['db-port'], 54322, '--db-port'),
    dataDir: values['data-dir'] ? resolve(values['data-dir']) : DEFAULT_DATA_DIR,
    reset: values.reset ?? false,
  };
}
