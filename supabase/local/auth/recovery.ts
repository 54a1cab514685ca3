/**
 * `POST /recover` and `GET|POST /verify` (`internal/api/{recover,verify}.go`), implicit flow: the logged
 * link verifies the token and redirects with the session in the URL fragment, which supabase-js picks up
 * (`detectSessionInUrl`) as a PASSWORD_RECOVERY sign-in.
 */
import { json, type ServiceRequest, type ServiceResponse } from '../core/service.ts';
import { transaction, type Db } from './db.ts';
import { AuthError, badRequest } from './errors.ts';
import type { AuthEnv, Endpoint } from './env.ts';
import { allowEmail, allowedRedirect, newOneTimeToken, OTP_EXPIRY_SECONDS, sendMail, tokenHash } from './mail.ts';
import { optionalString, rateLimitKey, readJson, validateEmail, type Json } from './request.ts';
import { sessionResponse, startSession } from './sessions.ts';
import { audit, confirmEmail, findUserIdByEmail, loadUser } from './users.ts';

/** Always `{}`: whether the address has an account is not the caller's business. */
export const recover: Endpoint = async (env, req) => {
  const { ctx } = env;
  env.limits.request('signInSignUps', rateLimitKey(req));
  const email = validateEmail(optionalString(readJson(req), 'email'));
  await transaction(ctx.pools.auth, async (db) => {
    const id = await findUserIdByEmail(db, email);
    if (!id) return;
    const { rows } = await db.query<{ sent_at: Date | null }>(
      `select recovery_sent_at as sent_at from auth.users where id = $1 for update`,
      [id],
    );
    allowEmail(env, rows[0]?.sent_at);
    const token = newOneTimeToken(email);
    await db.query(`update auth.users set recovery_token = $2, recovery_sent_at = now() where id = $1`, [
      id,
      token.tokenHash,
    ]);
    await audit(db, req, { id, email }, 'user_recovery_requested');
    sendMail(ctx, 'recovery', email, token, allowedRedirect(ctx, req.query.get('redirect_to')));
  });
  return json(200, {});
};

type VerifyType = 'signup' | 'invite' | 'magiclink' | 'email' | 'recovery' | 'email_change';

/**
 * Which hashed-token column each verification type checks, and when it was sent. A Map, not an object
 * literal: `type` comes from the client, and `__proto__` or `constructor` must not find anything.
 */
const TOKEN_COLUMNS = new Map<VerifyType, { token: string; sentAt: string }>([
  ['signup', { token: 'confirmation_token', sentAt: 'confirmation_sent_at' }],
  ['invite', { token: 'confirmation_token', sentAt: 'confirmation_sent_at' }],
  ['email', { token: 'confirmation_token', sentAt: 'confirmation_sent_at' }],
  ['magiclink', { token: 'recovery_token', sentAt: 'recovery_sent_at' }],
  ['recovery', { token: 'recovery_token', sentAt: 'recovery_sent_at' }],
  ['email_change', { token: 'email_change_token_new', sentAt: 'email_change_sent_at' }],
]);

const expired = () => new AuthError(403, 'otp_expired', 'Email link is invalid or has expired');

/** Finds the user the token belongs to, consumes the token and opens a session. */
async function verifyToken(env: AuthEnv, req: ServiceRequest, type: VerifyType, hash: string): Promise<Json> {
  const { ctx } = env;
  const columns = TOKEN_COLUMNS.get(type)!;
  return transaction(ctx.pools.auth, async (db: Db) => {
    const { rows } = await db.query<{ id: string; email: string | null; email_change: string | null; fresh: boolean }>(
      `select id, email, email_change, ${columns.sentAt} + make_interval(secs => $2) > now() as fresh
         from auth.users where ${columns.token} = $1 and ${columns.token} <> '' for update`,
      [hash, OTP_EXPIRY_SECONDS],
    );
    const found = rows[0];
    if (!found || !found.fresh) throw expired();
    await db.query(`update auth.users set ${columns.token} = '' where id = $1`, [found.id]);
    if (type === 'email_change' && found.email_change) {
      await db.query(
        `update auth.users
            set email = email_change, email_change = '', email_change_token_current = '', email_change_confirm_status = 0,
                raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || jsonb_build_object('email', email_change),
                updated_at = now()
          where id = $1`,
        [found.id],
      );
      await db.query(
        `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text), updated_at = now()
          where user_id = $1 and provider = 'email'`,
        [found.id, found.email_change],
      );
    }
    await confirmEmail(db, found.id);
    await audit(db, req, { id: found.id, email: found.email }, type === 'recovery' ? 'login' : 'user_signedup');
    const { session, refreshToken } = await startSession(db, req, found.id);
    const user = (await loadUser(db, found.id))!;
    return sessionResponse(ctx, user, session, refreshToken, { method: type === 'recovery' ? 'recovery' : 'otp' });
  });
}

function verifyType(value: string | undefined): VerifyType {
  if (!value) throw badRequest('validation_failed', 'Verify requires a verification type');
  if (!TOKEN_COLUMNS.has(value as VerifyType)) throw badRequest('validation_failed', 'Invalid email verification type');
  return value as VerifyType;
}

/** `verifyOtp`: `{type, token_hash}` or `{type, email, token}`; answers with a session. */
export const verifyPost: Endpoint = async (env, req) => {
  env.limits.request('tokenVerifications', rateLimitKey(req));
  const body = readJson(req);
  const type = verifyType(optionalString(body, 'type'));
  const hashed = optionalString(body, 'token_hash');
  const otp = optionalString(body, 'token');
  const email = optionalString(body, 'email');
  let hash: string;
  if (hashed) hash = hashed;
  else if (otp && email) hash = tokenHash(validateEmail(email), otp);
  else throw badRequest('validation_failed', 'Verify requires either a token or a token hash');
  return json(200, await verifyToken(env, req, type, hash));
};

/** The e-mail link: redirects to `redirect_to` with the session (or the error) in the fragment. */
export const verifyGet: Endpoint = async (env, req): Promise<ServiceResponse> => {
  env.limits.request('tokenVerifications', rateLimitKey(req));
  const redirect = allowedRedirect(env.ctx, req.query.get('redirect_to'));
  const type = verifyType(req.query.get('type') ?? undefined);
  const fragment = new URLSearchParams();
  try {
    const session = await verifyToken(env, req, type, req.query.get('token') ?? '');
    for (const key of ['access_token', 'expires_at', 'expires_in', 'refresh_token', 'token_type']) {
      fragment.set(key, String(session[key]));
    }
    fragment.set('type', type === 'email' ? 'signup' : type);
  } catch (error) {
    if (!(error instanceof AuthError) || error.status >= 500) throw error;
    fragment.set('error', 'access_denied');
    fragment.set('error_code', error.code);
    fragment.set('error_description', error.message);
  }
  return { status: 303, headers: { location: `${redirect}#${fragment.toString()}` } };
};
