/**
 * `POST /otp` (magic link and e-mail code), `POST /resend` and `GET /reauthenticate`
 * (`internal/api/{otp,magic_link,resend,reauthenticate}.go`).
 */
import { randomBytes } from 'node:crypto';
import { json } from '../core/service.ts';
import { transaction } from './db.ts';
import { AuthError, badRequest, unprocessable } from './errors.ts';
import type { Endpoint } from './env.ts';
import { requireUser, userClaims } from './guard.ts';
import { allowEmail, allowedRedirect, newOneTimeToken, withMail } from './mail.ts';
import { pkceParams } from './pkce.ts';
import { sendRecoveryToken } from './recovery.ts';
import { optionalObject, optionalString, rateLimitKey, readJson, validateEmail } from './request.ts';
import { sendConfirmation, signUpUser } from './sign-in.ts';
import { sendEmailChange } from './account.ts';
import { audit, findUserIdByEmail, isConfirmed, loadUser } from './users.ts';

/**
 * `signInWithOtp({email})`: a sign-in link and code for a confirmed user; for an address without a
 * confirmed account (and `create_user`, the default), a sign-up with a random password, whose
 * confirmation mail is the sign-in link — or, with confirmations off, the magic link right away.
 */
export const otp: Endpoint = async (env, req) => {
  const { ctx } = env;
  env.limits.request('signInSignUps', rateLimitKey(req));
  const body = readJson(req);
  const rawEmail = optionalString(body, 'email');
  const phone = optionalString(body, 'phone');
  if (rawEmail && phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided');
  if (rawEmail && optionalString(body, 'channel')) throw badRequest('validation_failed', 'Channel should only be specified with Phone OTP');
  const pkce = pkceParams(body);
  if (!rawEmail && phone) throw badRequest('phone_provider_disabled', 'Unsupported phone provider');
  if (!rawEmail) throw badRequest('validation_failed', 'One of email or phone must be set');
  if (body.create_user !== undefined && typeof body.create_user !== 'boolean') {
    throw badRequest('validation_failed', 'create_user must be a boolean');
  }
  const createUser = body.create_user !== false;
  const email = validateEmail(rawEmail);
  const data = optionalObject(body, 'data') ?? {};

  const existing = await transaction(ctx.pools.auth, async (db) => {
    const id = await findUserIdByEmail(db, email);
    return id ? loadUser(db, id) : undefined;
  });
  if (!existing && (!createUser || !ctx.config.auth.enableSignup)) {
    throw unprocessable('otp_disabled', 'Signups not allowed for otp');
  }
  if (!existing || !isConfirmed(existing)) {
    const password = randomBytes(33).toString('base64url');
    await signUpUser(env, req, { email, password, data, pkce });
    // With confirmations on, the confirmation mail already signs the user in.
    if (ctx.config.auth.enableConfirmations) return json(200, {});
  }
  await withMail(env, async (db, queue) => {
    const id = (await findUserIdByEmail(db, email))!;
    await audit(db, req, { id, email }, 'user_recovery_requested');
    await sendRecoveryToken(env, db, req, queue, id, 'magiclink', pkce);
  });
  return json(200, {});
};

/** `auth.resend({type: 'signup' | 'email_change', email})`: `{}` whether or not there was anything to send. */
export const resend: Endpoint = async (env, req) => {
  env.limits.request('signInSignUps', rateLimitKey(req));
  const body = readJson(req);
  const type = optionalString(body, 'type');
  if (type !== 'signup' && type !== 'email_change' && type !== 'sms' && type !== 'phone_change') {
    throw badRequest('validation_failed', 'Missing one of these types: signup, email_change, sms, phone_change');
  }
  const rawEmail = optionalString(body, 'email');
  const phone = optionalString(body, 'phone');
  if (type === 'signup' && !rawEmail) throw badRequest('validation_failed', 'Type provided requires an email address');
  if (type === 'sms' && !phone) throw badRequest('validation_failed', 'Type provided requires a phone number');
  if (rawEmail && phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided.');
  if (phone) throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
  if (!rawEmail) throw badRequest('validation_failed', 'Missing email address or phone number');
  const pkce = pkceParams(body);
  const email = validateEmail(rawEmail);

  await withMail(env, async (db, queue) => {
    const id = await findUserIdByEmail(db, email);
    if (!id) return;
    const user = (await loadUser(db, id, { lock: true }))!;
    if (type === 'signup') {
      if (isConfirmed(user)) return;
      await audit(db, req, { id, email }, 'user_confirmation_requested');
      await sendConfirmation(env, db, req, queue, id, pkce, 'email/signup');
    } else {
      const newEmail = user.row.email_change;
      if (typeof newEmail !== 'string' || newEmail === '') return;
      await sendEmailChange(env, db, req, queue, user, newEmail, pkce);
    }
  });
  return json(200, {});
};

/** `auth.reauthenticate()`: a code to the signed-in user's address, the nonce for a password change. */
export const reauthenticate: Endpoint = async (env, req) => {
  await userClaims(env.ctx, req);
  await withMail(env, async (db, queue) => {
    const { user } = await requireUser(env.ctx, db, req);
    const id = user.row.id as string;
    const email = typeof user.row.email === 'string' ? user.row.email : '';
    const phone = typeof user.row.phone === 'string' ? user.row.phone : '';
    if (!email && !phone) throw badRequest('validation_failed', 'Reauthentication requires the user to have an email or a phone number');
    if (!email) {
      if (!user.row.phone_confirmed_at) throw unprocessable('phone_not_confirmed', 'Please verify your phone first.');
      // GoTrue would text the code; without an SMS provider it cannot.
      throw new AuthError(500, 'unexpected_failure', 'Unable to get SMS provider').withCause(
        'reauthentication by phone needs an SMS provider, which the local stack does not have',
      );
    }
    if (!isConfirmed(user)) throw unprocessable('email_not_confirmed', 'Please verify your email first.');
    await audit(db, req, { id, email }, 'user_reauthenticate_requested');
    const { rows } = await db.query<{ sent_at: Date | null }>(
      `select reauthentication_sent_at as sent_at from auth.users where id = $1 for update`,
      [id],
    );
    allowEmail(env, rows[0]?.sent_at);
    const token = newOneTimeToken(email, env.ctx.config.auth.email.otpLength);
    await db.query(`update auth.users set reauthentication_token = $2, reauthentication_sent_at = now() where id = $1`, [
      id,
      token.tokenHash,
    ]);
    await env.mailer.send(db, req, queue, {
      action: 'reauthentication',
      user: (await loadUser(db, id))!,
      otp: token.otp,
      redirectTo: allowedRedirect(env.ctx, req.query.get('redirect_to')),
    });
  });
  return json(200, {});
};
