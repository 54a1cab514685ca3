/**
 * The stack as `npm run stack` runs it — `cli/stack.ts` in a process of its own, in its own process group
 * — for tests and benchmarks that must kill it outright (SIGKILL of the group: the stack and its Postgres,
 * as a power cut would) or measure its memory. The project is a temp folder holding only the
 * `supabase/config.toml` given, so no migrations slow the start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  const signal = async (name: NodeJS.Signals, group: boolean) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(group ? -child.pid! : child.pid!, name);
    await exited;
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

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
