/**
 * `POST /invite` and `POST /admin/generate_link` for the service role (`internal/api/{invite,mail}.go`).
 * An invite mails a link that confirms the address and signs the new user in; generate_link makes the
 * link of any kind without mailing it, for a project that sends its own mail.
 */
import { randomBytes } from 'node:crypto';
import { json, type ServiceRequest, type ServiceResponse } from '../core/service.ts';
import { databaseError, isUniqueViolation, type Db } from './db.ts';
import { badRequest, EMAIL_EXISTS, notFound, unprocessable } from './errors.ts';
import type { AuthEnv } from './env.ts';
import { requireAdmin } from './guard.ts';
import { allowedRedirect, newOneTimeToken, tokenHash, verifyLink, withMail } from './mail.ts';
import { checkPasswordStrength, optionalObject, optionalString, readJson, validateEmail, type Json } from './request.ts';
import { audit, findUserIdByEmail, hashPassword, insertUser, isConfirmed, loadUser, mergeMetadata, userJson } from './users.ts';

/** Creates the invited (password-less, unconfirmed) user unless one exists; a confirmed one is refused. */
async function invitee(db: Db, email: string, data: Json): Promise<{ id: string; created: boolean }> {
  const existingId = await findUserIdByEmail(db, email);
  if (existingId) {
    const existing = (await loadUser(db, existingId, { lock: true }))!;
    if (isConfirmed(existing)) throw unprocessable('email_exists', EMAIL_EXISTS);
    return { id: existingId, created: false };
  }
  return { id: await insertUser(db, { email, passwordHash: null, userMetadata: data, confirmed: false }), created: true };
}

export async function invite(env: AuthEnv, req: ServiceRequest): Promise<ServiceResponse> {
  const { ctx } = env;
  await requireAdmin(ctx, req);
  const body = readJson(req);
  const email = validateEmail(optionalString(body, 'email'));
  const data = optionalObject(body, 'data') ?? {};
  try {
    return await withMail(env, async (db, queue) => {
      const { id } = await invitee(db, email, data);
      await audit(db, req, undefined, 'user_invited', { user_id: id, user_email: email });
      // GoTrue's `sendInvite` has no max_frequency: an admin may invite again at once.
      const token = newOneTimeToken(email, ctx.config.auth.email.otpLength);
      await db.query(
        `update auth.users set confirmation_token = $2, confirmation_sent_at = now(), invited_at = now() where id = $1`,
        [id, token.tokenHash],
      );
      const user = (await loadUser(db, id))!;
      await env.mailer.send(db, req, queue, {
        action: 'invite',
        user,
        otp: token.otp,
        redirectTo: allowedRedirect(ctx, req.query.get('redirect_to')),
      });
      return json(200, userJson(user));
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw unprocessable('email_exists', EMAIL_EXISTS);
    throw databaseError('Database error saving new user', error);
  }
}

const LINK_TYPES = ['signup', 'invite', 'magiclink', 'recovery', 'email_change_current', 'email_change_new'] as const;
type LinkType = (typeof LINK_TYPES)[number];

/**
 * The link and code a mail would carry, and the user, with no mail sent. GoTrue answers the user's
 * fields with `action_link`, `email_otp`, `hashed_token`, `verification_type` and `redirect_to` beside them.
 */
export async function generateLink(env: AuthEnv, req: ServiceRequest): Promise<ServiceResponse> {
  const { ctx } = env;
  await requireAdmin(ctx, req);
  const body = readJson(req);
  const requested = optionalString(body, 'type') ?? '';
  if (!(LINK_TYPES as readonly string[]).includes(requested)) {
    throw badRequest('validation_failed', `Invalid email action link type requested: ${requested}`);
  }
  let type = requested as LinkType;
  const email = validateEmail(optionalString(body, 'email'));
  const data = optionalObject(body, 'data') ?? {};
  const redirectBody = optionalString(body, 'redirect_to');
  const redirectTo = allowedRedirect(ctx, redirectBody ?? req.query.get('redirect_to'));
  let password = optionalString(body, 'password');
  const { otpLength } = ctx.config.auth.email;

  const found = await withMail(env, (db) => findUserIdByEmail(db, email));
  if (!found) {
    if (type === 'magiclink') {
      // No user yet: GoTrue makes it a sign-up with a random password.
      type = 'signup';
      password = randomBytes(48).toString('base64url');
    } else if (type === 'recovery' || type === 'email_change_current' || type === 'email_change_new') {
      throw notFound('user_not_found', 'User with this email not found');
    }
  }
  if (type === 'signup' && !found) {
    if (!password) throw badRequest('validation_failed', 'Signup requires a valid password');
    checkPasswordStrength(password, ctx.config.auth);
  }
  const passwordHash = type === 'signup' && !found && password ? await hashPassword(password) : null;
  const otp = newOneTimeToken(email, otpLength);

  try {
    return await withMail(env, async (db) => {
      let id = await findUserIdByEmail(db, email);
      let link: string;
      switch (type) {
        case 'magiclink':
        case 'recovery': {
          await audit(db, req, { id: id!, email }, 'user_recovery_requested');
          await db.query(`update auth.users set recovery_token = $2, recovery_sent_at = now() where id = $1`, [id, otp.tokenHash]);
          link = verifyLink(ctx, otp.tokenHash, type, redirectTo);
          break;
        }
        case 'invite': {
          id = (await invitee(db, email, data)).id;
          await audit(db, req, undefined, 'user_invited', { user_id: id, user_email: email });
          await db.query(
            `update auth.users set confirmation_token = $2, confirmation_sent_at = now(), invited_at = now() where id = $1`,
            [id, otp.tokenHash],
          );
          link = verifyLink(ctx, otp.tokenHash, 'invite', redirectTo);
          break;
        }
        case 'signup': {
          if (id) {
            const existing = (await loadUser(db, id, { lock: true }))!;
            if (isConfirmed(existing)) throw unprocessable('email_exists', EMAIL_EXISTS);
            await db.query(`update auth.users set raw_user_meta_data = $2 where id = $1`, [
              id,
              mergeMetadata(existing.row.raw_user_meta_data, data),
            ]);
          } else {
            id = await insertUser(db, { email, passwordHash, userMetadata: data, confirmed: false });
          }
          await db.query(`update auth.users set confirmation_token = $2, confirmation_sent_at = now() where id = $1`, [
            id,
            otp.tokenHash,
          ]);
          link = verifyLink(ctx, otp.tokenHash, 'signup', redirectTo);
          break;
        }
        case 'email_change_current':
        case 'email_change_new': {
          if (type === 'email_change_current' && !ctx.config.auth.email.doubleConfirmChanges) {
            throw badRequest('validation_failed', 'Enable secure email change to generate link for current email');
          }
          const newEmail = validateEmail(optionalString(body, 'new_email'));
          const owner = await findUserIdByEmail(db, newEmail);
          if (owner && owner !== id) throw unprocessable('email_exists', EMAIL_EXISTS);
          // The current address's link carries hash(email, code); the new address's, hash(new_email, code).
          const column = type === 'email_change_current' ? 'email_change_token_current' : 'email_change_token_new';
          const stored = type === 'email_change_current' ? otp.tokenHash : tokenHash(newEmail, otp.otp);
          await db.query(
            `update auth.users set email_change = $2, ${column} = $3, email_change_sent_at = now(), email_change_confirm_status = 0
              where id = $1`,
            [id, newEmail, stored],
          );
          link = verifyLink(ctx, stored, 'email_change', redirectTo);
          break;
        }
      }
      const user = (await loadUser(db, id!))!;
      return json(200, {
        ...userJson(user),
        action_link: link,
        email_otp: otp.otp,
        hashed_token: otp.tokenHash,
        verification_type: type,
        redirect_to: redirectTo,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw unprocessable('email_exists', EMAIL_EXISTS);
    throw databaseError('Database error updating user', error);
  }
}
