/** `/admin/users` for the service role (`internal/api/admin.go`, `pagination.go`). */
import { randomBytes } from 'node:crypto';
import { json, type ServiceRequest, type ServiceResponse } from '../core/service.ts';
import { percentDecode } from '../core/url.ts';
import { databaseError, isUniqueViolation, NIL_UUID, transaction, type Db } from './db.ts';
import { updateProviders } from './recovery.ts';
import { badRequest, EMAIL_EXISTS, notFound, unprocessable } from './errors.ts';
import type { AuthEnv } from './env.ts';
import { isUuid, requireAdmin } from './guard.ts';
import {
  MAX_PASSWORD_BYTES,
  optionalObject,
  optionalString,
  readJson,
  validateEmail,
  validatePhone,
  type Json,
} from './request.ts';
import { endSessions } from './sessions.ts';
import {
  audit,
  confirmEmail,
  findUserIdByEmail,
  hashPassword,
  insertIdentity,
  insertUser,
  loadUser,
  mergeMetadata,
  USER_COLUMNS,
  userJson,
  type LoadedUser,
} from './users.ts';

const DEFAULT_PER_PAGE = 50;

/** Routes `/admin/users` and `/admin/users/:id`; undefined for anything else under `/admin`. */
export async function adminUsers(env: AuthEnv, req: ServiceRequest): Promise<ServiceResponse | undefined> {
  const match = /^\/admin\/users(?:\/([^/]+))?\/?$/.exec(req.path);
  if (!match) return undefined;
  const allowed = match[1] ? ['GET', 'PUT', 'DELETE'] : ['GET', 'POST'];
  if (!allowed.includes(req.method)) return undefined;
  // Who is calling comes before reading anything the caller sent.
  await requireAdmin(env.ctx, req);
  if (!match[1]) return req.method === 'GET' ? listUsers(env, req) : createUser(env, req);
  // A malformed escape (`%E0`) is no id at all: it fails the UUID check instead of throwing.
  const id = percentDecode(match[1]) ?? '';
  if (!isUuid(id)) throw badRequest('validation_failed', 'user_id must be an UUID');
  if (req.method === 'GET') return getUser(env, id);
  if (req.method === 'PUT') return updateUser(env, req, id);
  return deleteUser(env, req, id);
}

function pageParam(req: ServiceRequest, name: string, fallback: number): number {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw badRequest('validation_failed', `Bad Pagination Parameters: invalid ${name} "${raw}"`);
  return Math.max(1, Number(raw));
}

async function listUsers({ ctx }: AuthEnv, req: ServiceRequest): Promise<ServiceResponse> {
  const page = pageParam(req, 'page', 1);
  const perPage = pageParam(req, 'per_page', DEFAULT_PER_PAGE);
  const filter = req.query.get('filter') ?? '';
  const where = `aud = 'authenticated'
    and ($1 = '' or email ilike '%' || $1 || '%' or raw_user_meta_data->>'full_name' ilike '%' || $1 || '%')`;
  const pool = ctx.pools.auth;
  const total = Number((await pool.query<{ n: string }>(`select count(*) as n from auth.users where ${where}`, [filter])).rows[0]!.n);
  const { rows } = await pool.query<LoadedUser>(
    `select ${USER_COLUMNS}
       from auth.users u where ${where}
      order by u.created_at desc, u.id limit $2 offset $3`,
    [filter, perPage, (page - 1) * perPage],
  );
  return json(200, { users: rows.map(userJson), aud: 'authenticated' }, {
    link: paginationLink(req, page, perPage, total),
    'x-total-count': String(total),
  });
}

/** GoTrue's `Link` header: the request's own path and query with `page` replaced, keys sorted as Go does. */
function paginationLink(req: ServiceRequest, page: number, perPage: number, total: number): string {
  const totalPages = Math.ceil(total / perPage);
  const at = (target: number) => {
    const query = new URLSearchParams(req.query);
    query.set('page', String(target));
    query.sort();
    return `<${req.path}?${query.toString()}>`;
  };
  const next = totalPages > page ? `${at(page + 1)}; rel="next", ` : '';
  return `${next}${at(totalPages)}; rel="last"`;
}

async function getUser({ ctx }: AuthEnv, id: string): Promise<ServiceResponse> {
  const db = await ctx.pools.auth.connect();
  try {
    const user = await loadUser(db, id);
    if (!user) throw notFound('user_not_found', 'User not found');
    return json(200, userJson(user));
  } finally {
    db.release();
  }
}

/** Go's `time.ParseDuration` for ban durations (`"24h"`, `"90m"`, `"1h30m"`), or "none" to lift a ban. */
function banInterval(value: string): string | null {
  if (value === 'none') return null;
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (!parts.length || parts.map((part) => part[0]).join('') !== value) {
    throw badRequest('validation_failed', `invalid format for ban duration: time: invalid duration "${value}"`);
  }
  return `${parts.reduce((sum, part) => sum + Number(part[1]) * units[part[2]!]!, 0)} seconds`;
}

function passwordFrom(body: Json): string | undefined {
  const password = optionalString(body, 'password');
  if (password && Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw badRequest('validation_failed', `Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  }
  return password || undefined;
}

const phoneExists = () => unprocessable('phone_exists', 'Phone number already registered by another user');

async function phoneOwner(db: Db, phone: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(`select id from auth.users where phone = $1 and is_sso_user = false limit 1`, [phone]);
  return rows[0]?.id;
}

/** `User.ConfirmPhone`: GoTrue stamps the time only; the metadata's phone_verified stays as the identity set it. */
async function confirmPhone(db: Db, id: string): Promise<void> {
  await db.query(`update auth.users set phone_confirmed_at = now(), confirmation_token = '' where id = $1`, [id]);
}

async function createUser({ ctx }: AuthEnv, req: ServiceRequest): Promise<ServiceResponse> {
  const body = readJson(req);
  const rawEmail = optionalString(body, 'email');
  const rawPhone = optionalString(body, 'phone');
  if (!rawEmail && !rawPhone) throw badRequest('validation_failed', 'Cannot create a user without either an email or phone');
  const email = rawEmail ? validateEmail(rawEmail) : undefined;
  const phone = rawPhone ? validatePhone(rawPhone) : undefined;
  const password = passwordFrom(body);
  const passwordHash = optionalString(body, 'password_hash');
  if (password && passwordHash) throw badRequest('validation_failed', 'Only a password or a password hash should be provided');
  const id = optionalString(body, 'id');
  if (id !== undefined && !isUuid(id)) throw badRequest('validation_failed', 'ID must conform to the uuid v4 format');
  if (id === NIL_UUID) throw badRequest('validation_failed', 'ID cannot be a nil uuid');
  const banDuration = optionalString(body, 'ban_duration');
  const ban = banDuration ? banInterval(banDuration) : null;
  const userMetadata = optionalObject(body, 'user_metadata') ?? {};
  const appMetadata = optionalObject(body, 'app_metadata');
  const role = optionalString(body, 'role') || undefined;
  // GoTrue gives password-less users a random one, so the account cannot be entered until it is set.
  const hash = passwordHash ?? (await hashPassword(password ?? randomBytes(32).toString('base64url').slice(0, 64)));

  try {
    return await transaction(ctx.pools.auth, async (db) => {
      if (email && (await findUserIdByEmail(db, email))) throw unprocessable('email_exists', EMAIL_EXISTS);
      if (phone && (await phoneOwner(db, phone))) throw phoneExists();
      const userId = await insertUser(db, { id, email, phone, passwordHash: hash, userMetadata, role, confirmed: false });
      await audit(db, req, undefined, 'user_signedup', {
        user_id: userId,
        user_email: email ?? '',
        user_phone: phone ?? '',
        provider: email ? 'email' : 'phone',
      });
      // After the identities, as GoTrue orders it: app_metadata merges over `provider(s)`, then the confirmations.
      if (appMetadata) {
        const current = (await loadUser(db, userId))!.row.raw_app_meta_data;
        await db.query(`update auth.users set raw_app_meta_data = $2 where id = $1`, [userId, mergeMetadata(current, appMetadata)]);
      }
      if (email && body.email_confirm === true) await confirmEmail(db, userId);
      if (phone && body.phone_confirm === true) await confirmPhone(db, userId);
      if (ban) await db.query(`update auth.users set banned_until = now() + $2::interval where id = $1`, [userId, ban]);
      return json(200, userJson((await loadUser(db, userId))!));
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw (error as { constraint?: string }).constraint === 'users_phone_key' ? phoneExists() : unprocessable('email_exists', EMAIL_EXISTS);
    }
    throw databaseError('Database error creating new user', error);
  }
}

async function updateUser({ ctx }: AuthEnv, req: ServiceRequest, id: string): Promise<ServiceResponse> {
  const body = readJson(req);
  const rawEmail = optionalString(body, 'email');
  const email = rawEmail ? validateEmail(rawEmail) : undefined;
  const rawPhone = optionalString(body, 'phone');
  const phone = rawPhone ? validatePhone(rawPhone) : undefined;
  const password = passwordFrom(body);
  const hash = password ? await hashPassword(password) : undefined;
  const userMetadata = optionalObject(body, 'user_metadata');
  const appMetadata = optionalObject(body, 'app_metadata');
  const role = optionalString(body, 'role');
  const banDuration = optionalString(body, 'ban_duration');
  const ban = banDuration ? banInterval(banDuration) : undefined;
  const emailConfirm = body.email_confirm === true;
  const phoneConfirm = body.phone_confirm === true;

  try {
    return await transaction(ctx.pools.auth, async (db) => {
      const user = await loadUser(db, id, { lock: true });
      if (!user) throw notFound('user_not_found', 'User not found');
      if (role) await db.query(`update auth.users set role = $2 where id = $1`, [id, role]);
      if (emailConfirm) await confirmEmail(db, id);
      if (phoneConfirm) await confirmPhone(db, id);
      if (hash) {
        await db.query(`update auth.users set encrypted_password = $2, updated_at = now() where id = $1`, [id, hash]);
        await endSessions(db, id, undefined, 'global');
      }
      if (email) await changeEmail(db, id, email, emailConfirm);
      if (phone) await changePhone(db, id, phone, phoneConfirm);
      // An anonymous user given a confirmed address or number is permanent from then on.
      if (user.row.is_anonymous === true && ((email && emailConfirm) || (phone && phoneConfirm))) {
        await db.query(`update auth.users set is_anonymous = false where id = $1`, [id]);
      }
      if (email || phone) await updateProviders(db, id);
      const current = (await loadUser(db, id))!;
      if (appMetadata) {
        await db.query(`update auth.users set raw_app_meta_data = $2 where id = $1`, [
          id,
          mergeMetadata(current.row.raw_app_meta_data, appMetadata),
        ]);
      }
      if (userMetadata) {
        await db.query(`update auth.users set raw_user_meta_data = $2 where id = $1`, [
          id,
          mergeMetadata(current.row.raw_user_meta_data, userMetadata),
        ]);
      }
      if (ban !== undefined) {
        await db.query(`update auth.users set banned_until = now() + $2::interval where id = $1`, [id, ban]);
        if (ban) await endSessions(db, id, undefined, 'global');
      }
      await db.query(`update auth.users set updated_at = now() where id = $1`, [id]);
      await audit(db, req, undefined, 'user_modified', { user_id: id, user_email: email ?? user.row.email, user_phone: phone ?? user.row.phone ?? '' });
      return json(200, userJson((await loadUser(db, id))!));
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw (error as { constraint?: string }).constraint === 'users_phone_key' ? phoneExists() : unprocessable('email_exists', EMAIL_EXISTS);
    }
    throw databaseError('Database error updating user', error);
  }
}

/** The address changes at once (no mail from the admin API); its identity follows, or is made. */
async function changeEmail(db: Db, id: string, email: string, confirmed: boolean): Promise<void> {
  const owner = await findUserIdByEmail(db, email);
  if (owner && owner !== id) throw unprocessable('email_exists', EMAIL_EXISTS);
  const updated = await db.query(
    `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text, 'email_verified', $3::boolean),
            updated_at = now()
      where user_id = $1 and provider = 'email'`,
    [id, email, confirmed],
  );
  if (!updated.rowCount) await insertIdentity(db, id, 'email', { sub: id, email, email_verified: confirmed, phone_verified: false });
  await db.query(
    `update auth.users
        set email = $2::text, raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || jsonb_build_object('email', $2::text)
      where id = $1`,
    [id, email],
  );
}

async function changePhone(db: Db, id: string, phone: string, confirmed: boolean): Promise<void> {
  const owner = await phoneOwner(db, phone);
  if (owner && owner !== id) throw phoneExists();
  const updated = await db.query(
    `update auth.identities set identity_data = identity_data || jsonb_build_object('phone', $2::text, 'phone_verified', $3::boolean),
            updated_at = now()
      where user_id = $1 and provider = 'phone'`,
    [id, phone, confirmed],
  );
  if (!updated.rowCount) await insertIdentity(db, id, 'phone', { sub: id, phone, email_verified: false, phone_verified: confirmed });
  await db.query(`update auth.users set phone = $2 where id = $1`, [id, phone]);
}

async function deleteUser({ ctx }: AuthEnv, req: ServiceRequest, id: string): Promise<ServiceResponse> {
  const soft = readJson(req).should_soft_delete === true;
  // A row in the app's tables that references the user without `on delete cascade` stops the delete.
  return transaction(ctx.pools.auth, (db) => removeUser(db, req, id, soft)).catch((error: unknown) => {
    throw databaseError('Database error deleting user', error);
  });
}

async function removeUser(db: Db, req: ServiceRequest, id: string, soft: boolean): Promise<ServiceResponse> {
  const user = await loadUser(db, id, { lock: true });
  if (!user) throw notFound('user_not_found', 'User not found');
  await audit(db, req, undefined, 'user_deleted', { user_id: id, user_email: user.row.email });
  if (soft) {
    // GoTrue's soft delete keeps the row (and what references it) but frees the address and the logins.
    await endSessions(db, id, undefined, 'global');
    await db.query(`delete from auth.identities where user_id = $1`, [id]);
    await db.query(
      `update auth.users
          set email = null, phone = null, encrypted_password = '', raw_user_meta_data = '{}'::jsonb,
              raw_app_meta_data = '{}'::jsonb, deleted_at = now(), updated_at = now()
        where id = $1`,
      [id],
    );
  } else {
    // Identities and sessions (with their refresh tokens) cascade; then any token left without a session.
    await db.query(`delete from auth.users where id = $1`, [id]);
    await db.query(`delete from auth.refresh_tokens where user_id = $1`, [id]);
  }
  return json(200, {});
}
