/**
 * The VITE_* settings' rules. Runs when the dev server starts or the app is built (vite.config.ts, the
 * `pro-portal:app-env` plugin, which defines `__APP_ENV__`): the values are compiled into the bundle
 * then, so that is where they are validated. The browser receives only the result (see ./env.ts), not zod.
 */
import * as z from 'zod/mini';

/** The Supabase CLI's local anon key (`supabase start` prints the same one); safe to ship. */
export const LOCAL_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
export const LOCAL_SUPABASE_URL = 'http://127.0.0.1:54321';

// `VITE_X=` in a .env file arrives as "", which means "not set" to a person.
const unsetIfEmpty = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

function jwtRole(token: string): unknown {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    return (JSON.parse(json) as { role?: unknown }).role;
  } catch {
    return undefined;
  }
}

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** What is wrong with a browser API key, if anything: the one message that fits best. */
function publicKeyProblem(key: string): string | undefined {
  if (key.startsWith('sb_secret_')) {
    return 'is a secret key. Use the publishable (anon) key: the secret key must never reach a browser.';
  }
  if (key.startsWith('sb_publishable_')) return undefined;
  if (!JWT.test(key)) return 'is neither a JWT anon key nor an sb_publishable_ key.';
  if (jwtRole(key) !== 'anon') {
    return 'is not an anon key (its JWT role is not "anon"). Never ship the service_role key to a browser.';
  }
  return undefined;
}

const publicKey = z.string().check(
  z.trim(),
  z.superRefine((key, ctx) => {
    const problem = publicKeyProblem(key);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: key });
  }),
);

const envSchema = z.object({
  VITE_SUPABASE_URL: z._default(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:54321' }),
    LOCAL_SUPABASE_URL,
  ),
  VITE_SUPABASE_ANON_KEY: z._default(publicKey, LOCAL_ANON_KEY),
});

export type Env = { supabaseUrl: string; supabaseAnonKey: string };

export type EnvResult = { ok: true; env: Env } | { ok: false; problems: string[] };

/** Reads the build-time VITE_* settings; the app shows `problems` instead of starting when not ok. */
export function parseEnv(source: Record<string, unknown>): EnvResult {
  const result = envSchema.safeParse({
    VITE_SUPABASE_URL: unsetIfEmpty(source.VITE_SUPABASE_URL),
    VITE_SUPABASE_ANON_KEY: unsetIfEmpty(source.VITE_SUPABASE_ANON_KEY),
  });
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`),
    };
  }
  return {
    ok: true,
    env: {
      supabaseUrl: result.data.VITE_SUPABASE_URL.replace(/\/+$/, ''),
      supabaseAnonKey: result.data.VITE_SUPABASE_ANON_KEY,
    },
  };
}
