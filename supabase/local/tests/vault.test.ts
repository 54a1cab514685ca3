/**
 * The Vault stand-in: there from the start, as on hosted Supabase, with Vault's functions, table and
 * view, readable by `postgres` and `service_role` only, and the stack's own `project_url` and
 * `service_role_key` secrets kept equal to the running stack's on every start (throwaway stacks pick
 * free ports, so SQL that calls the project's functions reads the URL from Vault).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack as project } from './helpers.ts';
import { freePort } from '../core/ports.ts';
import { startStack, type RunningStack } from '../stack.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-vault-'));
let running: RunningStack | undefined;
let db: pg.Pool;

async function start(): Promise<RunningStack> {
  running = await startStack({
    supabaseDir: project.supabaseDir,
    port: await freePort(),
    dbPort: await freePort(),
    mailPort: await freePort(),
    smtpPort: await freePort(),
    dataDir,
    quiet: true,
  });
  db = new pg.Pool({ connectionString: running.dbUrl, max: 2 });
  return running;
}

async function stop(): Promise<void> {
  await db?.end();
  await running?.stop();
  running = undefined;
}

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db.query<T>(text, values)).rows;
}

/** As a role of the API, in a transaction of its own that is rolled back. */
async function as<T extends pg.QueryResultRow>(role: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = await db.connect();
  try {
    await client.query('begin');
    await client.query(`set local role ${role}`);
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

const secret = async (name: string) =>
  (await sql<{ decrypted_secret: string }>('select decrypted_secret from vault.decrypted_secrets where name = $1', [name]))[0]?.decrypted_secret;

beforeAll(async () => {
  await start();
});

afterAll(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Vault stand-in', () => {
  it("is installed from the start, holding the stack's API URL and service role key", async () => {
    expect(await sql(`select extnamespace::regnamespace::text as schema from pg_extension where extname = 'supabase_vault'`)).toEqual([
      { schema: 'vault' },
    ]);
    expect(await secret('project_url')).toBe(running!.apiUrl);
    expect(await secret('service_role_key')).toBe(running!.keys.serviceRoleKey);
  });

  it("creates, reads and updates secrets with Vault's functions", async () => {
    const [{ id }] = (await sql<{ id: string }>(`select vault.create_secret('s3kret', 'probe_secret', 'A probe') as id`)) as [{ id: string }];
    expect(await sql('select name, description, decrypted_secret from vault.decrypted_secrets where id = $1', [id])).toEqual([
      { name: 'probe_secret', description: 'A probe', decrypted_secret: 's3kret' },
    ]);
    await sql(`select vault.update_secret($1, 'n3w')`, [id]);
    expect(await secret('probe_secret')).toBe('n3w');
    await expect(sql(`select vault.create_secret('other', 'probe_secret')`)).rejects.toThrow(/duplicate key/);
  });

  it('lets the service role read and write secrets, and refuses anon and authenticated', async () => {
    expect(await as('service_role', `select decrypted_secret from vault.decrypted_secrets where name = 'project_url'`)).toEqual([
      { decrypted_secret: running!.apiUrl },
    ]);
    expect(await as('service_role', `select vault.create_secret('x', 'probe_service') is not null as made`)).toEqual([{ made: true }]);
    for (const role of ['anon', 'authenticated']) {
      await expect(as(role, 'select decrypted_secret from vault.decrypted_secrets'), role).rejects.toThrow('permission denied for schema vault');
      await expect(as(role, 'select secret from vault.secrets'), role).rejects.toThrow('permission denied for schema vault');
      await expect(as(role, `select vault.create_secret('x')`), role).rejects.toThrow('permission denied for schema vault');
    }
  });

  it('sets the two secrets again when the stack starts on other ports, and keeps the rest', async () => {
    await sql(`select vault.update_secret(id, 'http://stale.invalid') from vault.secrets where name = 'project_url'`);
    await stop();
    await start();
    expect(await secret('project_url')).toBe(running!.apiUrl);
    expect(await secret('probe_secret')).toBe('n3w');
  });
});
