/**
 * Multi-factor authentication (`internal/api/mfa.go`, `internal/models/{factor,challenge,amr}.go`):
 * enrolling TOTP (and phone) factors, challenging and verifying them, which lifts the session to `aal2`
 * and adds the factor's method to its `amr`, unenrolling, and the admin factor endpoints.
 */
import { randomUUID } from 'node:crypto';
import { json, type ServiceRequest, type ServiceResponse } from '../core/service.ts';
import { percentDecode } from '../core/url.ts';
import { CommitThenThrow, transaction, type Db } from './db.ts';
import { AuthError, badRequest, forbidden, notFound, unprocessable } from './errors.ts';
import type { AuthEnv } from './env.ts';
import { isUuid, requireAdmin, requireUser, type Caller } from './guard.ts';
import { withMail, type MailQueue } from './mail.ts';
import { qrCodeSvg } from './qr.ts';
import { sendNotification } from './recovery.ts';
import { clientIp, optionalString, rateLimitKey, readJson, type Json } from './request.ts';
import { addAmrClaim, rotateRefreshToken, sessionResponse, type SessionRow } from './sessions.ts';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';
import { audit, factorJson, loadUser } from './users.ts';

/** GoTrue's `MaxVerifiedFactors` default (not in config.toml). */
const MAX_VERIFIED_FACTORS = 10;
/** GoTrue's `ChallengeExpiryDuration` and `FactorExpiryDuration` defaults, their minimums too. */
const CHALLENGE_EXPIRY_SECONDS = 300;
const UNVERIFIED_FACTOR_EXPIRY_SECONDS = 300;

interface FactorRow {
  id: string;
  user_id: string;
  friendly_name: string | null;
  factor_type: 'totp' | 'phone' | 'webauthn';
  status: 'verified' | 'unverified';
  secret: string | null;
  phone: string | null;
  created_at: string;
  updated_at: string;
  last_challenged_at: string | null;
}

const FACTOR_TYPE_REQUIRED = 'factor_type needs to be totp, phone, or webauthn';

/** Routes `/factors` and `/factors/:id[/challenge|/verify]`; undefined for other paths. */
export async function factors(env: AuthEnv, req: ServiceRequest): Promise<ServiceResponse | undefined> {
  const match = /^\/factors(?:\/([^/]+)(?:\/(challenge|verify))?)?$/.exec(req.path);
  if (!match) return undefined;
  const [, rawId, action] = match;
  const method = !rawId ? 'POST' : action ? 'POST' : 'DELETE';
  if (req.method !== method) return undefined;
  return withMail(env, async (db, queue) => {
    const caller = await requireUser(env.ctx, db, req);
    // After authentication, as GoTrue's router orders them: strangers do not use up a user's allowance.
    if (action === 'challenge') env.limits.request('factorChallenge', rateLimitKey(req));
    if (action === 'verify') env.limits.request('factorVerify', rateLimitKey(req));
    if (caller.claims.is_anonymous === true) {
      throw forbidden('no_authorization', 'Anonymous user not allowed to perform these actions');
    }
    if (!caller.sessionId) {
      throw new AuthError(500, 'unexpected_failure', 'A valid session and a registered user are required to enroll a factor');
    }
    if (!rawId) return enroll(env, db, req, caller);
    const factor = await loadFactor(db, caller.user.row.id as string, rawId);
    if (action === 'challenge') return challenge(env, db, req, caller, factor);
    if (action === 'verify') return verify(env, db, req, queue, caller, factor);
    return unenroll(env, db, req, queue, caller, factor);
  });
}

/** `loadFactor`: the path's factor, which must belong to the user. */
async function loadFactor(db: Db, userId: string, rawId: string): Promise<FactorRow> {
  const id = percentDecode(rawId) ?? '';
  if (!isUuid(id)) throw notFound('validation_failed', 'factor_id must be an UUID');
  // As JSON, so timestamps arrive as Postgres renders them (what factorJson formats).
  const { rows } = await db.query<{ factor: FactorRow }>(
    `select to_jsonb(f) as factor from auth.mfa_factors f where id = $1 and user_id = $2 for update`,
    [id, userId],
  );
  if (!rows[0]) throw notFound('mfa_factor_not_found', 'Factor not found');
  return rows[0].factor;
}

async function sessionAal(db: Db, sessionId: string): Promise<string | null> {
  const { rows } = await db.query<{ aal: string | null }>(`select aal from auth.sessions where id = $1`, [sessionId]);
  return rows[0]?.aal ?? null;
}

/** `validateFactors`: unique names, the enrolment limits, and aal2 once a factor is verified. */
async function validateFactors(env: AuthEnv, db: Db, caller: Caller, friendlyName: string): Promise<void> {
  const userId = caller.user.row.id as string;
  await db.query(
    `delete from auth.mfa_factors f
      where status <> 'verified' and created_at + make_interval(secs => $1) < now()
        and not exists (select 1 from auth.mfa_challenges c where c.factor_id = f.id)`,
    [UNVERIFIED_FACTOR_EXPIRY_SECONDS],
  );
  const { rows } = await db.query<{ friendly_name: string | null; status: string }>(
    `select friendly_name, status from auth.mfa_factors where user_id = $1`,
    [userId],
  );
  // Go compares the plain strings, so a second unnamed factor conflicts with the first.
  if (rows.some((row) => (row.friendly_name ?? '') === friendlyName)) {
    throw unprocessable('mfa_factor_name_conflict', `A factor with the friendly name ${JSON.stringify(friendlyName)} for this user already exists`);
  }
  const verified = rows.filter((row) => row.status === 'verified').length;
  if (rows.length >= env.ctx.config.auth.mfa.maxEnrolledFactors || verified >= MAX_VERIFIED_FACTORS) {
    throw unprocessable('too_many_enrolled_mfa_factors', 'Maximum number of verified factors reached, unenroll to continue');
  }
  if (verified > 0 && (await sessionAal(db, caller.sessionId!)) !== 'aal2') {
    throw forbidden('insufficient_aal', 'AAL2 required to enroll a new factor');
  }
}

async function enroll(env: AuthEnv, db: Db, req: ServiceRequest, caller: Caller): Promise<ServiceResponse> {
  const { mfa } = env.ctx.config.auth;
  const body = readJson(req);
  const factorType = optionalString(body, 'factor_type') ?? '';
  const friendlyName = optionalString(body, 'friendly_name') ?? '';
  if (factorType === 'phone') {
    if (!mfa.phone.enrollEnabled) throw unprocessable('mfa_phone_enroll_not_enabled', 'MFA enroll is disabled for Phone');
    return enrollPhone(env, db, req, caller, friendlyName, optionalString(body, 'phone') ?? '');
  }
  if (factorType === 'totp') {
    if (!mfa.totp.enrollEnabled) throw unprocessable('mfa_totp_enroll_not_enabled', 'MFA enroll is disabled for TOTP');
    return enrollTotp(env, db, req, caller, friendlyName, optionalString(body, 'issuer') ?? '');
  }
  if (factorType === 'webauthn') {
    if (!mfa.webAuthn.enrollEnabled) throw unprocessable('mfa_webauthn_enroll_not_enabled', 'MFA enroll is disabled for WebAuthn');
    // Enabled in config.toml, but the local stack has no WebAuthn ceremony to run.
    throw unprocessable('mfa_webauthn_enroll_not_enabled', 'WebAuthn factors are not supported by the local stack');
  }
  throw badRequest('validation_failed', FACTOR_TYPE_REQUIRED);
}

async function insertFactor(db: Db, userId: string, type: string, friendlyName: string, extra: { secret?: string; phone?: string }) {
  const id = randomUUID();
  await db.query(
    `insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret, phone)
     values ($1, $2, $3, $4, 'unverified', now(), now(), $5, $6)`,
    [id, userId, friendlyName, type, extra.secret ?? '', extra.phone ?? null],
  );
  return id;
}

async function enrollTotp(
  env: AuthEnv,
  db: Db,
  req: ServiceRequest,
  caller: Caller,
  friendlyName: string,
  requestedIssuer: string,
): Promise<ServiceResponse> {
  let issuer = requestedIssuer;
  if (!issuer) {
    try {
      issuer = new URL(env.ctx.config.auth.siteUrl).host;
    } catch {
      throw new AuthError(500, 'unexpected_failure', 'site url is improperly formatted');
    }
  }
  await validateFactors(env, db, caller, friendlyName);
  const user = caller.user.row;
  const secret = newTotpSecret();
  const uri = otpauthUri(issuer, typeof user.email === 'string' ? user.email : '', secret);
  const id = await insertFactor(db, user.id as string, 'totp', friendlyName, { secret });
  await audit(db, req, { id: user.id as string, email: user.email }, 'factor_in_progress', { factor_id: id });
  return json(200, {
    id,
    type: 'totp',
    friendly_name: friendlyName,
    totp: { qr_code: qrCodeSvg(uri), secret, uri },
  });
}

const E164 = /^[1-9]\d{1,14}$/;

/** GoTrue's validatePhone: a leading `+` and spaces dropped, then E.164's shape; undefined when it is not. */
function e164(phone: string): string | undefined {
  const digits = phone.replace(/^\+/, '').replaceAll(' ', '');
  return E164.test(digits) ? digits : undefined;
}

async function enrollPhone(
  env: AuthEnv,
  db: Db,
  req: ServiceRequest,
  caller: Caller,
  friendlyName: string,
  rawPhone: string,
): Promise<ServiceResponse> {
  if (!rawPhone) throw badRequest('validation_failed', 'Phone number required to enroll Phone factor');
  const phone = e164(rawPhone);
  if (!phone) throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)');
  const userId = caller.user.row.id as string;
  const { rows } = await db.query<{ status: string }>(
    `select status from auth.mfa_factors where user_id = $1 and factor_type = 'phone' and phone = $2`,
    [userId, phone],
  );
  if (rows.some((row) => row.status === 'verified')) {
    throw unprocessable('mfa_verified_factor_exists', 'A verified phone factor already exists, unenroll the existing factor to continue');
  }
  await db.query(`delete from auth.mfa_factors where user_id = $1 and factor_type = 'phone' and phone = $2 and status = 'unverified'`, [
    userId,
    phone,
  ]);
  await validateFactors(env, db, caller, friendlyName);
  const id = await insertFactor(db, userId, 'phone', friendlyName, { phone });
  await audit(db, req, { id: userId, email: caller.user.row.email }, 'factor_in_progress', { factor_id: id, factor_type: 'phone' });
  return json(200, { id, type: 'phone', friendly_name: friendlyName, phone: rawPhone });
}

function requireVerifyEnabled(env: AuthEnv, factor: FactorRow): void {
  const { mfa } = env.ctx.config.auth;
  if (factor.factor_type === 'phone' && !mfa.phone.verifyEnabled) {
    throw unprocessable('mfa_phone_verify_not_enabled', 'MFA verification is disabled for Phone');
  }
  if (factor.factor_type === 'totp' && !mfa.totp.verifyEnabled) {
    throw unprocessable('mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP');
  }
  if (factor.factor_type === 'webauthn' && !mfa.webAuthn.verifyEnabled) {
    throw unprocessable('mfa_webauthn_verify_not_enabled', 'MFA verification is disabled for WebAuthn');
  }
}

/** The challenge's recorded address: the client's, as the gateway determined it. */
const challengeIp = (req: ServiceRequest) => clientIp(req) ?? '0.0.0.0';

async function challenge(env: AuthEnv, db: Db, req: ServiceRequest, caller: Caller, factor: FactorRow): Promise<ServiceResponse> {
  requireVerifyEnabled(env, factor);
  const body = readJson(req);
  if (factor.factor_type === 'phone') {
    // Without Twilio as the provider only `sms` is a channel.
    if ((optionalString(body, 'channel') || 'sms') !== 'sms') {
      throw badRequest(
        'validation_failed',
        "Invalid channel, supported values are 'sms' or 'whatsapp'. 'whatsapp' is only supported if Twilio or Twilio Verify is used as the provider.",
      );
    }
    const last = factor.last_challenged_at ? new Date(factor.last_challenged_at).getTime() : 0;
    const waitMs = last + env.ctx.config.auth.mfa.phone.maxFrequencySeconds * 1000 - Date.now();
    if (waitMs > 0) {
      throw new AuthError(
        429,
        'over_sms_send_rate_limit',
        `For security purposes, you can only request this after ${Math.ceil(waitMs / 1000)} seconds.`,
      );
    }
    // GoTrue sends the code by SMS before recording the challenge; without `[auth.sms]` a provider it
    // cannot, and answers so.
    throw new AuthError(500, 'unexpected_failure', 'Failed to get SMS provider').withCause(
      'phone MFA needs an SMS provider ([auth.sms]), which the local stack does not have',
    );
  }
  if (factor.factor_type !== 'totp') throw badRequest('validation_failed', FACTOR_TYPE_REQUIRED);
  const id = randomUUID();
  const { rows } = await db.query<{ created_at: Date }>(
    `insert into auth.mfa_challenges (id, factor_id, created_at, ip_address) values ($1, $2, now(), $3) returning created_at`,
    [id, factor.id, challengeIp(req)],
  );
  await db.query(`update auth.mfa_factors set last_challenged_at = now() where id = $1`, [factor.id]);
  const user = caller.user.row;
  await audit(db, req, { id: user.id as string, email: user.email }, 'challenge_created', {
    factor_id: factor.id,
    factor_status: factor.status,
  });
  const expiresAt = Math.floor(rows[0]!.created_at.getTime() / 1000) + CHALLENGE_EXPIRY_SECONDS;
  return json(200, { id, type: 'totp', expires_at: expiresAt });
}

interface ChallengeRow {
  id: string;
  verified_at: Date | null;
  ip_address: string;
  expired: boolean;
}

async function verify(
  env: AuthEnv,
  db: Db,
  req: ServiceRequest,
  queue: MailQueue,
  caller: Caller,
  factor: FactorRow,
): Promise<ServiceResponse> {
  const body = readJson(req);
  const challengeId = body.challenge_id;
  // GoTrue decodes challenge_id into a UUID, so anything else fails the body's parsing.
  if (challengeId !== undefined && challengeId !== null && !isUuid(challengeId)) {
    throw badRequest('bad_json', 'Could not parse request body as JSON: challenge_id must be a UUID');
  }
  const code = optionalString(body, 'code') ?? '';
  if (code === '' && factor.factor_type !== 'webauthn') throw badRequest('validation_failed', 'Code needs to be non-empty');
  requireVerifyEnabled(env, factor);
  if (factor.factor_type !== 'totp') throw badRequest('validation_failed', FACTOR_TYPE_REQUIRED);

  const { rows } = await db.query<ChallengeRow>(
    `select id, verified_at, host(ip_address) as ip_address,
            created_at + make_interval(secs => $3) < now() as expired
       from auth.mfa_challenges where id = $1 and factor_id = $2 for update`,
    [challengeId ?? '00000000-0000-0000-0000-000000000000', factor.id, CHALLENGE_EXPIRY_SECONDS],
  );
  const found = rows[0];
  if (!found) throw unprocessable('mfa_factor_not_found', 'MFA factor with the provided challenge ID not found');
  if (found.verified_at !== null || found.ip_address !== challengeIp(req)) {
    throw unprocessable('mfa_ip_address_mismatch', 'Challenge and verify IP addresses mismatch.');
  }
  if (found.expired) {
    await db.query(`delete from auth.mfa_challenges where id = $1`, [found.id]);
    // The expired challenge's removal stands though the answer is an error.
    throw new CommitThenThrow(
      unprocessable(
        'mfa_challenge_expired',
        `MFA challenge ${found.id} has expired, verify against another challenge or create a new challenge.`,
      ),
    );
  }
  if (!verifyTotp(code, factor.secret ?? '')) throw unprocessable('mfa_verification_failed', 'Invalid TOTP code entered');

  const userId = caller.user.row.id as string;
  const sessionId = caller.sessionId!;
  await audit(db, req, { id: userId, email: caller.user.row.email }, 'verification_attempted', {
    factor_id: factor.id,
    challenge_id: found.id,
    factor_type: factor.factor_type,
  });
  await db.query(`update auth.mfa_challenges set verified_at = now() where id = $1`, [found.id]);
  if (factor.status !== 'verified') {
    await db.query(`update auth.mfa_factors set status = 'verified', updated_at = now() where id = $1`, [factor.id]);
  }
  // `updateMFASessionAndClaims`: the method joins the session's claims, a new refresh token replaces
  // the current one, and the session records its new level and the factor that reached it.
  await addAmrClaim(db, sessionId, 'totp');
  const sessions = await db.query<SessionRow>(
    `update auth.sessions set aal = 'aal2', factor_id = $2, updated_at = now() where id = $1
     returning id, user_id, created_at, not_after`,
    [sessionId, factor.id],
  );
  const refreshToken = await rotateRefreshToken(db, req, caller.user, sessionId);
  // Sessions still at aal1 were signed in without the factor: they end (`InvalidateSessionsWithAALLessThan`).
  await db.query(`delete from auth.sessions where user_id = $1 and (aal is null or aal < 'aal2')`, [userId]);
  await db.query(`delete from auth.mfa_factors where user_id = $1 and status = 'unverified' and factor_type = $2`, [
    userId,
    factor.factor_type,
  ]);
  const user = (await loadUser(db, userId))!;
  // Only the verification that makes the factor usable is news to the owner; later sign-ins with it are not.
  if (factor.status !== 'verified' && env.ctx.config.auth.email.notifications.mfa_factor_enrolled && user.row.email) {
    await sendNotification(env, db, req, queue, { action: 'mfa_factor_enrolled_notification', user, factorType: factor.factor_type });
  }
  return json(200, await sessionResponse(env.ctx, db, user, sessions.rows[0]!, refreshToken));
}

async function unenroll(
  env: AuthEnv,
  db: Db,
  req: ServiceRequest,
  queue: MailQueue,
  caller: Caller,
  factor: FactorRow,
): Promise<ServiceResponse> {
  if (factor.status === 'verified' && (await sessionAal(db, caller.sessionId!)) !== 'aal2') {
    throw unprocessable('insufficient_aal', 'AAL2 required to unenroll verified factor');
  }
  await deleteFactor(db, factor);
  await audit(db, req, { id: caller.user.row.id as string, email: caller.user.row.email }, 'factor_unenrolled', {
    factor_id: factor.id,
    factor_status: factor.status,
    session_id: caller.sessionId,
  });
  // Sent for an unverified factor too, as GoTrue does. The admin API's factor delete sends none.
  if (env.ctx.config.auth.email.notifications.mfa_factor_unenrolled && caller.user.row.email) {
    await sendNotification(env, db, req, queue, {
      action: 'mfa_factor_unenrolled_notification',
      user: caller.user,
      factorType: factor.factor_type,
    });
  }
  return json(200, { id: factor.id });
}

const AMR_METHOD: Record<FactorRow['factor_type'], string> = { totp: 'totp', phone: 'mfa/phone', webauthn: 'mfa/webauthn' };

/** The factor goes, and sessions it lifted return to aal1 (`DowngradeSessionsToAAL1`). */
async function deleteFactor(db: Db, factor: FactorRow): Promise<void> {
  await db.query(`delete from auth.mfa_factors where id = $1`, [factor.id]);
  await db.query(
    `delete from auth.mfa_amr_claims where authentication_method = $2
        and session_id in (select id from auth.sessions where factor_id = $1)`,
    [factor.id, AMR_METHOD[factor.factor_type]],
  );
  await db.query(`update auth.sessions set aal = 'aal1', factor_id = null, updated_at = now() where user_id = $2 and factor_id = $1`, [
    factor.id,
    factor.user_id,
  ]);
}

/** `/admin/users/:id/factors[/:factor_id]`: list, delete, rename. */
export async function adminFactors(env: AuthEnv, req: ServiceRequest): Promise<ServiceResponse | undefined> {
  const match = /^\/admin\/users\/([^/]+)\/factors(?:\/([^/]+))?\/?$/.exec(req.path);
  if (!match) return undefined;
  const allowed = match[2] ? ['DELETE', 'PUT'] : ['GET'];
  if (!allowed.includes(req.method)) return undefined;
  const admin = await requireAdmin(env.ctx, req);
  const userId = percentDecode(match[1]!) ?? '';
  if (!isUuid(userId)) throw badRequest('validation_failed', 'user_id must be an UUID');
  return transaction(env.ctx.pools.auth, async (db) => {
    const user = await loadUser(db, userId);
    if (!user) throw notFound('user_not_found', 'User not found');
    if (!match[2]) return json(200, (user.factors ?? []).map(factorJson));
    const factor = await loadFactor(db, userId, match[2]);
    if (req.method === 'DELETE') {
      await audit(db, req, { id: userId, email: user.row.email }, 'factor_deleted', { user_id: userId, factor_id: factor.id });
      await deleteFactor(db, factor);
      return json(200, factorJson(factor as unknown as Json));
    }
    const body = readJson(req);
    const friendlyName = optionalString(body, 'friendly_name') ?? '';
    const phone = optionalString(body, 'phone') ?? '';
    if (friendlyName) {
      await db.query(`update auth.mfa_factors set friendly_name = $2, updated_at = now() where id = $1`, [factor.id, friendlyName]);
    }
    if (phone && factor.factor_type === 'phone') {
      const digits = e164(phone);
      if (!digits) throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)');
      await db.query(`update auth.mfa_factors set phone = $2, updated_at = now() where id = $1`, [factor.id, digits]);
    }
    // The service role's key names no user, so the entry's actor is the nil UUID, as in GoTrue.
    const actor = isUuid(admin.sub) ? { id: admin.sub, email: admin.email } : undefined;
    await audit(db, req, actor, 'factor_updated', {
      user_id: userId,
      factor_id: factor.id,
      factor_type: factor.factor_type,
    });
    return json(200, factorJson(await loadFactor(db, userId, factor.id) as unknown as Json));
  });
}
