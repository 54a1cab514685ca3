/**
 * Keeping Postgres down in a test: kill the postmaster, and hold the stack's restart (its
 * `beforePostgresRestart`) until the outage has been looked at, so the test never races the restart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the stack awaits before restarting Postgres: `reached` once it wants to, `release()` to let it. */
export class Hold {
  reached: Promise<void>;
  private reach!: () => void;
  private released: Promise<void>;
  release!: () => void;

  constructor() {
    this.reached = new Promise((resolve) => (this.reach = resolve));
    this.released = new Promise((resolve) => (this.release = resolve));
  }

  wait = (): Promise<void> => {
    this.reach();
    return this.released;
  };
}

/** The postmaster's pid, from the first line of `<dataDir>/postgres/postmaster.pid`. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}
