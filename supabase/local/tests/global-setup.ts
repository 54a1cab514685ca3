/**
 * Starts one local stack for the whole conformance run: free ports, a throwaway data dir, the host
 * project's migrations (the project the current folder lies in, found as the CLI finds it; the run's
 * other suites test that project's rules on the same stack) plus the suite's own fixtures (fixtures/*.sql, applied as `postgres`), the suite's own
 * edge functions (fixtures/functions/) and settings (fixtures/stack-config.toml). Tests reach it through `inject('stack')` (see helpers.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse } from 'smol-toml';
import type { TestProject } from 'vitest/node';
import { startStack, type RunningStack } from '../stack.ts';
import { freePort } from '../core/ports.ts';
import { findProjectDir } from '../core/project-config.ts';

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
      /** The project folder's `supabase/` the stack serves (its config.toml, migrations, functions). */
      supabaseDir: string;
    };
  }
}

let running: RunningStack | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject) {
  dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-conformance-'));
  const supabaseDir = join(findProjectDir(), 'supabase');
  running = await startStack({
    supabaseDir,
    port: await freePort(),
    dbPort: await freePort(),
    mailPort: await freePort(),
    smtpPort: await freePort(),
    dataDir,
    reset: true,
    quiet: true,
    functionsDir: join(fixturesDir, 'functions'),
    functionsEnv: { CONFORMANCE_MARKER: 'present' },
    functionsConfig: { 'public-echo': { verifyJwt: false } },
    configOverlay: parse(readFileSync(join(fixturesDir, 'stack-config.toml'), 'utf8')),
    // Every engineer and admin the suites make enrols a TOTP factor (staff rights need aal2), all from
    // 127.0.0.1; auth-mfa.test.ts tests GoTrue's default limit on a stack of its own.
    mfaRateLimit: 100_000,
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
    supabaseDir,
  });
}

export async function teardown() {
  try {
    await running?.stop();
  } finally {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
