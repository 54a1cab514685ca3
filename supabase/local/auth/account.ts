/** The signed-in user's own endpoints: `GET|PUT /user`, `POST /logout` (`internal/api/{user,logout}.go`). */
import { json, type ServiceRequest } from '../core/service.ts';
import { transaction, type Db } from './db.ts';
import { AuthError, badRequest, EMAIL_EXISTS, forbidden, unprocessable } from './errors.ts';
import type { AuthEnv, Endpoint } from './env.ts';
import { requireUser, userClaims } from './guard.ts';
import { allowEmail, allowedRedirect, newOneTimeToken, tokenHash, withMail, type MailQueue } from './mail.ts';
import { createFlowState, pkceParams, withFlowPrefix, type Pkce } from './pkce.ts';
import { applyEmailChange, sendNotification } from './recovery.ts';
import { checkPasswordStrength, optionalObject, optionalString, rateLimitKey, readJson, validateEmail } from './request.ts';
import { endSessions, type LogoutScope } from './sessions.ts';
import {
  audit,
  findUserIdByEmail,
  hashPassword,
  loadUser,
  mergeMetadata,
  passwordMatches,
  userJson,
  type LoadedUser,
} from './users.ts';

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
 * GoTrue's `UpdatePassword` does) and, with `secure_password_change`, needs the nonce from
 * `/reauthenticate` unless the session is less than a day old; a new e-mail waits for its link(s).
 */
export const updateUser: Endpoint = async (env, req) => {
  const { ctx } = env;
  // GoTrue authenticates first, so only a signed-in user's requests count against the limit.
  await userClaims(ctx, req);
  env.limits.request('signInSignUps', rateLimitKey(req));
  const body = readJson(req);
  const password = optionalString(body, 'password');
  const nonce = optionalString(body, 'nonce');
  const rawEmail = optionalString(body, 'email');
  const data = optionalObject(body, 'data');
  if (optionalString(body, 'phone')) throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
  if (password) checkPasswordStrength(password, ctx.config.auth);
  const email = rawEmail ? validateEmail(rawEmail) : undefined;
  // GoTrue reads these without checking them and fails storing a bad pair (a 500); checked up front here.
  const pkce = pkceParams(body);
  const passwordHash = password ? await hashPassword(password) : undefined;

  return withMail(env, async (db, queue) => {
    const { user, sessionId } = await requireUser(ctx, db, req);
    const id = user.row.id as string;
    if (body.app_metadata !== undefined && body.app_metadata !== null) {
      throw forbidden('not_admin', 'Updating app_metadata requires admin privileges');
    }
    const changingEmail = email !== undefined && email !== user.row.email;
    if ((password || changingEmail) && (await needsAal2(db, id, sessionId))) {
      throw new AuthError(401, 'insufficient_aal', 'AAL2 session is required to update email or password when MFA is enabled.');
    }
    if (user.row.is_anonymous === true && password && !email) {
      throw unprocessable('validation_failed', 'Updating password of an anonymous user without an email or phone is not allowed');
    }
    if (changingEmail) {
      const owner = await findUserIdByEmail(db, email);
      if (owner && owner !== id) throw unprocessable('email_exists', EMAIL_EXISTS);
    }
    await db.query(`select 1 from auth.users where id = $1 for update`, [id]);

    if (password && passwordHash) {
      if (ctx.config.auth.email.securePasswordChange) await checkReauthentication(db, user, sessionId, nonce, ctx.config.auth.email.otpExpirySeconds);
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
      if (ctx.config.auth.email.notifications.password_changed && user.row.email) {
        await sendNotification(env, db, req, queue, { action: 'password_changed_notification', user: (await loadUser(db, id))! });
      }
    }
    if (data) {
      await db.query(`update auth.users set raw_user_meta_data = $2, updated_at = now() where id = $1`, [
        id,
        mergeMetadata(user.row.raw_user_meta_data, data),
      ]);
    }
    if (changingEmail && user.row.is_anonymous === true && !ctx.config.auth.enableConfirmations) {
      // An anonymous user adding an address without confirmations is like signing up: it applies at once.
      await db.query(`update auth.users set email_change = $2 where id = $1`, [id, email]);
      await applyEmailChange(env, db, req, queue, (await loadUser(db, id))!);
    } else if (changingEmail) {
      await sendEmailChange(env, db, req, queue, (await loadUser(db, id))!, email, pkce);
    }
    await audit(db, req, { id, email: user.row.email }, 'user_modified');
    return json(200, userJson((await loadUser(db, id))!));
  });
};

/** `HasMFAEnabled() && !session.IsAAL2()`: a verified factor, and this session has not used one. */
async function needsAal2(db: Db, userId: string, sessionId: string | undefined): Promise<boolean> {
  const { rows } = await db.query<{ needed: boolean }>(
    `select exists (select 1 from auth.mfa_factors where user_id = $1 and status = 'verified')
            and coalesce((select aal::text from auth.sessions where id = $2::uuid), '') <> 'aal2' as needed`,
    [userId, sessionId ?? null],
  );
  return rows[0]!.needed;
}

/**
 * GoTrue's `verifyReauthentication`: a session less than a day old may change the password as it is;
 * an older one (or none) must send the code `/reauthenticate` mailed, which is then used up.
 */
async function checkReauthentication(
  db: Db,
  user: LoadedUser,
  sessionId: string | undefined,
  nonce: string | undefined,
  expirySeconds: number,
): Promise<void> {
  const id = user.row.id as string;
  if (sessionId) {
    const { rows } = await db.query<{ recent: boolean }>(
      `select created_at > now() - interval '24 hours' as recent from auth.sessions where id = $1`,
      [sessionId],
    );
    if (rows[0]?.recent) return;
  }
  if (!nonce) throw badRequest('reauthentication_needed', 'Password update requires reauthentication');
  const email = typeof user.row.email === 'string' ? user.row.email : '';
  const { rows } = await db.query<{ valid: boolean }>(
    `select reauthentication_token <> '' and reauthentication_token = $2
            and reauthentication_sent_at + make_interval(secs => $3) > now() as valid
       from auth.users where id = $1`,
    [id, tokenHash(email, nonce), expirySeconds],
  );
  if (!rows[0]?.valid) throw unprocessable('reauthentication_not_valid', 'Nonce has expired or is invalid');
  await db.query(`update auth.users set reauthentication_token = '', reauthentication_sent_at = null where id = $1`, [id]);
}

/**
 * GoTrue's `sendEmailChange`: a code and link for the new address and, with `double_confirm_changes`,
 * one for the current address too; both must be used before the address changes.
 */
export async function sendEmailChange(
  env: AuthEnv,
  db: Db,
  req: ServiceRequest,
  queue: MailQueue,
  user: LoadedUser,
  newEmail: string,
  pkce?: Pkce,
): Promise<void> {
  const id = user.row.id as string;
  const current = typeof user.row.email === 'string' ? user.row.email : '';
  const sentAt = user.row.email_change_sent_at;
  allowEmail(env, typeof sentAt === 'string' ? new Date(sentAt) : null);
  const { otpLength } = env.ctx.config.auth.email;
  const tokenNew = newOneTimeToken(newEmail, otpLength);
  const tokenCurrent = env.ctx.config.auth.email.doubleConfirmChanges && current ? newOneTimeToken(current, otpLength) : undefined;
  if (pkce) await createFlowState(db, id, 'email_change', 'email_change', pkce);
  await db.query(
    `update auth.users
        set email_change = $2, email_change_token_new = $3, email_change_token_current = $4,
            email_change_sent_at = now(), email_change_confirm_status = 0, updated_at = now()
      where id = $1`,
    [id, newEmail, withFlowPrefix(tokenNew.tokenHash, pkce), tokenCurrent ? withFlowPrefix(tokenCurrent.tokenHash, pkce) : ''],
  );
  await env.mailer.send(db, req, queue, {
    action: 'email_change',
    user: (await loadUser(db, id))!,
    otp: tokenCurrent?.otp ?? '',
    otpNew: tokenNew.otp,
    redirectTo: allowedRedirect(env.ctx, req.query.get('redirect_to')),
  });
}

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
