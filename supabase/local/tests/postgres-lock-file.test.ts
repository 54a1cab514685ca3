/**
 * A `postmaster.pid` left by a Postgres that never stopped, whose process id now belongs to another
 * program of Postgres's OS user: the stack starts anyway. A Postgres really running in the data
 * directory still keeps a second one out.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/logger.ts';
import { freePort } from '../core/ports.ts';
import { OS_USER, startPostgres, type PostgresServer } from '../postgres/index.ts';
import { clearStaleLockFile } from '../postgres/lock-file.ts';

const log = createLogger(true);
let dataDir: string;
let clusterDir: string;
let server: PostgresServer | undefined;
let stranger: ChildProcess | undefined;

/** A long-running program that is not Postgres, run as the OS user Postgres runs as. */
function startStranger(): ChildProcess {
  const asPostgres =
    process.getuid?.() === 0
      ? { uid: Number(execFileSync('id', ['-u', OS_USER], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', OS_USER], { encoding: 'utf8' })) }
      : {};
  return spawn('sleep', ['600'], { ...asPostgres, stdio: 'ignore' });
}

/** A lock file as a postmaster writes it, naming `pid`. */
function lockFileNaming(pid: number): string {
  return [pid, clusterDir, '1700000000', '5432', '/tmp', '127.0.0.1', '  1234567    32768', 'ready   ', ''].join('\n');
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lock-file-'));
  clusterDir = join(dataDir, 'postgres');
  server = await startPostgres({ dataDir, port: await freePort(), reset: false, log });
  await server.stop();
  server = undefined;
}, 120_000);

afterAll(async () => {
  stranger?.kill();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a postmaster.pid left behind', () => {
  it('naming a live program that is not Postgres: removed, and Postgres starts', async () => {
    stranger = startStranger();
    writeFileSync(join(clusterDir, 'postmaster.pid'), lockFileNaming(stranger.pid!));

    server = await startPostgres({ dataDir, port: await freePort(), reset: false, log });
    expect(server.state).toBe('up');
    // The new postmaster wrote its own.
    expect(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]).toBe(String(server.pid));
  }, 120_000);

  it('of a Postgres running in the directory: kept, and a second Postgres is refused', async () => {
    expect(server?.state).toBe('up');
    // The running server's own: its process id on the first line (the status line below changes as it starts).
    const owner = () => readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0];
    expect(owner()).toBe(String(server!.pid));
    expect(clearStaleLockFile(clusterDir)).toBe('kept');
    await expect(startPostgres({ dataDir, port: await freePort(), reset: false, log })).rejects.toThrow(/lock file "postmaster.pid" already exists/);
    expect(owner()).toBe(String(server!.pid));
  }, 120_000);

  it('naming a process that is gone: left to Postgres, which clears it itself', async () => {
    await server!.stop();
    server = undefined;
    const gone = spawn('true');
    await new Promise((resolve) => gone.once('exit', resolve));
    writeFileSync(join(clusterDir, 'postmaster.pid'), lockFileNaming(gone.pid!));
    expect(clearStaleLockFile(clusterDir)).toBe('kept');
    expect(existsSync(join(clusterDir, 'postmaster.pid'))).toBe(true);

    server = await startPostgres({ dataDir, port: await freePort(), reset: false, log });
    expect(server.state).toBe('up');
  }, 120_000);
});
