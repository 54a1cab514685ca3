/** `POST /signup` and `POST /token` (`internal/api/{signup,token}.go`). */
import { randomUUID } from 'node:crypto';
import { json, type ServiceRequest } from '../core/service.ts';
import { CommitThenThrow, databaseError, isUniqueViolation, NIL_UUID, transaction, type Db } from './db.ts';
import { AuthError, badRequest, INVALID_LOGIN, OAuthError, unprocessable } from './errors.ts';
import type { AuthEnv, Endpoint } from './env.ts';
import { idTokenGrant, web3Grant } from './disabled.ts';
import { allowEmail, allowedRedirect, newOneTimeToken, withMail, type MailQueue } from './mail.ts';
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
import { createFlowState, pkceGrant, pkceParams, withFlowPrefix, type Pkce } from './pkce.ts';
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
  type LoadedUser,
} from './users.ts';

const userAlreadyExists = () => unprocessable('user_already_exists', 'User already registered');

export const signup: Endpoint = async (env, req) => {
  const { ctx } = env;
  const settings = ctx.config.auth;
  const body = readJson(req);
  // Neither an e-mail address nor a phone number: GoTrue's anonymous sign-in, with its own limit.
  if (!optionalString(body, 'email') && !optionalString(body, 'phone')) {
    if (!settings.enableAnonymousSignIns) throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
    env.limits.request('anonymousSignIns', rateLimitKey(req));
    if (!settings.enableSignup) throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
    return json(200, await signUpAnonymously(env, req, optionalObject(body, 'data') ?? {}));
  }
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
  // Phone sign-ups answer with the session itself, so a code challenge has nothing to protect there.
  if (phone && optionalString(body, 'code_challenge')) throw badRequest('validation_failed', 'PKCE not supported for phone signups');
  const pkce = pkceParams(body);
  if (!rawEmail && phone) throw badRequest('phone_provider_disabled', 'Phone signups are disabled');
  if (!rawEmail) throw badRequest('validation_failed', 'To signup, please provide your email');
  const email = validateEmail(rawEmail);
  const data = optionalObject(body, 'data') ?? {};
  return json(200, await signUpUser(env, req, { email, password, data, pkce }));
};

/**
 * GoTrue's `Signup` for an e-mail address, also behind `POST /otp` for a new address. The password is
 * hashed whether or not the address is taken, so the answer takes as long either way; the mail goes out
 * after the answer (see AuthMailer.deliver), so its delivery cannot be timed either.
 */
export async function signUpUser(
  env: AuthEnv,
  req: ServiceRequest,
  input: { email: string; password: string; data: Json; pkce?: Pkce },
): Promise<Json> {
  const { ctx } = env;
  const { email, data } = input;
  const autoconfirm = !ctx.config.auth.enableConfirmations;
  const passwordHash = await hashPassword(input.password);

  try {
    return await withMail(env, async (db, queue) => {
      const existingId = await findUserIdByEmail(db, email);
      if (existingId) {
        const existing = await loadUser(db, existingId, { lock: true });
        const confirmed = existing !== undefined && isConfirmed(existing);
        if (autoconfirm || confirmed) {
          await audit(db, req, { id: existingId, email }, 'user_repeated_signup', { provider: 'email' });
          // GoTrue records the attempt even when it answers with an error. (For an address left
          // unconfirmed, GoTrue would confirm it and sign the caller in without its password; refused.)
          if (autoconfirm) throw new CommitThenThrow(userAlreadyExists());
          // With confirmations on, GoTrue answers as if signing up, so addresses cannot be enumerated.
          return obfuscatedUser(existing!, data);
        }
        // Not confirmed yet: a new link, within the e-mail limits (GoTrue's `sendConfirmation`).
        await audit(db, req, { id: existingId, email }, 'user_confirmation_requested', { provider: 'email' });
        await sendConfirmation(env, db, req, queue, existingId, input.pkce);
        return userJson((await loadUser(db, existingId))!);
      }
      const id = await insertUser(db, { email, passwordHash, userMetadata: data, confirmed: autoconfirm });
      const actor = { id, email };
      if (!autoconfirm) {
        await audit(db, req, actor, 'user_confirmation_requested', { provider: 'email' });
        await sendConfirmation(env, db, req, queue, id, input.pkce);
        return userJson((await loadUser(db, id))!);
      }
      await audit(db, req, actor, 'user_signedup', { provider: 'email' });
      await audit(db, req, actor, 'login', { provider: 'email' });
      const { session, refreshToken } = await startSession(db, req, id);
      return sessionResponse(ctx, db, (await loadUser(db, id))!, session, refreshToken);
    });
  } catch (error) {
    // Two sign-ups for one address racing: the unique index decides, as it does for GoTrue.
    if (isUniqueViolation(error)) throw userAlreadyExists();
    throw databaseError('Database error saving new user', error);
  }
}

/**
 * `SignupAnonymously`: a user with no e-mail, phone, password or identity, `is_anonymous`, signed in
 * at once (`amr` method `anonymous`). It becomes permanent when it adds an e-mail address (PUT /user).
 */
async function signUpAnonymously(env: AuthEnv, req: ServiceRequest, data: Json): Promise<Json> {
  const { ctx } = env;
  try {
    return await transaction(ctx.pools.auth, async (db) => {
      const id = randomUUID();
      await db.query(
        `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, confirmation_token, recovery_token,
           email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
           is_sso_user, is_anonymous)
         values ($1, $2, 'authenticated', 'authenticated', null, '', '', '', '', '', '{}', $3, now(), now(), false, true)`,
        [NIL_UUID, id, data],
      );
      await audit(db, req, { id }, 'login');
      const { session, refreshToken } = await startSession(db, req, id, 'anonymous');
      return sessionResponse(ctx, db, (await loadUser(db, id))!, session, refreshToken);
    });
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw databaseError('Database error creating anonymous user', error);
  }
}

/**
 * GoTrue's `sendConfirmation`: a new code and link unless one went out within `max_frequency`; with a
 * code challenge, a flow state for the link to hand its auth code out of (`providerType` is what
 * GoTrue records there: `email` from a sign-up, `email/signup` from a resend).
 */
export async function sendConfirmation(
  env: AuthEnv,
  db: Db,
  req: ServiceRequest,
  queue: MailQueue,
  id: string,
  pkce?: Pkce,
  providerType = 'email',
): Promise<void> {
  const { rows } = await db.query<{ email: string; sent_at: Date | null }>(
    `select email, confirmation_sent_at as sent_at from auth.users where id = $1 for update`,
    [id],
  );
  const row = rows[0]!;
  allowEmail(env, row.sent_at);
  if (pkce) await createFlowState(db, id, providerType, 'email/signup', pkce);
  const token = newOneTimeToken(row.email, env.ctx.config.auth.email.otpLength);
  await db.query(`update auth.users set confirmation_token = $2, confirmation_sent_at = now() where id = $1`, [
    id,
    withFlowPrefix(token.tokenHash, pkce),
  ]);
  await env.mailer.send(db, req, queue, {
    action: 'signup',
    user: (await loadUser(db, id))!,
    otp: token.otp,
    redirectTo: allowedRedirect(env.ctx, req.query.get('redirect_to')),
  });
}

/** GoTrue's `sanitizeUser`: the existing user's record with everything that identifies it replaced. */
function obfuscatedUser(existing: LoadedUser, data: Json): Json {
  const now = new Date().toISOString();
  return userJson({
    row: {
      ...existing.row,
      id: randomUUID(),
      aud: 'authenticated',
      role: '',
      email_change: '',
      phone: '',
      created_at: now,
      updated_at: now,
      confirmation_sent_at: now,
      last_sign_in_at: null,
      confirmed_at: null,
      email_change_sent_at: null,
      email_confirmed_at: null,
      phone_confirmed_at: null,
      raw_user_meta_data: data,
      raw_app_meta_data: { provider: 'email', providers: ['email'] },
    },
    identities: [],
  });
}

export const token: Endpoint = async (env, req) => {
  const grantType = req.query.get('grant_type') ?? '';
  if (!['password', 'refresh_token', 'id_token', 'pkce', 'web3'].includes(grantType)) {
    throw badRequest('invalid_credentials', 'unsupported_grant_type');
  }
  // Web3 has its own limit (`[auth.rate_limit] web3`), not kept here since the grant is always refused.
  if (grantType === 'web3') return web3Grant(env, req);
  // Every other grant counts, as in GoTrue: sign-ins and refreshes share the client's `token_refresh` allowance.
  env.limits.request('tokenRefresh', rateLimitKey(req));
  if (grantType === 'password') return passwordGrant(env, req);
  if (grantType === 'id_token') return idTokenGrant(env, req);
  if (grantType === 'pkce') return pkceGrant(env, req);
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
    return json(200, await sessionResponse(ctx, db, signedIn, session, refreshToken, { weakPassword: weakness }));
  });
}
