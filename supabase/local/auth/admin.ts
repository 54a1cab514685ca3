/** `/admin/users` for the service role (`internal/api/admin.go`, `pagination.go`). */
import { randomBytes } from 'node:crypto';
import { json, type ServiceRequest, type ServiceResponse } from '../core/service.ts';
import { percentDecode } from '../core/url.ts';
import { databaseError, isUniqueViolation, transaction, type Db } from './db.ts';
import { badRequest, EMAIL_EXISTS, notFound, unprocessable } from './errors.ts';
import type { AuthEnv } from './env.ts';
import { isUuid, requireAdmin } from './guard.ts';
import {
  MAX_PASSWORD_BYTES,
  optionalObject,
  optionalString,
  readJson,
  validateEmail,
  type Json,
} from './request.ts';
import { endSessions } from './sessions.ts';
import {
  audit,
  confirmEmail,
  findUserIdByEmail,
  hashPassword,
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

async function createUser({ ctx }: AuthEnv, req: ServiceRequest): Promise<ServiceResponse> {
  const body = readJson(req);
  const rawEmail = optionalString(body, 'email');
  if (optionalString(body, 'phone')) throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
  if (!rawEmail) throw badRequest('validation_failed', 'Cannot create a user without either an email or phone');
  const email = validateEmail(rawEmail);
  const password = passwordFrom(body);
  const passwordHash = optionalString(body, 'password_hash');
  if (password && passwordHash) throw badRequest('validation_failed', 'Only a password or a password hash should be provided');
  const id = optionalString(body, 'id');
  if (id !== undefined && !isUuid(id)) throw badRequest('validation_failed', 'ID must conform to the uuid v4 format');
  const banDuration = optionalString(body, 'ban_duration');
  const ban = banDuration ? banInterval(banDuration) : null;
  const userMetadata = optionalObject(body, 'user_metadata') ?? {};
  const appMetadata = optionalObject(body, 'app_metadata');
  const role = optionalString(body, 'role') || undefined;
  // GoTrue gives password-less users a random one, so the account cannot be entered until it is set.
  const hash = passwordHash ?? (await hashPassword(password ?? randomBytes(32).toString('base64url').slice(0, 64)));

  try {
    return await transaction(ctx.pools.auth, async (db) => {
      if (await findUserIdByEmail(db, email)) throw unprocessable('email_exists', EMAIL_EXISTS);
      const userId = await insertUser(db, {
        id,
        email,
        passwordHash: hash,
        userMetadata,
        appMetadata,
        role,
        confirmed: body.email_confirm === true,
      });
      if (ban) await db.query(`update auth.users set banned_until = now() + $2::interval where id = $1`, [userId, ban]);
      await audit(db, req, undefined, 'user_signedup', { user_id: userId, user_email: email, provider: 'email' });
      return json(200, userJson((await loadUser(db, userId))!));
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw unprocessable('email_exists', EMAIL_EXISTS);
    throw databaseError('Database error creating new user', error);
  }
}

async function updateUser({ ctx }: AuthEnv, req: ServiceRequest, id: string): Promise<ServiceResponse> {
  const body = readJson(req);
  const rawEmail = optionalString(body, 'email');
  const email = rawEmail ? validateEmail(rawEmail) : undefined;
  const password = passwordFrom(body);
  const hash = password ? await hashPassword(password) : undefined;
  const userMetadata = optionalObject(body, 'user_metadata');
  const appMetadata = optionalObject(body, 'app_metadata');
  const role = optionalString(body, 'role');
  const banDuration = optionalString(body, 'ban_duration');
  const ban = banDuration ? banInterval(banDuration) : undefined;

  try {
    return await transaction(ctx.pools.auth, async (db) => {
      const user = await loadUser(db, id, { lock: true });
      if (!user) throw notFound('user_not_found', 'User not found');
      if (email && email !== user.row.email) await changeEmail(db, id, email);
      if (hash) {
        await db.query(`update auth.users set encrypted_password = $2, updated_at = now() where id = $1`, [id, hash]);
        await endSessions(db, id, undefined, 'global');
      }
      if (body.email_confirm === true) await confirmEmail(db, id);
      if (userMetadata) {
        await db.query(`update auth.users set raw_user_meta_data = $2 where id = $1`, [
          id,
          mergeMetadata(user.row.raw_user_meta_data, userMetadata),
        ]);
      }
      if (appMetadata) {
        await db.query(`update auth.users set raw_app_meta_data = $2 where id = $1`, [
          id,
          mergeMetadata(user.row.raw_app_meta_data, appMetadata),
        ]);
      }
      if (role) await db.query(`update auth.users set role = $2 where id = $1`, [id, role]);
      if (ban !== undefined) {
        await db.query(`update auth.users set banned_until = now() + $2::interval where id = $1`, [id, ban]);
        if (ban) await endSessions(db, id, undefined, 'global');
      }
      await db.query(`update auth.users set updated_at = now() where id = $1`, [id]);
      await audit(db, req, undefined, 'user_modified', { user_id: id, user_email: email ?? user.row.email });
      return json(200, userJson((await loadUser(db, id))!));
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw unprocessable('email_exists', EMAIL_EXISTS);
    throw databaseError('Database error updating user', error);
  }
}

async function changeEmail(db: Db, id: string, email: string): Promise<void> {
  const owner = await findUserIdByEmail(db, email);
  if (owner && owner !== id) throw unprocessable('email_exists', EMAIL_EXISTS);
  await db.query(
    `update auth.users
        set email = $2::text, raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || jsonb_build_object('email', $2::text)
      where id = $1`,
    [id, email],
  );
  await db.query(
    `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text), updated_at = now()
      where user_id = $1 and provider = 'email'`,
    [id, email],
  );
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
