/**
 * The local stack's keys. They equal `supabase start`'s, so anything that works against the CLI's stack
 * (and its docs and examples) works here unchanged.
 */
import { signJwt } from './jwt.ts';

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
