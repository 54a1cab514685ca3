/** Shared by `npm run stack` and `npm start`: start, print like `supabase status`, stop cleanly on signals. */
import { MigrationError, MigrationHistoryError } from '../migrations/index.ts';
import { startStack, type RunningStack } from '../stack.ts';
import type { StackArgs } from './args.ts';

export function statusLines(stack: RunningStack): string[] {
  return [
    `API URL: ${stack.apiUrl}`,
    `DB URL: ${stack.dbUrl}`,
    ...(stack.mailUrl ? [`Mailpit URL: ${stack.mailUrl}`, `SMTP: 127.0.0.1:${stack.smtpPort}`] : []),
    `anon key: ${stack.keys.anonKey}`,
    `service_role key: ${stack.keys.serviceRoleKey}`,
    `publishable key: ${stack.keys.publishableKey}`,
    `secret key: ${stack.keys.secretKey}`,
  ];
}

export async function runStack(args: StackArgs): Promise<RunningStack> {
  try {
    return await startStack({ ...args, functionsEnv: {} });
  } catch (error) {
    if (error instanceof MigrationError) {
      process.stderr.write(`\nMigration failed: ${error.message}\nStart-up stopped; fix the file and start again.\n`);
    } else if (error instanceof MigrationHistoryError) {
      process.stderr.write(`\n${error.message}\n`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`\nThe local stack could not start: ${message}\n`);
      if (/EADDRINUSE/.test(message)) process.stderr.write('A port is taken: is another stack running? Try --port / --db-port / --mail-port / --smtp-port.\n');
    }
    process.exit(1);
  }
}

/** Stops everything once on SIGINT/SIGTERM (Ctrl-C), so Postgres shuts down cleanly. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping…\n`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Stopping failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handler);
}
