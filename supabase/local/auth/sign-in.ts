/** `POST /signup` and `POST /token` (`internal/api/{signup,token}.go`). */
import { randomUUID } from 'node:crypto';
import { json, type ServiceRequest } from '../core/service.ts';
import { databaseError, isUniqueViolation, transaction, type Db } from './db.ts';
import { badRequest, INVALID_LOGIN, OAuthError, unprocessable } from './errors.ts';
import type { AuthEnv, Endpoint } from './env.ts';
import { allowEmail, allowedRedirect, newOneTimeToken, sendMail } from './mail.ts';
import {
  checkPasswordStrength,
  optionalObject,
  optionalString,
  passwordWeakness,
  rateLimitKey,
  readJson,
  validateEmail,
  type Json,
} from './request.ts';
import { refreshSession, sessionResponse, startSession } from './sessions.ts';
import {
  audit,
  findUserIdByEmail,
  hashPassword,
  insertUser,
  isBanned,
  isConfirmed,
  loadUser,
  passwordMatches,
  userJson,
} from './users.ts';

const userAlreadyExists = () => unprocessable('user_already_exists', 'User already registered');

export const signup: Endpoint = async (env, req) => {
  const { ctx } = env;
  const settings = ctx.config.auth;
  const body = readJson(req);
  env.limits.request('signInSignUps', rateLimitKey(req));
  if (!settings.enableSignup) throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
  const rawEmail = optionalString(body, 'email');
  const phone = optionalString(body, 'phone');
  const password = optionalString(body, 'password') ?? '';
  if (password === '') throw badRequest('validation_failed', 'Signup requires a valid password');
  checkPasswordStrength(password, settings);
  if (rawEmail && phone) {
    throw badRequest('validation_failed', 'Only an email address or phone number should be provided on signup.');
  }
  if (!rawEmail && phone) throw badRequest('phone_provider_disabled', 'Phone signups are disabled');
  if (!rawEmail) throw badRequest('validation_failed', 'To signup, please provide your email');
  const email = validateEmail(rawEmail);
  const data = optionalObject(body, 'data') ?? {};
  const autoconfirm = !settings.enableConfirmations;
  const passwordHash = await hashPassword(password);

  try {
    return await transaction(ctx.pools.auth, async (db) => {
      const existingId = await findUserIdByEmail(db, email);
      if (existingId) {
        if (autoconfirm) throw userAlreadyExists();
        await resendConfirmation(env, db, req, existingId, email);
        // With confirmations on, GoTrue answers as if signing up, so addresses cannot be enumerated.
        return json(200, obfuscatedUser(email, data));
      }
      const mail = autoconfirm ? undefined : newOneTimeToken(email);
      if (mail) allowEmail(env, null);
      const id = await insertUser(db, {
        email,
        passwordHash,
        userMetadata: data,
        confirmed: autoconfirm,
        confirmationToken: mail?.tokenHash,
      });
      const actor = { id, email };
      if (!autoconfirm) {
        await audit(db, req, actor, 'user_confirmation_requested', { provider: 'email' });
        sendMail(ctx, 'signup', email, mail!, allowedRedirect(ctx, req.query.get('redirect_to')));
        return json(200, userJson((await loadUser(db, id))!));
      }
      await audit(db, req, actor, 'user_signedup', { provider: 'email' });
      await audit(db, req, actor, 'login', { provider: 'email' });
      const { session, refreshToken } = await startSession(db, req, id);
      return json(200, await sessionResponse(ctx, (await loadUser(db, id))!, session, refreshToken));
    });
  } catch (error) {
    // Two sign-ups for one address racing: the unique index decides, as it does for GoTrue.
    if (isUniqueViolation(error)) throw userAlreadyExists();
    throw databaseError('Database error saving new user', error);
  }
};

/** Signing up again before confirming sends a new link, within the e-mail limits (GoTrue's `sendConfirmation`). */
async function resendConfirmation(env: AuthEnv, db: Db, req: ServiceRequest, id: string, email: string) {
  const { rows } = await db.query<{ confirmed: boolean; sent_at: Date | null }>(
    `select email_confirmed_at is not null as confirmed, confirmation_sent_at as sent_at from auth.users where id = $1 for update`,
    [id],
  );
  if (!rows[0] || rows[0].confirmed) return;
  allowEmail(env, rows[0].sent_at);
  const mail = newOneTimeToken(email);
  await db.query(`update auth.users set confirmation_token = $2, confirmation_sent_at = now() where id = $1`, [id, mail.tokenHash]);
  await audit(db, req, { id, email }, 'user_confirmation_requested', { provider: 'email' });
  sendMail(env.ctx, 'signup', email, mail, allowedRedirect(env.ctx, req.query.get('redirect_to')));
}

function obfuscatedUser(email: string, data: Json): Json {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    aud: 'authenticated',
    role: 'authenticated',
    email,
    phone: '',
    confirmation_sent_at: now,
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: data,
    identities: [],
    created_at: now,
    updated_at: now,
    is_anonymous: false,
  };
}

export const token: Endpoint = async (env, req) => {
  const grantType = req.query.get('grant_type') ?? '';
  if (grantType !== 'password' && grantType !== 'refresh_token') {
    throw badRequest('invalid_credentials', 'unsupported_grant_type');
  }
  // Every grant counts, as in GoTrue: sign-ins and refreshes share the client's `token_refresh` allowance.
  env.limits.request('tokenRefresh', rateLimitKey(req));
  if (grantType === 'password') return passwordGrant(env, req);
  const refreshToken = optionalString(readJson(req), 'refresh_token');
  if (!refreshToken) throw new OAuthError('invalid_request', 'refresh_token required');
  const body = await transaction(env.ctx.pools.auth, (db) => refreshSession(env.ctx, db, req, refreshToken));
  return json(200, body);
};

async function passwordGrant({ ctx, limits }: AuthEnv, req: ServiceRequest) {
  const body = readJson(req);
  const email = optionalString(body, 'email');
  const phone = optionalString(body, 'phone');
  const password = optionalString(body, 'password') ?? '';
  if (email && phone) {
    throw badRequest('validation_failed', 'Only an email address or phone number should be provided on login.');
  }
  if (!email && phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  if (!email) throw badRequest('validation_failed', 'missing email or phone');
  const ip = rateLimitKey(req);
  limits.signInFailures.check(ip, email);

  const pool = ctx.pools.auth;
  const { rows } = await pool.query<{ id: string; encrypted_password: string | null }>(
    `select id, encrypted_password from auth.users
      where lower(email) = lower($1) and is_sso_user = false and deleted_at is null
      order by created_at limit 1`,
    [email],
  );
  const found = rows[0];
  if (!found || !(await passwordMatches(password, found.encrypted_password))) {
    limits.signInFailures.recordFailure(ip, email);
    throw badRequest('invalid_credentials', INVALID_LOGIN);
  }

  return transaction(pool, async (db) => {
    const user = await loadUser(db, found.id);
    if (!user) throw badRequest('invalid_credentials', INVALID_LOGIN);
    if (isBanned(user)) throw badRequest('user_banned', 'User is banned');
    if (!isConfirmed(user)) throw badRequest('email_not_confirmed', 'Email not confirmed');
    await audit(db, req, { id: found.id, email: user.row.email }, 'login', { provider: 'email' });
    const { session, refreshToken } = await startSession(db, req, found.id);
    const signedIn = (await loadUser(db, found.id))!;
    const weakness = passwordWeakness(password, ctx.config.auth);
    return json(200, await sessionResponse(ctx, signedIn, session, refreshToken, { weakPassword: weakness }));
  });
}
