/**
 * `npm run stack` as tools use it: the status lines (the mail catcher's too), a clean stop on SIGTERM and SIGINT, and data kept
 * across restarts on the same data dir.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ANON_KEY, DEMO_SERVICE_ROLE_KEY } from '../core/keys.ts';
import { freePort } from '../core/ports.ts';
import { findProjectDir } from '../core/project-config.ts';

// The project the CLI finds by itself from its working folder, as `npm run stack` starts it.
const root = findProjectDir();
// What `npm run stack` runs, without npm in between (npm itself dies of the signal it forwards).
const cli = [process.execPath, '--import', 'tsx', join(import.meta.dirname, '..', 'cli', 'stack.ts')] as const;
const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  lines: Record<string, string>;
}

function startCli(args: string[]): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli[0], [...cli.slice(1), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SUPABASE_JWT_SECRET: '' },
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no status within 60 s:\n${out}\n${err}`)), 60_000);
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('service_role key:')) return;
      clearTimeout(timer);
      const lines: Record<string, string> = {};
      for (const line of out.split('\n')) {
        const match = /^([A-Za-z_ ]+): (.+)$/.exec(line.trim());
        if (match) lines[match[1]!] = match[2]!;
      }
      resolve({ child, lines });
    });
    child.on('exit', (code) => reject(new Error(`stack exited with ${code}:\n${out}\n${err}`)));
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

describe('npm run stack', () => {
  it('prints the status lines, keeps data across restarts and stops cleanly', async () => {
    const port = await freePort();
    const dbPort = await freePort();
    const mailPort = await freePort();
    const smtpPort = await freePort();
    const args = ['--port', String(port), '--db-port', String(dbPort), '--mail-port', String(mailPort), '--smtp-port', String(smtpPort), '--data-dir', dataDir];

    const first = await startCli([...args, '--reset']);
    expect(first.lines['API URL']).toBe(`http://127.0.0.1:${port}`);
    expect(first.lines['DB URL']).toBe(`postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres`);
    expect(first.lines['anon key']).toBe(DEMO_ANON_KEY);
    expect(first.lines['service_role key']).toBe(DEMO_SERVICE_ROLE_KEY);
    const health = await fetch(`http://127.0.0.1:${port}/auth/v1/health`);
    expect(health.status).toBe(200);
    expect(first.lines['Mailpit URL']).toBe(`http://127.0.0.1:${mailPort}`);
    expect(first.lines['SMTP']).toBe(`127.0.0.1:${smtpPort}`);
    expect((await fetch(`http://127.0.0.1:${mailPort}/readyz`)).status).toBe(200);
    expect(await portOpen(smtpPort)).toBe(true);

    const db = new pg.Client({ connectionString: first.lines['DB URL'] });
    await db.connect();
    await db.query('create table public.cli_kept (note text); insert into public.cli_kept values ($1)', ['still here']).catch(
      async () => {
        await db.query('create table public.cli_kept (note text)');
        await db.query("insert into public.cli_kept values ('still here')");
      },
    );
    await db.end();

    expect(await stop(first.child, 'SIGTERM'), 'SIGTERM exits 0').toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid')), 'Postgres shut down').toBe(false);
    expect(await portOpen(mailPort), 'mail API closed').toBe(false);
    expect(await portOpen(smtpPort), 'SMTP closed').toBe(false);

    const second = await startCli(args);
    const again = new pg.Client({ connectionString: second.lines['DB URL'] });
    await again.connect();
    const rows = await again.query<{ note: string }>('select note from public.cli_kept');
    await again.end();
    expect(rows.rows).toEqual([{ note: 'still here' }]);
    expect(await stop(second.child, 'SIGINT'), 'SIGINT exits 0').toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 120_000);

  it('refuses unknown flags with usage', async () => {
    const child = spawn(cli[0], [...cli.slice(1), '--bogus'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/Usage: npm run stack/);
  });
});
