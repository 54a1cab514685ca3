/**
 * Who is calling (`internal/api/auth.go`): the Bearer JWT, verified here as GoTrue does, then the user
 * and session it names, which must still exist. Admin endpoints only look at the JWT's role.
 */
import type { ServiceContext, ServiceRequest } from '../core/service.ts';
import { verifyJwt, type JwtClaims } from '../core/jwt.ts';
import type { Db } from './db.ts';
import { AuthError, badRequest, forbidden } from './errors.ts';
import { loadUser, type LoadedUser } from './users.ts';

export interface Caller {
  claims: JwtClaims;
  user: LoadedUser;
  sessionId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** GoTrue's `GOTRUE_JWT_ADMIN_ROLES` default. */
const ADMIN_ROLES = new Set(['service_role', 'supabase_admin']);

export async function bearerClaims(ctx: ServiceContext, req: ServiceRequest): Promise<JwtClaims> {
  const match = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  const result = await verifyJwt(match[1]!, ctx.keys.jwtSecret);
  if (!result.ok) {
    const detail = result.reason === 'expired' ? 'token has invalid claims: token is expired' : result.message;
    throw forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${detail}`);
  }
  return result.claims;
}

/** A verified Bearer token that names a user (an apikey's JWT names none). */
export async function userClaims(ctx: ServiceContext, req: ServiceRequest): Promise<JwtClaims & { sub: string }> {
  const claims = await bearerClaims(ctx, req);
  if (typeof claims.sub !== 'string' || claims.sub === '') throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
  if (!isUuid(claims.sub)) throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID');
  return claims as JwtClaims & { sub: string };
}

/** The signed-in user behind the Bearer token, and the session it was issued for. */
export async function requireUser(ctx: ServiceContext, db: Db, req: ServiceRequest): Promise<Caller> {
  const claims = await userClaims(ctx, req);
  const user = await loadUser(db, claims.sub);
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
  const sessionId = claims.session_id;
  if (sessionId === undefined || sessionId === null || sessionId === '') return { claims, user };
  if (!isUuid(sessionId)) throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID');
  const { rowCount } = await db.query(`select 1 from auth.sessions where id = $1 and user_id = $2`, [sessionId, claims.sub]);
  if (!rowCount) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
  return { claims, user, sessionId };
}

export async function requireAdmin(ctx: ServiceContext, req: ServiceRequest): Promise<JwtClaims> {
  const claims = await bearerClaims(ctx, req);
  if (typeof claims.role !== 'string' || !ADMIN_ROLES.has(claims.role)) throw forbidden('not_admin', 'User not allowed');
  return claims;
}
