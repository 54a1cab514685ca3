/** Reads supabase/config.toml: the same file hosted Supabase reads, so local behaviour follows it. */
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';

export interface ProjectConfig {
  auth: {
    siteUrl: string;
    jwtExpiry: number;
    refreshTokenReuseInterval: number;
    minimumPasswordLength: number;
    enableSignup: boolean;
    enableConfirmations: boolean;
    /** Failed sign-ins allowed per 5 minutes per IP and email before 429. */
    signInRateLimit: number;
  };
  api: { schemas: string[]; extraSearchPath: string[]; maxRows: number };
  /** verify_jwt per function slug; functions not listed verify (the CLI default). */
  functions: Record<string, { verifyJwt: boolean }>;
}

type Table = Record<string, unknown>;
const table = (value: unknown): Table => (value && typeof value === 'object' ? (value as Table) : {});
const num = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
const bool = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
const strings = (value: unknown, fallback: string[]) =>
  Array.isArray(value) ? value.map(String) : fallback;

export function readProjectConfig(path: string): ProjectConfig {
  const toml = parse(readFileSync(path, 'utf8')) as Table;
  const auth = table(toml.auth);
  const email = table(auth.email);
  const rate = table(auth.rate_limit);
  const api = table(toml.api);
  const functions: ProjectConfig['functions'] = {};
  for (const [slug, settings] of Object.entries(table(toml.functions))) {
    functions[slug] = { verifyJwt: bool(table(settings).verify_jwt, true) };
  }
  return {
    auth: {
      siteUrl: typeof auth.site_url === 'string' ? auth.site_url : 'http://localhost:5173',
      jwtExpiry: num(auth.jwt_expiry, 3600),
      refreshTokenReuseInterval: num(auth.refresh_token_reuse_interval, 10),
      minimumPasswordLength: num(auth.minimum_password_length, 6),
      enableSignup: bool(auth.enable_signup, true) && bool(email.enable_signup, true),
      enableConfirmations: bool(email.enable_confirmations, false),
      signInRateLimit: num(rate.sign_in_sign_ups, 30),
    },
    api: {
      schemas: strings(api.schemas, ['public']),
      extraSearchPath: strings(api.extra_search_path, ['public', 'extensions']),
      maxRows: num(api.max_rows, 1000),
    },
    functions,
  };
}
