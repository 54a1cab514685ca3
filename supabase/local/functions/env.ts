/** The environment functions see: what `supabase functions serve` gives them, nothing hosted-only. */
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceContext } from '../core/service.ts';

const LINE =
  /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*("(?:\\.|[^"\\])*"|'[^']*'|[^\n]*?)[ \t]*(?:[ \t]#[^\n]*)?$/gm;

/**
 * Parses dotenv text as the CLI's godotenv does for `supabase/functions/.env`: `KEY=value`, optional
 * `export`, `#` comments, single quotes literal, double quotes with `\n`-style escapes and line breaks.
 */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [, key = '', raw = ''] of text.replace(/\r\n?/g, '\n').matchAll(LINE)) {
    if (raw.startsWith('"')) {
      values[key] = raw.slice(1, -1).replace(/\\([nrt"\\$])/g, (_, c: string) =>
        c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c,
      );
    } else if (raw.startsWith("'")) {
      values[key] = raw.slice(1, -1);
    } else {
      values[key] = raw;
    }
  }
  return values;
}

/** The named variables of `from` that are set and not empty: what a host hands on from its shell. */
export function passthroughEnv(names: string[], from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = from[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return env;
}

/** Deno's own settings that must reach it from the developer's shell (registry, proxies, CAs). */
const PASSED_THROUGH =
  /^(PATH|HOME|TMPDIR|NPM_CONFIG_[A-Z_]+|HTTPS?_PROXY|NO_PROXY|NODE_EXTRA_CA_CERTS|DENO_CERT|DENO_TLS_CA_STORE|SSL_CERT_FILE|SSL_CERT_DIR)$/i;

/** The reply domain the local stack uses unless INBOUND_EMAIL_DOMAIN is set (`.test` is reserved: never real mail). */
export const LOCAL_INBOUND_EMAIL_DOMAIN = 'reply.pro-portal.test';

/**
 * What the mail functions need to work on a local stack with nothing configured — hosted Supabase has
 * no such defaults, there they are secrets: SMTP_URL to the mail catcher, the reply domain, and a
 * Mailgun signing key that the catcher (standing in for Mailgun's inbound route) signs with. The key is
 * derived from the JWT secret, so it differs between projects that change that. SITE_URL is not given
 * here: `checkout` uses the calling page's origin when it is unset, which tests on other ports rely on,
 * and the mail functions fall back to config.toml's site_url default themselves.
 */
export function localMailDefaults(jwtSecret: string, smtpPort: number | undefined): Record<string, string> {
  return {
    ...(smtpPort ? { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } : {}),
    INBOUND_EMAIL_DOMAIN: LOCAL_INBOUND_EMAIL_DOMAIN,
    MAILGUN_WEBHOOK_SIGNING_KEY: createHmac('sha256', jwtSecret).update('local mailgun webhook signing key').digest('hex'),
  };
}

/**
 * `defaults` (the local stack's own, e.g. `localMailDefaults`), then `<functionsDir>/.env`, then `extra` (what the host passes: `functionsEnv` and the variables it passes
 * through), then the SUPABASE_* variables, which neither may override (the CLI skips SUPABASE_-prefixed
 * secrets too).
 * The Node process's own environment is not passed on, beyond what Deno needs to fetch packages.
 */
export function functionEnv(
  ctx: ServiceContext,
  functionsDir: string,
  extra: Record<string, string>,
  defaults: Record<string, string> = {},
): Record<string, string> {
  const dotenvPath = join(functionsDir, '.env');
  const custom = { ...(existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath, 'utf8')) : {}), ...extra };
  for (const name of Object.keys(custom)) {
    if (name.startsWith('SUPABASE_')) {
      ctx.log.error('functions', `${name}: names starting with SUPABASE_ are reserved; ignoring it`);
      delete custom[name];
    }
  }
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => PASSED_THROUGH.test(entry[0]) && entry[1] !== undefined,
    ),
  );
  return {
    ...inherited,
    ...defaults,
    ...custom,
    SUPABASE_URL: ctx.apiUrl,
    SUPABASE_ANON_KEY: ctx.keys.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: ctx.keys.serviceRoleKey,
    SUPABASE_DB_URL: ctx.dbUrl,
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: ctx.keys.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: ctx.keys.secretKey }),
  };
}
