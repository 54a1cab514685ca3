import type { Logger } from './service.ts';

/** Lines on stderr prefixed by the part of the stack that speaks; `quiet` keeps only errors. */
export function createLogger(quiet = false): Logger {
  return {
    info(scope, message) {
      if (!quiet) process.stderr.write(`[${scope}] ${message}\n`);
    },
    error(scope, message, error) {
      const detail =
        error instanceof Error ? `: ${error.stack ?? error.message}` : error === undefined ? '' : `: ${JSON.stringify(error)}`;
      process.stderr.write(`[${scope}] error: ${message}${detail}\n`);
    },
  };
}

/**
 * Postgres ending connections because it is shutting down (SQLSTATE 57P01): expected when Ctrl-C
 * reaches Postgres and the stack together, so it is no error worth a stack trace.
 */
export function isServerShutdown(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '57P01';
}
