/**
 * auth.users and auth.identities: real rows with GoTrue's column names (apps hang `after insert` triggers
 * on auth.users), and the user JSON of `internal/models/{user,identity}.go`, field for field.
 */
import { randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { ServiceRequest } from '../core/service.ts';
import { NIL_UUID, type Db } from './db.ts';
import { AuthError } from './errors.ts';
import { clientIp, goTime, type Json } from './request.ts';

export interface LoadedUser {
  /** The auth.users row as Postgres renders it to JSON. */
  row: Json;
  identities: Json[];
  /** auth.mfa_factors rows, oldest first; absent where the user JSON must not show them. */
  factors?: Json[];
}

/** Selects `row`, `identities` and `factors` for the auth.users row aliased `u`. */
export const USER_COLUMNS = `to_jsonb(u) as row,
            coalesce((select jsonb_agg(to_jsonb(i) order by i.created_at, i.id)
                        from auth.identities i where i.user_id = u.id), '[]'::jsonb) as identities,
            coalesce((select jsonb_agg(to_jsonb(f) - 'secret' order by f.created_at, f.id)
                        from auth.mfa_factors f where f.user_id = u.id), '[]'::jsonb) as factors`;

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Columns GoTrue scans into plain Go strings: a NULL there makes real GoTrue fail every sign-in with
 * "Database error querying schema" (a classic with hand-written seeds), so it fails here too, loudly.
 */
const NON_NULL_STRING_COLUMNS = ['confirmation_token', 'recovery_token', 'email_change_token_new', 'email_change'];

export async function loadUser(db: Db, id: string, options: { lock?: boolean } = {}): Promise<LoadedUser | undefined> {
  const { rows } = await db.query<LoadedUser>(
    `select ${USER_COLUMNS}
       from auth.users u
      where u.id = $1
      ${options.lock ? 'for update of u' : ''}`,
    [id],
  );
  const user = rows[0];
  if (!user) return undefined;
  const nullColumn = NON_NULL_STRING_COLUMNS.find((column) => user.row[column] === null);
  if (nullColumn) {
    throw new AuthError(500, 'unexpected_failure', 'Database error querying schema').withCause(
      `auth.users row ${id} has NULL in ${nullColumn}; GoTrue cannot read it (seed users must set '' there)`,
    );
  }
  return user;
}

export async function findUserIdByEmail(db: Db, email: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `select id from auth.users where lower(email) = lower($1) and is_sso_user = false order by created_at limit 1`,
    [email],
  );
  return rows[0]?.id;
}

export async function hashPassword(password: string): Promise<string> {
  // bcryptjs writes the `$2b$` prefix; GoTrue (Go's bcrypt) and pgcrypto write `$2a$` for the same hash.
  return (await bcrypt.hash(password, 10)).replace(/^\$2b\$/, '$2a$');
}

export async function passwordMatches(password: string, hash: unknown): Promise<boolean> {
  if (typeof hash !== 'string' || !/^\$2[abxy]\$\d\d\$/.test(hash)) return false;
  return bcrypt.compare(password, hash.replace(/^\$2[xy]\$/, '$2a$'));
}

export interface NewUser {
  id?: string;
  /** At least one of `email` and `phone` (only the admin API makes phone users). */
  email?: string;
  phone?: string;
  passwordHash: string | null;
  userMetadata: Json;
  appMetadata?: Json;
  role?: string;
  confirmed: boolean;
  /** Set when a confirmation e-mail is due (confirmations on). */
  confirmationToken?: string;
}

/**
 * Inserts the user and its identities (e-mail, then phone) in the caller's transaction, in GoTrue's
 * order: the user row with the sign-up `data` as metadata (what `after insert` triggers see), then each
 * identity, its claims merged into the user metadata.
 */
export async function insertUser(db: Db, input: NewUser): Promise<string> {
  const id = input.id ?? randomUUID();
  const providers = [...(input.email ? ['email'] : []), ...(input.phone ? ['phone'] : [])];
  const appMetadata = { provider: providers[0], providers, ...input.appMetadata };
  await db.query(
    `insert into auth.users (instance_id, id, aud, role, email, phone, encrypted_password, email_confirmed_at,
       confirmation_token, confirmation_sent_at, recovery_token, email_change_token_new, email_change,
       raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous)
     values ($1, $2, 'authenticated', $3, $4, $10, $5, case when $6::boolean then now() end,
       $7::text, case when $7::text <> '' then now() end, '', '', '', $8, $9, now(), now(), false, false)`,
    [
      NIL_UUID,
      id,
      input.role ?? 'authenticated',
      input.email ?? null,
      input.passwordHash ?? '',
      input.confirmed && input.email !== undefined,
      input.confirmationToken ?? '',
      appMetadata,
      input.userMetadata,
      input.phone ?? null,
    ],
  );
  if (input.email) {
    await insertIdentity(db, id, 'email', { sub: id, email: input.email, email_verified: input.confirmed, phone_verified: false }, input.userMetadata);
  }
  if (input.phone) {
    await insertIdentity(db, id, 'phone', { sub: id, phone: input.phone, email_verified: false, phone_verified: false }, input.userMetadata);
  }
  return id;
}

/** `createNewIdentity`: the identity row (its data: the claims, then the user's metadata), then the claims into the user's metadata. */
export async function insertIdentity(db: Db, userId: string, provider: string, claims: Json, userMetadata: Json = {}): Promise<void> {
  const identityData: Json = { ...claims };
  for (const [key, value] of Object.entries(userMetadata)) {
    if (!Object.hasOwn(identityData, key)) setOwn(identityData, key, value);
  }
  // The statement's clock, not the transaction's: identities made together keep their order (GoTrue stamps each with Go's clock).
  await db.query(
    `insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values ($1, $2::text, $2::uuid, $3, $4, clock_timestamp(), clock_timestamp(), clock_timestamp())`,
    [randomUUID(), userId, identityData, provider],
  );
  await db.query(
    `update auth.users set raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || $2::jsonb where id = $1`,
    [userId, claims],
  );
}

/** Marks the e-mail confirmed (`User.Confirm`): the user's and its e-mail identity's `email_verified`. */
export async function confirmEmail(db: Db, id: string): Promise<void> {
  await db.query(
    `update auth.users
        set email_confirmed_at = coalesce(email_confirmed_at, now()), confirmation_token = '',
            raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{"email_verified": true}'::jsonb,
            updated_at = now()
      where id = $1`,
    [id],
  );
  await db.query(
    `update auth.identities set identity_data = identity_data || '{"email_verified": true}'::jsonb, updated_at = now()
      where user_id = $1 and provider = 'email'`,
    [id],
  );
}

/**
 * Sets `key` as the object's own property. Metadata keys come from clients, and a plain assignment of
 * `__proto__` would replace the object's prototype instead of storing the key.
 */
function setOwn(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Top-level keys set to null are removed, as GoTrue's `UpdateUserMetaData` / `UpdateAppMetaData` do. */
export function mergeMetadata(current: unknown, changes: Json): Json {
  const merged: Json = { ...((current as Json | null) ?? {}) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete merged[key];
    else setOwn(merged, key, value);
  }
  return merged;
}

function put(target: Json, key: string, value: unknown) {
  const time = goTime(value);
  if (time) target[key] = time;
}

export function identityJson(identity: Json): Json {
  const out: Json = {
    identity_id: identity.id,
    id: identity.provider_id,
    user_id: identity.user_id,
  };
  if (identity.identity_data !== null && identity.identity_data !== undefined) out.identity_data = identity.identity_data;
  out.provider = identity.provider;
  put(out, 'last_sign_in_at', identity.last_sign_in_at);
  out.created_at = goTime(identity.created_at) ?? GO_ZERO_TIME;
  out.updated_at = goTime(identity.updated_at) ?? GO_ZERO_TIME;
  if (identity.email) out.email = identity.email;
  return out;
}

/** GoTrue's models.Factor JSON: the secret never leaves the server; `phone` is "" rather than null. */
export function factorJson(factor: Json): Json {
  const out: Json = {
    id: factor.id,
    created_at: goTime(factor.created_at) ?? GO_ZERO_TIME,
    updated_at: goTime(factor.updated_at) ?? GO_ZERO_TIME,
    status: factor.status,
  };
  if (factor.friendly_name) out.friendly_name = factor.friendly_name;
  out.factor_type = factor.factor_type;
  out.phone = factor.phone ?? '';
  out.last_challenged_at = goTime(factor.last_challenged_at) ?? null;
  return out;
}

/** The user object of GoTrue's API: null timestamps omitted, `identities` always present, `factors` when any. */
export function userJson(user: LoadedUser): Json {
  const u = user.row;
  const out: Json = { id: u.id, aud: u.aud ?? '', role: u.role ?? '', email: u.email ?? '' };
  put(out, 'email_confirmed_at', u.email_confirmed_at);
  put(out, 'invited_at', u.invited_at);
  out.phone = u.phone ?? '';
  put(out, 'phone_confirmed_at', u.phone_confirmed_at);
  put(out, 'confirmation_sent_at', u.confirmation_sent_at);
  put(out, 'confirmed_at', u.confirmed_at);
  put(out, 'recovery_sent_at', u.recovery_sent_at);
  if (u.email_change) out.new_email = u.email_change;
  put(out, 'email_change_sent_at', u.email_change_sent_at);
  if (u.phone_change) out.new_phone = u.phone_change;
  put(out, 'phone_change_sent_at', u.phone_change_sent_at);
  put(out, 'reauthentication_sent_at', u.reauthentication_sent_at);
  put(out, 'last_sign_in_at', u.last_sign_in_at);
  out.app_metadata = u.raw_app_meta_data ?? {};
  out.user_metadata = u.raw_user_meta_data ?? {};
  out.identities = user.identities.map(identityJson);
  if (user.factors?.length) out.factors = user.factors.map(factorJson);
  out.created_at = goTime(u.created_at) ?? GO_ZERO_TIME;
  out.updated_at = goTime(u.updated_at) ?? GO_ZERO_TIME;
  put(out, 'banned_until', u.banned_until);
  put(out, 'deleted_at', u.deleted_at);
  out.is_anonymous = u.is_anonymous === true;
  return out;
}

export function isConfirmed(user: LoadedUser): boolean {
  return user.row.email_confirmed_at !== null && user.row.email_confirmed_at !== undefined;
}

export function isBanned(user: LoadedUser): boolean {
  const until = user.row.banned_until;
  return typeof until === 'string' && new Date(until).getTime() > Date.now();
}

/** GoTrue's `ActionLogTypeMap`; actions it does not list are logged as `account`. */
const AUDIT_LOG_TYPES: Record<string, string> = {
  login: 'account',
  logout: 'account',
  invite_accepted: 'account',
  user_signedup: 'team',
  user_invited: 'team',
  user_deleted: 'team',
  token_revoked: 'token',
  token_refreshed: 'token',
  user_modified: 'user',
  user_recovery_requested: 'user',
  user_reauthenticate_requested: 'user',
  user_confirmation_requested: 'user',
  user_repeated_signup: 'user',
  user_updated_password: 'user',
  identity_linked: 'user',
  identity_unlinked: 'user',
  factor_in_progress: 'factor',
  factor_unenrolled: 'factor',
  challenge_created: 'factor',
  verification_attempted: 'factor',
  factor_deleted: 'factor',
  factor_updated: 'factor',
};

/** auth.audit_log_entries, as GoTrue writes them (`models.NewAuditLogEntry`). */
export async function audit(
  db: Db,
  req: ServiceRequest,
  actor: { id: string; email?: unknown } | undefined,
  action: string,
  traits?: Json,
): Promise<void> {
  const payload: Json = {
    actor_id: actor?.id ?? NIL_UUID,
    actor_username: typeof actor?.email === 'string' ? actor.email : '',
    actor_via_sso: false,
    action,
    log_type: AUDIT_LOG_TYPES[action] ?? 'account',
  };
  if (traits) payload.traits = traits;
  await db.query(
    `insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address) values ($1, $2, $3, now(), $4)`,
    [NIL_UUID, randomUUID(), payload, clientIp(req) ?? ''],
  );
}
