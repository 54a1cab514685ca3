/**
 * A `postmaster.pid` left behind by a Postgres that did not stop (the machine crashed, the container was
 * killed). Postgres clears such a file itself when the process id in it is gone, but refuses to start
 * ("lock file already exists") when that id now belongs to some other process of the same OS user —
 * common after a reboot or in containers, where process ids are reused early. Then nothing can start the
 * stack again until someone deletes the file by hand.
 *
 * The file is only removed when that is safe: its process is alive but is not Postgres, and no Postgres
 * server process still works in the data directory (backends orphaned by a killed postmaster keep its
 * shared memory; Postgres checks for them through the file, so the file must stay while they live). On
 * systems without `/proc` nothing is decided and Postgres answers as it always does.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

export type LockFileCheck = 'none' | 'kept' | 'removed';

/** The command line of a process, as its arguments; undefined when the process is gone or unreadable. */
function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** Postgres's processes: the postmaster runs the `postgres` binary, its children retitle themselves `postgres: …`. */
function isPostgres(argv: string[]): boolean {
  const first = argv[0] ?? '';
  return basename(first.split(' ')[0] ?? '') === 'postgres' || first.startsWith('postgres:');
}

/** Whether any Postgres process has `clusterDir` as its working directory (every server process does). */
function postgresWorksIn(clusterDir: string): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = commandLine(Number(entry));
    if (!argv || !isPostgres(argv)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === clusterDir) return true;
    } catch {
      // Another user's process, or gone meanwhile: not one of ours.
    }
  }
  return false;
}

export function clearStaleLockFile(clusterDir: string): LockFileCheck {
  const lockFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(lockFile) || !existsSync('/proc/self/cmdline')) return 'none';
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return 'kept';
  const argv = commandLine(pid);
  // Gone: Postgres itself checks the shared memory and clears the file. Postgres: a server runs here.
  if (!argv || isPostgres(argv) || postgresWorksIn(clusterDir)) return 'kept';
  rmSync(lockFile, { force: true });
  return 'removed';
}
