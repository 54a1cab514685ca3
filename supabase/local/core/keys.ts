/**
 * The local stack's keys. They equal `supabase start`'s, so anything that works against the CLI's stack
 * (and its docs and examples) works here unchanged.
 */
import { readFileSync } from 'node:fs';
import { parseSigningKeys, registerSigningKeys, signJwt, signJwtWithKey, type JwtClaims, type SigningKeySet } from './jwt.ts';

export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

export const DEMO_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
export const DEMO_SERVICE_ROLE_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';
export const DEMO_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
export const DEMO_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

export interface StackKeys {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
  publishableKey: string;
  secretKey: string;
  /** `[auth] signing_keys_path`'s keys: access tokens are signed with them instead of the secret. */
  signingKeys?: SigningKeySet;
}

/** An access token as Auth issues it: with the signing key when there is one, else HS256 with the secret. */
export function signAccessToken(claims: JwtClaims, keys: StackKeys): Promise<string> {
  return keys.signingKeys ? signJwtWithKey(claims, keys.signingKeys.signing) : signJwt(claims, keys.jwtSecret);
}

/** Reads and registers the signing keys file, so every service verifies the tokens they sign. */
export function loadSigningKeys(keys: StackKeys, path: string | undefined): StackKeys {
  if (!path) return keys;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`config.toml: [auth] signing_keys_path: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); make one with \`node --import tsx supabase/local/cli/gen-signing-key.ts > <file>\``, { cause: error });
  }
  const signingKeys = parseSigningKeys(text, `[auth] signing_keys_path ${path}`);
  registerSigningKeys(keys.jwtSecret, signingKeys);
  return { ...keys, signingKeys };
}

/** Keys for a JWT secret: the CLI's demo keys for the default secret, freshly signed ones otherwise. */
export async function stackKeys(jwtSecret = DEFAULT_JWT_SECRET): Promise<StackKeys> {
  if (jwtSecret === DEFAULT_JWT_SECRET) {
    return {
      jwtSecret,
      anonKey: DEMO_ANON_KEY,
      serviceRoleKey: DEMO_SERVICE_ROLE_KEY,
      publishableKey: DEMO_PUBLISHABLE_KEY,
      secretKey: DEMO_SECRET_KEY,
    };
  }
  const sign = (role: string) =>
    signJwt({ iss: 'supabase-demo', role, exp: 1983812996 }, jwtSecret);
  return {
    jwtSecret,
    anonKey: await sign('anon'),
    serviceRoleKey: await sign('service_role'),
    publishableKey: DEMO_PUBLISHABLE_KEY,
    secretKey: DEMO_SECRET_KEY,
  };
}
