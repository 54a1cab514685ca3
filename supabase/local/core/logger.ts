export interface Logger {
  info(scope: string, message: string): void;
  error(scope: string, message: string, error?: unknown): void;
}

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
