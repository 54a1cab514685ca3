/**
 * Sessions, refresh tokens and access tokens (`internal/tokens/service.go`, `internal/models/
 * {sessions,refresh_token}.go`): one auth.sessions row per sign-in, a chain of rotating refresh tokens
 * under it, and short-lived access tokens (HS256, or the project's signing key) carrying GoTrue's claims
 * in GoTrue's order.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { ServiceContext, ServiceRequest } from '../core/service.ts';
import { signAccessToken } from '../core/keys.ts';
import { CommitThenThrow, NIL_UUID, type Db } from './db.ts';
import { AuthError, badRequest } from './errors.ts';
import { clientIp, userAgent, type Json } from './request.ts';
import { audit, isBanned, loadUser, userJson, type LoadedUser } from './users.ts';

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  not_after: Date | null;
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** GoTrue's v1 refresh token: `crypto.SecureAlphanumeric(12)`. */
function newRefreshToken(): string {
  let token = '';
  for (let i = 0; i < 12; i += 1) token += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return token;
}

async function insertRefreshToken(db: Db, userId: string, sessionId: string, parent: string | null): Promise<string> {
  const token = newRefreshToken();
  await db.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ($1, $2, $3, false, now(), now(), $4, $5)`,
    [NIL_UUID, token, userId, parent, sessionId],
  );
  return token;
}

/** A new session with its first refresh token; stamps the user's `last_sign_in_at`. */
export async function startSession(
  db: Db,
  req: ServiceRequest,
  userId: string,
  method: AuthMethod = 'password',
): Promise<{ session: SessionRow; refreshToken: string }> {
  const { rows } = await db.query<SessionRow>(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
     values ($1, $2, now(), now(), 'aal1', $3, $4)
     returning id, user_id, created_at, not_after`,
    [randomUUID(), userId, userAgent(req), clientIp(req)],
  );
  const session = rows[0]!;
  await addAmrClaim(db, session.id, method);
  const refreshToken = await insertRefreshToken(db, userId, session.id, null);
  await db.query(`update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1`, [userId]);
  return { session, refreshToken };
}

/** GoTrue's authentication methods (`models.AuthenticationMethod`) as they appear in `amr`. */
export type AuthMethod = 'password' | 'otp' | 'recovery' | 'magiclink' | 'invite' | 'email/signup' | 'email_change' | 'anonymous' | 'totp' | 'mfa/phone';

/** Methods that make a session `aal2` (`AMRClaim.IsAAL2Claim`). */
const AAL2_METHODS = new Set(['totp', 'mfa/phone', 'mfa/webauthn']);

/** `models.AddClaimToSession`: one row per session and method; using a method again renews its time. */
export async function addAmrClaim(db: Db, sessionId: string, method: AuthMethod): Promise<void> {
  await db.query(
    `insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
     values ($1, $2, now(), now(), $3)
     on conflict on constraint mfa_amr_claims_session_id_authentication_method_pkey do update set updated_at = now()`,
    [randomUUID(), sessionId, method],
  );
}

/** `Session.CalculateAALAndAMR`: the session's methods, most recent first, and the level they reach. */
export async function sessionAssurance(db: Db, sessionId: string): Promise<{ aal: 'aal1' | 'aal2'; amr: Json[] }> {
  const { rows } = await db.query<{ method: string; at: number }>(
    `select authentication_method as method, extract(epoch from updated_at)::bigint as at
       from auth.mfa_amr_claims where session_id = $1 order by updated_at desc`,
    [sessionId],
  );
  return {
    aal: rows.some((row) => AAL2_METHODS.has(row.method)) ? 'aal2' : 'aal1',
    amr: rows.map((row) => ({ method: row.method, timestamp: Number(row.at) })),
  };
}

/**
 * `GrantRefreshTokenSwap`: the session's current refresh token is revoked and a new one, its child,
 * takes over (after an MFA verification, so the client holds a token issued at the new level).
 */
export async function rotateRefreshToken(db: Db, req: ServiceRequest, user: LoadedUser, sessionId: string): Promise<string> {
  const { rows } = await db.query<{ token: string }>(
    `update auth.refresh_tokens set revoked = true, updated_at = now()
      where id = (select id from auth.refresh_tokens where session_id = $1 and revoked = false order by id desc limit 1)
      returning token`,
    [sessionId],
  );
  await audit(db, req, { id: user.row.id as string, email: user.row.email }, 'token_revoked');
  return insertRefreshToken(db, user.row.id as string, sessionId, rows[0]?.token ?? null);
}

export interface SessionResponseOptions {
  weakPassword?: { message: string; reasons: string[] };
}

/** Signs the access token and renders GoTrue's session JSON for a freshly loaded user. */
export async function sessionResponse(
  ctx: ServiceContext,
  db: Db,
  user: LoadedUser,
  session: SessionRow,
  refreshToken: string,
  options: SessionResponseOptions = {},
): Promise<Json> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = ctx.config.auth.jwtExpiry;
  const u = user.row;
  const { aal, amr } = await sessionAssurance(db, session.id);
  const accessToken = await signAccessToken(
    {
      iss: `${ctx.apiUrl}/auth/v1`,
      sub: String(u.id),
      aud: typeof u.aud === 'string' && u.aud ? u.aud : 'authenticated',
      exp: now + expiresIn,
      iat: now,
      email: u.email ?? '',
      phone: u.phone ?? '',
      app_metadata: u.raw_app_meta_data ?? {},
      user_metadata: u.raw_user_meta_data ?? {},
      role: typeof u.role === 'string' && u.role ? u.role : 'authenticated',
      aal,
      amr,
      session_id: session.id,
      is_anonymous: u.is_anonymous === true,
    },
    ctx.keys,
  );
  const body: Json = {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: expiresIn,
    expires_at: now + expiresIn,
    refresh_token: refreshToken,
    user: userJson(user),
  };
  if (options.weakPassword) body.weak_password = options.weakPassword;
  return body;
}

interface RefreshTokenRow {
  id: string;
  token: string;
  revoked: boolean;
  parent: string | null;
  session_id: string | null;
  user_id: string;
  updated_at: Date;
}

/**
 * `grant_type=refresh_token`. The token row and its session are locked, so concurrent refreshes of one
 * token serialise: the first rotates it, the others see it revoked as the parent of the active token and
 * get that active token back (GoTrue's "client did not save the result" case). Any other revoked token
 * is accepted within `refresh_token_reuse_interval` seconds of its revocation; after that it is reuse,
 * which revokes the whole session's family and answers `refresh_token_already_used`.
 */
export async function refreshSession(ctx: ServiceContext, db: Db, req: ServiceRequest, token: string): Promise<Json> {
  // Lock the session before its token, the order sign-out deletes them in, so the two cannot deadlock.
  const located = await db.query<{ session_id: string | null }>(
    `select session_id from auth.refresh_tokens where token = $1`,
    [token],
  );
  if (!located.rows[0]) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
  const sessions = await db.query<SessionRow>(
    `select id, user_id, created_at, not_after from auth.sessions where id = $1 for update`,
    [located.rows[0].session_id],
  );
  const found = await db.query<RefreshTokenRow>(
    `select id, token, revoked, parent, session_id, user_id, updated_at from auth.refresh_tokens where token = $1 for update`,
    [token],
  );
  const current = found.rows[0];
  if (!current) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
  const session = sessions.rows[0];
  if (!session || session.id !== current.session_id) {
    throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found');
  }
  if (session.not_after && new Date(session.not_after).getTime() < Date.now()) {
    throw badRequest('session_expired', 'Invalid Refresh Token: Session Expired');
  }
  const user = await loadUser(db, session.user_id);
  if (!user) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
  if (isBanned(user)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned');

  let issued: string | undefined;
  if (current.revoked) {
    const active = await db.query<{ token: string; parent: string | null }>(
      `select token, parent from auth.refresh_tokens where session_id = $1 and revoked = false order by id desc limit 1`,
      [session.id],
    );
    if (active.rows[0] && active.rows[0].parent === current.token) {
      issued = active.rows[0].token;
    } else {
      const reuseUntil = new Date(current.updated_at).getTime() + ctx.config.auth.refreshTokenReuseInterval * 1000;
      if (Date.now() > reuseUntil) {
        await db.query(
          `update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and revoked = false`,
          [session.id],
        );
        throw new CommitThenThrow(
          new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used').withCause(
            `possible abuse attempt: refresh token ${current.id} reused`,
          ),
        );
      }
    }
  }

  await audit(db, req, { id: user.row.id as string, email: user.row.email }, 'token_refreshed');
  if (!issued) {
    await audit(db, req, { id: user.row.id as string, email: user.row.email }, 'token_revoked');
    await db.query(`update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1`, [current.id]);
    issued = await insertRefreshToken(db, session.user_id, session.id, current.token);
  }
  await db.query(
    `update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now(), user_agent = $2, ip = $3 where id = $1`,
    [session.id, userAgent(req), clientIp(req)],
  );
  return sessionResponse(ctx, db, user, session, issued);
}

export type LogoutScope = 'global' | 'local' | 'others';

/** `models.Logout` / `LogoutSession` / `LogoutAllExceptMe`; refresh tokens go with their sessions. */
export async function endSessions(db: Db, userId: string, sessionId: string | undefined, scope: LogoutScope): Promise<void> {
  if (scope === 'local' && sessionId) {
    await db.query(`delete from auth.sessions where id = $1`, [sessionId]);
  } else if (scope === 'others' && sessionId) {
    await db.query(`delete from auth.sessions where user_id = $1 and id <> $2`, [userId, sessionId]);
  } else {
    // Sessions first (their refresh tokens cascade), then any token left without a session.
    await db.query(`delete from auth.sessions where user_id = $1`, [userId]);
    await db.query(`delete from auth.refresh_tokens where user_id = $1`, [userId]);
  }
}
