/**
 * The local stack's keys. They equal `supabase start`'s, so anything that works against the CLI's stack
 * (and its docs and examples) works here unchanged.
 */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

export const DEMO_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
export const DEMO_SERVICE_ROLE_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';
export const DEMO_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
export const DEMO_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

/** Clock skew PostgREST and GoTrue allow on exp/nbf/iat. */
export const JWT_CLOCK_SKEW_SECONDS = 30;

export interface StackKeys {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
  publishableKey: string;
  secretKey: string;
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

export type JwtClaims = Record<string, unknown> & { role?: string; sub?: string; exp?: number };

export function signJwt(claims: JwtClaims, secret: string): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

export type JwtResult =
  | { ok: true; claims: JwtClaims }
  | { ok: false; reason: 'expired' | 'invalid'; message: string };

/**
 * Verifies an HS256 JWT the way PostgREST does: exactly three parts, HS256 only (`alg: none` and
 * everything else refused), signature, then exp/nbf/iat with 30 s of skew.
 */
export async function verifyJwt(token: string, secret: string): Promise<JwtResult> {
  if (token === '') return { ok: false, reason: 'invalid', message: 'Empty JWT is sent in Authorization header' };
  const parts = token.split('.');
  if (parts.length !== 3) {
    return { ok: false, reason: 'invalid', message: `Expected 3 parts in JWT; got ${parts.length}` };
  }
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      clockTolerance: JWT_CLOCK_SKEW_SECONDS,
    });
    return { ok: true, claims: payload };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired', message: 'JWT expired' };
    return { ok: false, reason: 'invalid', message: 'JWT cryptographic operation failed' };
  }
}
