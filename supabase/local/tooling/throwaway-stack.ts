/**
 * A whole stack on free ports in a new temp data dir, reset, quiet — for tests and benchmarks that need
 * one of their own (other settings, a Postgres to kill). `stop()` also deletes the data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../core/ports.ts';
import { startStack, type RunningStack, type StackOptions } from '../stack.ts';

export type ThrowawayStackOptions = Omit<StackOptions, 'port' | 'dbPort' | 'mailPort' | 'smtpPort' | 'dataDir' | 'reset'> & {
  /** Names the temp dir, to tell whose it is when one is left behind. */
  label?: string;
};

export async function startThrowawayStack({ label = 'stack', ...options }: ThrowawayStackOptions): Promise<RunningStack & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), `pro-portal-${label}-`));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  let running: RunningStack;
  try {
    running = await startStack({
      quiet: true,
      ...options,
      port: await freePort(),
      dbPort: await freePort(),
      mailPort: await freePort(),
      smtpPort: await freePort(),
      dataDir,
      reset: true,
    });
  } catch (error) {
    removeDir();
    throw error;
  }
  return {
    ...running,
    dataDir,
    async stop() {
      await running.stop();
      removeDir();
    },
  };
}
