/**
 * Starts one local stack for the whole conformance run: free ports, a throwaway data dir, Pro Portal's
 * migrations plus the suite's own fixtures (fixtures/*.sql, applied as `postgres`), and the suite's own
 * edge functions (fixtures/functions/). Tests reach it through `inject('stack')` (see helpers.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startStack, type RunningStack } from '../stack.ts';
import { freePort } from '../shared/ports.ts';

const fixturesDir = join(import.meta.dirname, 'fixtures');

declare module 'vitest' {
  export interface ProvidedContext {
    stack: {
      apiUrl: string;
      dbUrl: string;
      anonKey: string;
      serviceRoleKey: string;
      publishableKey: string;
      secretKey: string;
      jwtSecret: string;
    };
  }
}

let running: RunningStack | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject) {
  dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-conformance-'));
  running = await startStack({
    port: await freePort(),
    dbPort: await freePort(),
    dataDir,
    reset: true,
    quiet: true,
    functionsDir: join(fixturesDir, 'functions'),
    functionsEnv: { CONFORMANCE_MARKER: 'present' },
    functionsConfig: { 'public-echo': { verifyJwt: false } },
  });
  const client = new pg.Client({ connectionString: running.dbUrl });
  await client.connect();
  try {
    for (const file of readdirSync(fixturesDir).filter((name) => name.endsWith('.sql')).sort()) {
      await client.query(readFileSync(join(fixturesDir, file), 'utf8'));
    }
  } finally {
    await client.end();
  }
  await running.waitForSchemaReload();
  project.provide('stack', {
    apiUrl: running.apiUrl,
    dbUrl: running.dbUrl,
    anonKey: running.keys.anonKey,
    serviceRoleKey: running.keys.serviceRoleKey,
    publishableKey: running.keys.publishableKey,
    secretKey: running.keys.secretKey,
    jwtSecret: running.keys.jwtSecret,
  });
}

export async function teardown() {
  await running?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
