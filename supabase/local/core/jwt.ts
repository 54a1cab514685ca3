/**
 * HS256 JWTs as every service needs them: Auth signs access tokens, and REST, Auth and Functions each
 * verify the Bearer token themselves (as PostgREST, GoTrue and the edge runtime do upstream).
 */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

/** Clock skew PostgREST and GoTrue allow on exp/nbf/iat. */
export const JWT_CLOCK_SKEW_SECONDS = 30;

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
