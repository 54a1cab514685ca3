/**
 * The benchmarks' stack in a process of its own (bench/stack-host.ts), and what can be read about that
 * process and its Postgres from /proc: CPU time and resident memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../supabase/local/core/ports.ts';

const repoRoot = join(import.meta.dirname, '..');

/** CPU seconds a process has used (user + system), from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/** The processes descended from `pid` (the stack's Postgres server and its backends), from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // exited while listed
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * CPU seconds of the processes named `comm` descended from `pid` now, each with the time of its children
 * that have ended (Postgres' server waits for its backends and autovacuum workers, so a process that ends
 * between two readings still counts in the second, as its parent's).
 */
export function cpuSecondsOf(pid: number, comm: string): number {
  let total = 0;
  for (const child of descendants(pid)) {
    try {
      const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== comm) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
    } catch {
      // ended while listed: its time is its parent's now
    }
  }
  return total;
}

/** Resident memory of a process in bytes, from /proc (no GC first, unlike Server.memory()). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

export interface Server {
  apiUrl: string;
  dbUrl: string;
  anonKey: string;
  jwtSecret: string;
  pid: number;
  /** What the stack wrote to stderr. */
  log(): string;
  memory(): Promise<{ rss: number; heapUsed: number; external: number; arrayBuffers: number; gc: boolean }>;
  /** Starts counting the JavaScript heap the stack allocates; `stop` answers the bytes since. */
  allocation(): Promise<{ stop(): Promise<{ allocated: number; collections: number }> }>;
  stop(): Promise<void>;
}

export async function startServer(supabaseDir: string, dataDir: string): Promise<Server> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'stack-host.ts'), supabaseDir, dataDir, String(await freePort()), String(await freePort())],
    { cwd: repoRoot, detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SUPABASE_JWT_SECRET: '' } },
  );
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const waiting: Array<(line: string) => void> = [];
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else lines.push(line);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(line);
      waiting.push(resolve);
      void exited.then(() => reject(new Error(`the stack exited:\n${log}`)));
    });
  const ready = JSON.parse(await nextLine()) as Omit<Server, 'pid' | 'log' | 'memory' | 'stop'>;
  return {
    ...ready,
    pid: child.pid!,
    log: () => log,
    async memory() {
      child.stdin!.write('mem\n');
      return JSON.parse(await nextLine()) as Awaited<ReturnType<Server['memory']>>;
    },
    async allocation() {
      child.stdin!.write('alloc-start\n');
      await nextLine();
      return {
        async stop() {
          child.stdin!.write('alloc-stop\n');
          return JSON.parse(await nextLine()) as { allocated: number; collections: number };
        },
      };
    },
    async stop() {
      child.stdin!.end();
      // A clean stop normally; the process group if it does not come (its Postgres with it).
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

