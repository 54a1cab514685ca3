/** The signed-in user's own endpoints: `GET|PUT /user`, `POST /logout` (`internal/api/{user,logout}.go`). */
import { json } from '../core/service.ts';
import { transaction } from './db.ts';
import { badRequest, EMAIL_EXISTS, forbidden, unprocessable } from './errors.ts';
import type { Endpoint } from './env.ts';
import { requireUser, userClaims } from './guard.ts';
import { allowEmail, allowedRedirect, newOneTimeToken, sendMail } from './mail.ts';
import { checkPasswordStrength, optionalObject, optionalString, rateLimitKey, readJson, validateEmail } from './request.ts';
import { endSessions, type LogoutScope } from './sessions.ts';
import { audit, findUserIdByEmail, hashPassword, loadUser, mergeMetadata, passwordMatches, userJson } from './users.ts';

export const getUser: Endpoint = async ({ ctx }, req) => {
  const db = await ctx.pools.auth.connect();
  try {
    const { user } = await requireUser(ctx, db, req);
    return json(200, userJson(user));
  } finally {
    db.release();
  }
};

/**
 * `PUT /user`: `data` merges into user_metadata; a new password signs out the user's other sessions (as
 * GoTrue's `UpdatePassword` does); a new e-mail waits for confirmation through the link that is logged.
 */
export const updateUser: Endpoint = async (env, req) => {
  const { ctx } = env;
  // GoTrue authenticates first, so only a signed-in user's requests count against the limit.
  await userClaims(ctx, req);
  env.limits.request('signInSignUps', rateLimitKey(req));
  const body = readJson(req);
  const password = optionalString(body, 'password');
  const rawEmail = optionalString(body, 'email');
  const data = optionalObject(body, 'data');
  if (optionalString(body, 'phone')) throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
  if (password) checkPasswordStrength(password, ctx.config.auth);
  const email = rawEmail ? validateEmail(rawEmail) : undefined;
  const passwordHash = password ? await hashPassword(password) : undefined;

  return transaction(ctx.pools.auth, async (db) => {
    const { user, sessionId } = await requireUser(ctx, db, req);
    const id = user.row.id as string;
    if (body.app_metadata !== undefined && body.app_metadata !== null) {
      throw forbidden('not_admin', 'Updating app_metadata requires admin privileges');
    }
    const changingEmail = email !== undefined && email !== user.row.email;
    if (changingEmail) {
      const owner = await findUserIdByEmail(db, email);
      if (owner && owner !== id) throw unprocessable('email_exists', EMAIL_EXISTS);
    }
    await db.query(`select 1 from auth.users where id = $1 for update`, [id]);

    if (password && passwordHash) {
      if (await passwordMatches(password, user.row.encrypted_password)) {
        throw unprocessable('same_password', 'New password should be different from the old password.');
      }
      await db.query(
        `update auth.users
            set encrypted_password = $2, confirmation_token = '', confirmation_sent_at = null,
                recovery_token = '', recovery_sent_at = null, email_change_token_current = '',
                email_change_token_new = '', email_change_sent_at = null, reauthentication_token = '',
                reauthentication_sent_at = null, updated_at = now()
          where id = $1`,
        [id, passwordHash],
      );
      await endSessions(db, id, sessionId, sessionId ? 'others' : 'global');
      await audit(db, req, { id, email: user.row.email }, 'user_updated_password');
    }
    if (data) {
      await db.query(`update auth.users set raw_user_meta_data = $2, updated_at = now() where id = $1`, [
        id,
        mergeMetadata(user.row.raw_user_meta_data, data),
      ]);
    }
    if (changingEmail) {
      const sentAt = user.row.email_change_sent_at;
      allowEmail(env, typeof sentAt === 'string' ? new Date(sentAt) : null);
      const token = newOneTimeToken(email);
      await db.query(
        `update auth.users
            set email_change = $2, email_change_token_new = $3, email_change_sent_at = now(),
                email_change_confirm_status = 0, updated_at = now()
          where id = $1`,
        [id, email, token.tokenHash],
      );
      sendMail(ctx, 'email_change', email, token, allowedRedirect(ctx, req.query.get('redirect_to')));
    }
    await audit(db, req, { id, email: user.row.email }, 'user_modified');
    return json(200, userJson((await loadUser(db, id))!));
  });
};

const SCOPES: readonly LogoutScope[] = ['global', 'local', 'others'];

export const logout: Endpoint = async ({ ctx }, req) => {
  const scope = (req.query.get('scope') || 'global') as LogoutScope;
  if (!SCOPES.includes(scope)) throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`);
  return transaction(ctx.pools.auth, async (db) => {
    const { user, sessionId } = await requireUser(ctx, db, req);
    await audit(db, req, { id: user.row.id as string, email: user.row.email }, 'logout');
    await endSessions(db, user.row.id as string, sessionId, scope);
    return { status: 204 };
  });
};
