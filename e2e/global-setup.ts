/**
 * Playwright's global setup: a local stack on free ports with a throwaway data dir (migrations and
 * seed applied, e2e/stack-config.toml over config.toml), the app built against it, and `vite preview` serving the build — the same artefact
 * that ships. Workers read the URLs from the environment.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { parse } from 'smol-toml';
import { build, preview } from 'vite';
import { freePort, startThrowawayStack } from '@pro-portal/supabase-local';

const root = join(import.meta.dirname, '..');

export default async function globalSetup(_config: FullConfig) {
  const outDir = mkdtempSync(join(tmpdir(), 'pro-portal-e2e-dist-'));
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const stack = await startThrowawayStack({
    label: 'e2e',
    supabaseDir: join(root, 'supabase'),
    // Links in notification mails lead to the app under test, as SITE_URL makes them lead to the site.
    functionsEnv: { SITE_URL: appUrl },
    // The suite's own settings over config.toml: why, in the file.
    configOverlay: parse(readFileSync(join(import.meta.dirname, 'stack-config.toml'), 'utf8')),
    // Every engineer and admin the specs make enrols a TOTP factor and signs in with a code, all from
    // 127.0.0.1: GoTrue's 15 a minute would stop a full run (config.toml cannot raise it).
    mfaRateLimit: 100_000,
  });

  process.env.VITE_SUPABASE_URL = stack.apiUrl;
  process.env.VITE_SUPABASE_ANON_KEY = stack.keys.anonKey;
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { port: appPort, strictPort: true, host: '127.0.0.1' } });

  process.env.E2E_BASE_URL = appUrl;
  process.env.E2E_API_URL = stack.apiUrl;
  process.env.E2E_DB_URL = stack.dbUrl;
  process.env.E2E_ANON_KEY = stack.keys.anonKey;
  process.env.E2E_SERVICE_ROLE_KEY = stack.keys.serviceRoleKey;
  // The stack's mail catcher (Mailpit's API): specs read the mail Auth sends through it (e2e/mail.ts).
  if (!stack.mailUrl) throw new Error('the e2e stack runs without its mail catcher ([local_smtp] enabled = false)');
  process.env.MAILPIT_URL = stack.mailUrl;
  // Its SMTP listener, where a spec sends the mail a person would (a reply to a ticket mail).
  process.env.MAILPIT_SMTP = `127.0.0.1:${stack.smtpPort}`;

  return async () => {
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    await stack.stop();
    rmSync(outDir, { recursive: true, force: true });
  };
}
