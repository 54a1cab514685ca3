/**
 * The stack as `npm run stack` runs it — `cli/stack.ts` in a process of its own, in its own process group
 * — for tests and benchmarks that must kill it outright (SIGKILL of the group: the stack and its Postgres,
 * as a power cut would) or measure its memory. The project is a temp folder holding only the
 * `supabase/config.toml` given, so no migrations slow the start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../core/ports.ts';

const cli = join(import.meta.dirname, '..', 'cli', 'stack.ts');
const repoRoot = join(import.meta.dirname, '..', '..', '..');

export interface StackProcess {
  apiUrl: string;
  dbUrl: string;
  dataDir: string;
  /** The stack's own Node process (Postgres runs in children of it). */
  pid: number;
  ports: StackPorts;
  /** SIGTERM, as Ctrl-C: a clean stop. */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group: the stack and Postgres die at once, mid-whatever. */
  kill(): Promise<void>;
}

export interface StackPorts {
  port: number;
  dbPort: number;
  mailPort: number;
  smtpPort: number;
}

export async function freeStackPorts(): Promise<StackPorts> {
  return { port: await freePort(), dbPort: await freePort(), mailPort: await freePort(), smtpPort: await freePort() };
}

/** A project folder with nothing but this config.toml; remove it with `rmSync(…, { recursive: true })`. */
export function configOnlyProject(configToml: string): string {
  const workdir = mkdtempSync(join(tmpdir(), 'pro-portal-project-'));
  // An empty functions folder: the functions runtime starts in it.
  mkdirSync(join(workdir, 'supabase', 'functions'), { recursive: true });
  writeFileSync(join(workdir, 'supabase', 'config.toml'), configToml);
  return workdir;
}

export async function startStackProcess(options: {
  workdir: string;
  dataDir: string;
  reset: boolean;
  ports?: StackPorts;
}): Promise<StackProcess> {
  const ports = options.ports ?? (await freeStackPorts());
  const args = [
    '--import', 'tsx', cli,
    '--workdir', options.workdir,
    '--port', String(ports.port),
    '--db-port', String(ports.dbPort),
    '--mail-port', String(ports.mailPort),
    '--smtp-port', String(ports.smtpPort),
    '--data-dir', options.dataDir,
    ...(options.reset ? ['--reset'] : []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SUPABASE_JWT_SECRET: '' },
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('service_role key:')) resolve();
    });
    void exited.then(() => reject(new Error(`the stack exited during start-up:\n${out}\n${log}`)));
  });
  const groupAlive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = async (name: NodeJS.Signals, group: boolean) => {
    if (group ? !groupAlive() : child.exitCode !== null || child.signalCode !== null) return;
    const postmaster = group ? postmasterOf(options.dataDir) : undefined;
    try {
      process.kill(group ? -child.pid! : child.pid!, name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    await exited;
    if (group) await postgresGone(options.dataDir, postmaster);
  };
  return {
    apiUrl: `http://127.0.0.1:${ports.port}`,
    dbUrl: `postgresql://postgres:postgres@127.0.0.1:${ports.dbPort}/postgres`,
    dataDir: options.dataDir,
    pid: child.pid!,
    ports,
    stop: () => signal('SIGTERM', false),
    kill: () => signal('SIGKILL', true),
  };
}

function postmasterOf(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process runs (a zombie counts: Postgres's lock-file check sees it as alive too). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes (not zombies) working in the data dir: Postgres's backends, which run in sessions of their own. */
function postgresProcesses(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z' && readlinkSync(`/proc/${entry}/cwd`).startsWith(dataDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * After SIGKILL the stack's Node process goes first. Postgres's backends (each in a session of its own,
 * so the group kill misses them) leave when they notice the postmaster is gone; a restart on the same
 * data dir must not meet them ("shared memory block still in use"). Then the postmaster's lock file is
 * stale, but Postgres refuses to start while its PID is taken — by the postmaster's zombie, or, on a
 * busy machine whose PIDs wrap, by an unrelated process. The stack does not clear such a lock yet (it
 * would need to on a real crash too), so this stands in for that: with no process left in the data
 * dir, the lock file is removed.
 */
async function postgresGone(dataDir: string, postmaster: number | undefined): Promise<void> {
  const started = Date.now();
  while ((postmaster !== undefined && exists(postmaster) && Date.now() - started < 2000) || postgresProcesses(dataDir).length > 0) {
    if (Date.now() - started > 20_000) throw new Error(`Postgres of ${dataDir} still running 20 s after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  rmSync(join(dataDir, 'postgres', 'postmaster.pid'), { force: true });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
