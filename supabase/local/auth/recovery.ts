/**
 * `POST /recover` and `GET|POST /verify` (`internal/api/{recover,verify}.go`). Implicit flow: the mailed
 * link verifies the token and redirects with the session in the URL fragment, which supabase-js picks up
 * (`detectSessionInUrl`), e.g. as a PASSWORD_RECOVERY sign-in. PKCE flow (a `pkce_` token, pkce.ts): the
 * link redirects with `?code=` for the client to exchange with its verifier.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { json, type ServiceRequest, type ServiceResponse } from '../core/service.ts';
import type { Db } from './db.ts';
import { AuthError, badRequest, forbidden, unprocessable } from './errors.ts';
import type { AuthEnv, Endpoint } from './env.ts';
import {
  allowEmail,
  allowedRedirect,
  newOneTimeToken,
  tokenHash,
  withMail,
  type MailQueue,
  type MailRequest,
  type NoticeAction,
} from './mail.ts';
import { optionalString, rateLimitKey, readJson, validateEmail, validatePhone, type Json } from './request.ts';
import { createFlowState, issueAuthCode, PKCE_PREFIX, pkceParams, withFlowPrefix, type FlowMethod, type Pkce } from './pkce.ts';
import { sessionResponse, startSession } from './sessions.ts';
import { audit, confirmEmail, findUserIdByEmail, hashPassword, isBanned, loadUser, type LoadedUser } from './users.ts';

/** Always `{}`: whether the address has an account is not the caller's business. */
export const recover: Endpoint = async (env, req) => {
  env.limits.request('signInSignUps', rateLimitKey(req));
  const body = readJson(req);
  const email = validateEmail(optionalString(body, 'email'));
  const pkce = pkceParams(body);
  await withMail(env, async (db, queue) => {
    const id = await findUserIdByEmail(db, email);
    if (!id) return;
    await audit(db, req, { id, email }, 'user_recovery_requested');
    await sendRecoveryToken(env, db, req, queue, id, 'recovery', pkce);
  });
  return json(200, {});
};

/**
 * GoTrue's `sendPasswordRecovery` / `sendMagicLink`: both use the recovery token and its clock, so one
 * cannot be used to get round the other's `max_frequency`.
 */
export async function sendRecoveryToken(
  env: AuthEnv,
  db: Db,
  req: ServiceRequest,
  queue: MailQueue,
  id: string,
  action: 'recovery' | 'magiclink',
  pkce?: Pkce,
): Promise<void> {
  const { rows } = await db.query<{ email: string; sent_at: Date | null }>(
    `select email, recovery_sent_at as sent_at from auth.users where id = $1 for update`,
    [id],
  );
  const row = rows[0]!;
  allowEmail(env, row.sent_at);
  // GoTrue names the flow state's provider after the flow itself for both.
  if (pkce) await createFlowState(db, id, action, action, pkce);
  const token = newOneTimeToken(row.email, env.ctx.config.auth.email.otpLength);
  await db.query(`update auth.users set recovery_token = $2, recovery_sent_at = now() where id = $1`, [
    id,
    withFlowPrefix(token.tokenHash, pkce),
  ]);
  await env.mailer.send(db, req, queue, {
    action,
    user: (await loadUser(db, id))!,
    otp: token.otp,
    redirectTo: allowedRedirect(env.ctx, req.query.get('redirect_to')),
  });
}

type VerifyType = 'signup' | 'invite' | 'magiclink' | 'email' | 'recovery' | 'email_change';

/**
 * Which hashed-token columns each verification type checks, with the time each was sent. A Map, not an
 * object literal: `type` comes from the client, and `__proto__` or `constructor` must not find anything.
 */
const TOKEN_COLUMNS = new Map<VerifyType, Array<{ token: string; sentAt: string }>>([
  ['signup', [{ token: 'confirmation_token', sentAt: 'confirmation_sent_at' }]],
  ['invite', [{ token: 'confirmation_token', sentAt: 'confirmation_sent_at' }]],
  [
    'email',
    [
      { token: 'confirmation_token', sentAt: 'confirmation_sent_at' },
      { token: 'recovery_token', sentAt: 'recovery_sent_at' },
    ],
  ],
  ['magiclink', [{ token: 'recovery_token', sentAt: 'recovery_sent_at' }]],
  ['recovery', [{ token: 'recovery_token', sentAt: 'recovery_sent_at' }]],
  [
    'email_change',
    [
      { token: 'email_change_token_new', sentAt: 'email_change_sent_at' },
      { token: 'email_change_token_current', sentAt: 'email_change_sent_at' },
    ],
  ],
]);

const expired = () => new AuthError(403, 'otp_expired', 'Email link is invalid or has expired');

/** GoTrue's answer when the first of two e-mail change links is used (`singleConfirmationAccepted`). */
export const SINGLE_CONFIRMATION_ACCEPTED =
  'Confirmation link accepted. Please proceed to confirm link sent to the other email';

type Verified = { session: Json } | { authCode: string } | { singleConfirmation: true };

/** How a verification is asked for; by default it ends signed in (the implicit flow, every POST /verify). */
interface VerifyMode {
  /** A followed `pkce_` link, which hands out its flow state's auth code instead of a session. */
  pkce?: boolean;
  /** A typed code may belong to a PKCE flow too, whose stored hash carries the prefix (`isOtpValid`). */
  codeMayBePrefixed?: boolean;
}

/** The flow state a followed PKCE link looks for (`ParseAuthenticationMethod(type)`). */
function pkceFlowMethod(type: VerifyType, column: string): FlowMethod | 'invite' {
  if (type === 'signup' || (type === 'email' && column === 'confirmation_token')) return 'email/signup';
  if (type === 'email') return 'magiclink';
  return type;
}

/** Finds the user the token belongs to, consumes the token and opens a session (or, as PKCE, issues the code). */
async function verifyToken(
  env: AuthEnv,
  req: ServiceRequest,
  type: VerifyType,
  hash: string,
  notFound: () => AuthError = expired,
  mode: VerifyMode = {},
): Promise<Verified> {
  const { ctx } = env;
  const columns = TOKEN_COLUMNS.get(type)!;
  return withMail(env, async (db, queue) => {
    let found: { id: string; column: string; fresh: boolean } | undefined;
    for (const column of columns) {
      const { rows } = await db.query<{ id: string; fresh: boolean }>(
        `select id, ${column.sentAt} + make_interval(secs => $2) > now() as fresh
           from auth.users where (${column.token} = $1 or ($3 and ${column.token} = $4 || $1)) and ${column.token} <> ''
            for update`,
        [hash, ctx.config.auth.email.otpExpirySeconds, mode.codeMayBePrefixed === true, PKCE_PREFIX],
      );
      if (rows[0]) {
        found = { ...rows[0], column: column.token };
        break;
      }
    }
    if (!found || !found.fresh) throw notFound();
    const user = (await loadUser(db, found.id))!;
    if (isBanned(user)) throw forbidden('user_banned', 'User is banned');
    const email = user.row.email as string | null;
    if (type === 'email_change') {
      const status = Number(user.row.email_change_confirm_status ?? 0);
      // Both addresses must confirm (`double_confirm_changes`): the first link only records itself.
      if (!ctx.config.auth.enableConfirmations || !ctx.config.auth.email.doubleConfirmChanges || status !== 0 || !email) {
        await applyEmailChange(env, db, req, queue, user);
      } else {
        await db.query(`update auth.users set ${found.column} = '', email_change_confirm_status = 1 where id = $1`, [found.id]);
        return { singleConfirmation: true as const };
      }
    } else {
      await db.query(`update auth.users set ${found.column} = '' where id = $1`, [found.id]);
      if (type === 'invite' && !user.row.encrypted_password) {
        // An invited user has no password yet; GoTrue sets a random one until the app asks for a real one.
        await db.query(`update auth.users set encrypted_password = $2 where id = $1`, [
          found.id,
          await hashPassword(randomBytes(48).toString('base64url')),
        ]);
      }
      await confirmEmail(db, found.id);
    }
    const recovery = type === 'recovery' || (type === 'email' && found.column === 'recovery_token');
    if (type !== 'email_change') {
      await audit(db, req, { id: found.id, email }, recovery || type === 'magiclink' ? 'login' : 'user_signedup');
    }
    if (mode.pkce) {
      const method = pkceFlowMethod(type, found.column);
      // An invite is never mailed as PKCE, so a `pkce_` invite link has no flow state to find.
      if (method === 'invite') throw badRequest('flow_state_not_found', 'No associated flow state found. 422: No valid flow state found for user.');
      return { authCode: await issueAuthCode(db, found.id, method) };
    }
    const { session, refreshToken } = await startSession(db, req, found.id, type === 'recovery' ? 'recovery' : 'otp');
    const fresh = (await loadUser(db, found.id))!;
    return { session: await sessionResponse(ctx, db, fresh, session, refreshToken) };
  });
}

/**
 * The change itself (`ConfirmEmailChange`), then the notice to the old address if the project wants one.
 * A user without an e-mail identity (an anonymous one) gains it here and stops being anonymous.
 */
export async function applyEmailChange(env: AuthEnv, db: Db, req: ServiceRequest, queue: MailQueue, user: LoadedUser): Promise<void> {
  const id = user.row.id as string;
  const oldEmail = (user.row.email as string | null) ?? '';
  const newEmail = user.row.email_change as string;
  await db.query(
    `update auth.users
        set email = email_change, email_change = '', email_change_token_current = '', email_change_token_new = '',
            email_change_confirm_status = 0,
            raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || jsonb_build_object('email', email_change),
            is_anonymous = false,
            updated_at = now()
      where id = $1`,
    [id],
  );
  const updated = await db.query(
    `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text, 'email_verified', true), updated_at = now()
      where user_id = $1 and provider = 'email'`,
    [id, newEmail],
  );
  if (!updated.rowCount) {
    await db.query(
      `insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
       values ($1, $2::text, $2::uuid, $3, 'email', now(), now(), now())`,
      [randomUUID(), id, { sub: id, email: newEmail, email_verified: true, phone_verified: false }],
    );
    await updateProviders(db, id);
  }
  await confirmEmail(db, id);
  await audit(db, req, { id, email: newEmail }, 'user_modified');
  if (env.ctx.config.auth.email.notifications.email_changed && oldEmail && oldEmail.toLowerCase() !== newEmail.toLowerCase()) {
    await sendNotification(env, db, req, queue, { action: 'email_changed_notification', user: (await loadUser(db, id))!, oldEmail });
  }
}

/** `UpdateAppMetaDataProviders`: `providers` lists the user's identities; `provider` keeps the first one. */
export async function updateProviders(db: Db, id: string): Promise<void> {
  await db.query(
    `update auth.users u
        set raw_app_meta_data = coalesce(u.raw_app_meta_data, '{}'::jsonb)
              || jsonb_build_object(
                   'provider', coalesce(u.raw_app_meta_data->>'provider', p.providers->>0),
                   'providers', p.providers),
            updated_at = now()
       from (select coalesce(jsonb_agg(distinct provider), '[]'::jsonb) as providers from auth.identities where user_id = $1) p
      where u.id = $1`,
    [id],
  );
}

/**
 * A security notice (`password_changed`, `email_changed`, `identity_unlinked`, `mfa_factor_*`): GoTrue
 * logs a failure to send one and lets the request succeed, because the change itself has been made.
 */
export async function sendNotification(
  env: AuthEnv,
  db: Db,
  req: ServiceRequest,
  queue: MailQueue,
  request: Omit<MailRequest, 'action' | 'redirectTo' | 'otp' | 'otpNew'> & { action: NoticeAction },
): Promise<void> {
  await db.query('savepoint notification');
  try {
    allowEmail(env, null);
    await env.mailer.send(db, req, queue, { ...request, redirectTo: env.ctx.config.auth.siteUrl });
    await db.query('release savepoint notification');
  } catch (error) {
    // A pg-functions hook that failed has aborted the transaction; the savepoint keeps the change.
    await db.query('rollback to savepoint notification');
    const to = request.recipientEmail ?? String(request.user.row.email);
    env.ctx.log.info('auth', `${request.action} for ${to} not sent: ${(error as Error).message}`);
  }
}

function verifyType(value: string | undefined): VerifyType {
  if (!value) throw badRequest('validation_failed', 'Verify requires a verification type');
  if (!TOKEN_COLUMNS.has(value as VerifyType)) throw badRequest('validation_failed', 'Invalid email verification type');
  return value as VerifyType;
}

/** What GoTrue answers for a code (rather than a link's hash) that matches nothing. */
const invalidCode = () => new AuthError(403, 'otp_expired', 'Token has expired or is invalid');

/**
 * `verifyOtp`: `{type, token_hash}` or `{type, email, token}`; answers with a session. The request is
 * checked in GoTrue's order and words (`VerifyParams.Validate`); a code that matches nothing is "Token
 * has expired or is invalid", a hash "Email link is invalid or has expired", as GoTrue tells them apart.
 */
export const verifyPost: Endpoint = async (env, req) => {
  env.limits.request('tokenVerifications', rateLimitKey(req));
  const body = readJson(req);
  const rawType = optionalString(body, 'type');
  if (!rawType) throw badRequest('validation_failed', 'Verify requires a verification type');
  const hashed = optionalString(body, 'token_hash');
  const otp = optionalString(body, 'token');
  if ((!otp && !hashed) || (otp && hashed)) throw badRequest('validation_failed', 'Verify requires either a token or a token hash');
  const email = optionalString(body, 'email');
  const phone = optionalString(body, 'phone');
  if (hashed) {
    if (email || phone || optionalString(body, 'redirect_to')) {
      throw badRequest('validation_failed', 'Only the token_hash and type should be provided');
    }
    return verifiedResponse(await verifyToken(env, req, verifyType(rawType), hashed));
  }
  if (phone && !email) {
    validatePhone(phone);
    // Codes for phone numbers go out by SMS, which the local stack cannot send, so none can match.
    throw invalidCode();
  }
  if (!email || phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided on verify');
  let address: string;
  try {
    address = validateEmail(email);
  } catch {
    throw unprocessable('validation_failed', 'Invalid email format');
  }
  // A type with no e-mail code finds no user by that address's code.
  if (!TOKEN_COLUMNS.has(rawType as VerifyType)) throw invalidCode();
  const verified = await verifyToken(env, req, rawType as VerifyType, tokenHash(address, otp!), invalidCode, { codeMayBePrefixed: true });
  return verifiedResponse(verified);
};

function verifiedResponse(verified: Verified): ServiceResponse {
  if ('singleConfirmation' in verified) return json(200, { msg: SINGLE_CONFIRMATION_ACCEPTED, code: '200' });
  if ('session' in verified) return json(200, verified.session);
  throw new Error('a POST /verify never runs as PKCE');
}

/**
 * The e-mail link: redirects to `redirect_to` with the session (or the error) in the fragment; a
 * `pkce_` link with `?code=` instead, and its error or message in the query as well, where a PKCE
 * client looks for them (`prepPKCERedirectURL`, `prepErrorRedirectURL`, `prepRedirectURL`).
 */
export const verifyGet: Endpoint = async (env, req): Promise<ServiceResponse> => {
  env.limits.request('tokenVerifications', rateLimitKey(req));
  const redirect = allowedRedirect(env.ctx, req.query.get('redirect_to'));
  const type = verifyType(req.query.get('type') ?? undefined);
  const token = req.query.get('token') ?? '';
  if (!token) throw badRequest('validation_failed', 'Verify requires a token or a token hash');
  const pkce = token.startsWith(PKCE_PREFIX);
  const fragment = new URLSearchParams();
  const query = new URLSearchParams();
  try {
    const verified = await verifyToken(env, req, type, token, expired, { pkce });
    if ('singleConfirmation' in verified) {
      fragment.set('message', SINGLE_CONFIRMATION_ACCEPTED);
      fragment.set('sb', '');
      if (pkce) query.set('message', SINGLE_CONFIRMATION_ACCEPTED);
    } else if ('authCode' in verified) {
      query.set('code', verified.authCode);
    } else {
      for (const key of ['access_token', 'expires_at', 'expires_in', 'refresh_token', 'token_type']) {
        fragment.set(key, String(verified.session[key]));
      }
      fragment.set('type', type === 'email' ? 'signup' : type);
    }
  } catch (error) {
    if (!(error instanceof AuthError) || error.status >= 500) throw error;
    // Both flows get the error in the fragment, marked as Supabase Auth's (`sb`); a PKCE client reads
    // the query, so there it is too.
    for (const params of pkce ? [fragment, query] : [fragment]) {
      const oauthError = OAUTH_ERRORS[error.status];
      if (oauthError) params.set('error', oauthError);
      params.set('error_code', error.code);
      params.set('error_description', error.message);
    }
    fragment.set('sb', '');
  }
  return { status: 303, headers: { location: redirectUrl(redirect, query, fragment) } };
};

/** GoTrue's `oauthErrorMap`, for the `error` of a failed link's redirect. */
const OAUTH_ERRORS: Record<number, string> = { 400: 'invalid_request', 401: 'unauthorized_client', 403: 'access_denied' };

/**
 * `redirect_to` with `query` merged into its own query (sorted by key, as Go's `url.Values.Encode`
 * writes it) and `fragment`, if any, in place of its fragment.
 */
function redirectUrl(redirect: string, query: URLSearchParams, fragment: URLSearchParams): string {
  const hashAt = redirect.indexOf('#');
  const withoutHash = hashAt === -1 ? redirect : redirect.slice(0, hashAt);
  const ownFragment = hashAt === -1 ? '' : redirect.slice(hashAt);
  let base = withoutHash;
  if ([...query.keys()].length > 0) {
    const queryAt = withoutHash.indexOf('?');
    const merged = new URLSearchParams(queryAt === -1 ? '' : withoutHash.slice(queryAt + 1));
    for (const [key, value] of query) merged.set(key, value);
    merged.sort();
    base = `${queryAt === -1 ? withoutHash : withoutHash.slice(0, queryAt)}?${merged.toString()}`;
  }
  const fragmentText = fragment.toString();
  return fragmentText ? `${base}#${fragmentText}` : `${base}${ownFragment}`;
}
