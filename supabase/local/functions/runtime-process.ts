/**
 * The one Deno process that runs every function (runtime/main.ts), its readiness, and its logs:
 * a worker's console lines arrive as `\x1e{"fn","level","msg"}` and go to ctx.log under the
 * function's name; Deno's own lines (npm downloads, crashes) under `functions`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Logger } from '../core/logger.ts';
import { freePort } from '../core/ports.ts';
import { denoCacheDir, denoExecutable } from './deno.ts';

const runtimeDir = join(dirname(fileURLToPath(import.meta.url)), 'runtime');
const READY_TIMEOUT_MS = 20_000;

export interface RuntimeProcess {
  port: number;
  /** Resolves when the process has exited, whoever ended it. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  /** The one project folder functions may read (the CLI mounts only `supabase/functions` too). */
  functionsDir: string;
  env: Record<string, string>;
  log: Logger;
}

function forwardLines(stream: NodeJS.ReadableStream, log: Logger, fallback: 'info' | 'error') {
  createInterface({ input: stream }).on('line', (line) => {
    if (line.startsWith('\u001e')) {
      try {
        const { fn, level, msg } = JSON.parse(line.slice(1)) as { fn: string; level: string; msg: string };
        if (level === 'error') log.error(`functions:${fn}`, msg);
        else log.info(`functions:${fn}`, msg);
        return;
      } catch {
        // not one of ours after all: log it as it is
      }
    }
    // NO_COLOR is set for Deno, so its lines arrive without escape codes.
    if (line.trim() === '') return;
    if (fallback === 'error' && /error|panicked/i.test(line)) log.error('functions', line);
    else log.info('functions', line);
  });
}

async function waitUntilServing(port: number, exited: Promise<void>, child: ChildProcess): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!gone && Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/_internal/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (!gone) child.kill('SIGKILL');
  throw new Error(
    gone
      ? `the functions runtime (Deno) exited during start-up, exit code ${child.exitCode}; see the log above`
      : `the functions runtime (Deno) did not answer within ${READY_TIMEOUT_MS / 1000} s`,
  );
}

export async function startRuntime(options: RuntimeOptions): Promise<RuntimeProcess> {
  const port = await freePort();
  const cacheDir = denoCacheDir();
  mkdirSync(cacheDir, { recursive: true });
  const readable = [options.functionsDir, runtimeDir, cacheDir];
  const args = [
    'run',
    // Ignore the repo's package.json: otherwise Deno resolves `npm:` from node_modules only and
    // fails on any package the app does not itself depend on (npm:stripe …).
    '--no-config',
    '--no-lock',
    '--node-modules-dir=none',
    '--no-prompt',
    '--allow-net',
    '--allow-env',
    '--allow-sys',
    `--allow-read=${readable.join(',')}`,
    join(runtimeDir, 'main.ts'),
    String(port),
    options.functionsDir,
  ];
  const child = spawn(denoExecutable(), args, {
    env: { ...options.env, DENO_DIR: cacheDir, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    cwd: options.functionsDir,
    // stdin stays open for the child's lifetime: runtime/main.ts exits when it closes.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      options.log.error('functions', 'could not start Deno', error);
      resolve();
    });
  });
  forwardLines(child.stdout, options.log, 'info');
  forwardLines(child.stderr, options.log, 'error');
  await waitUntilServing(port, exited, child);

  return {
    port,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
