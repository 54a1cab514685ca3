/**
 * Who is asking and in which schema: the JWT (verified as PostgREST does), the role it names, the
 * exposed schema chosen by `Accept-Profile`/`Content-Profile`, and the `set_config` list every
 * transaction starts with, in PostgREST's order.
 */
import { JWT_CLOCK_SKEW_SECONDS, verifyJwt, type JwtClaims, type JwtResult } from '../core/jwt.ts';
import type { ServiceContext, ServiceRequest } from '../core/service.ts';
import { ApiError } from './errors.ts';
import type { SchemaCache } from './schema-cache.ts';
import { ident } from './sql.ts';

export const ANON_ROLE = 'anon';

export interface RequestIdentity {
  role: string;
  claims: Record<string, unknown>;
}

function jwtError(code: string, message: string): ApiError {
  const description = message.replace(/["\\]/g, '');
  return new ApiError(401, code, message, null, null, {
    'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
  });
}

/**
 * Verified tokens, so a client's every request does not pay for HMAC verification again (supabase-js
 * sends the same JWT for an hour). Only successes are kept; `exp` is re-checked on every use.
 */
const verified = new Map<string, { claims: JwtClaims; exp: number | undefined }>();
const VERIFIED_MAX = 1000;

async function verifyCached(token: string, secret: string): Promise<JwtResult> {
  const key = `${secret}\u0000${token}`;
  const hit = verified.get(key);
  if (hit) {
    if (hit.exp !== undefined && hit.exp + JWT_CLOCK_SKEW_SECONDS < Date.now() / 1000) {
      verified.delete(key);
      return { ok: false, reason: 'expired', message: 'JWT expired' };
    }
    return { ok: true, claims: hit.claims };
  }
  const result = await verifyJwt(token, secret);
  if (result.ok) {
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(key, { claims: result.claims, exp: typeof result.claims.exp === 'number' ? result.claims.exp : undefined });
  }
  return result;
}

export async function identify(req: ServiceRequest, ctx: ServiceContext): Promise<RequestIdentity> {
  const header = req.headers.authorization;
  if (header === undefined) return { role: ANON_ROLE, claims: { role: ANON_ROLE } };
  const match = /^bearer\s*(.*)$/i.exec(header.trim());
  if (!match) return { role: ANON_ROLE, claims: { role: ANON_ROLE } };
  const result = await verifyCached(match[1]!.trim(), ctx.keys.jwtSecret);
  if (!result.ok) {
    throw result.reason === 'expired' ? jwtError('PGRST303', 'JWT expired') : jwtError('PGRST301', result.message);
  }
  const role = typeof result.claims.role === 'string' && result.claims.role !== '' ? result.claims.role : ANON_ROLE;
  return { role, claims: { ...result.claims, role } };
}

/** The schema a request targets; only `api.schemas` are exposed. */
export function chooseSchema(req: ServiceRequest, schemas: string[]): string {
  const write = !(req.method === 'GET' || req.method === 'HEAD');
  const requested = write ? req.headers['content-profile'] : req.headers['accept-profile'];
  if (requested === undefined || requested === '') return schemas[0] ?? 'public';
  if (!schemas.includes(requested)) {
    throw new ApiError(406, 'PGRST106', `Invalid schema: ${requested}`, null,
      `Only the following schemas are exposed: ${schemas.join(', ')}`);
  }
  return requested;
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}

/**
 * `[name, value]` pairs for the transaction's one `set_config` select: search_path, the role's own
 * settings (statement_timeout …), role, claims, method, path, headers, cookies, timezone.
 */
export function transactionSettings(
  req: ServiceRequest,
  ctx: ServiceContext,
  cache: SchemaCache,
  identity: RequestIdentity,
  schema: string,
  timezone: string | undefined,
): Array<[string, string]> {
  const searchPath = [schema, ...ctx.config.api.extraSearchPath].map(ident).join(', ');
  const settings: Array<[string, string]> = [['search_path', searchPath]];
  for (const setting of cache.roleSettings.get(identity.role) ?? []) settings.push(setting);
  settings.push(
    ['role', identity.role],
    ['request.jwt.claims', JSON.stringify(identity.claims)],
    ['request.method', req.method],
    ['request.path', req.path],
    ['request.headers', JSON.stringify(req.headers)],
    ['request.cookies', JSON.stringify(parseCookies(req.headers.cookie))],
  );
  if (timezone !== undefined) settings.push(['timezone', timezone]);
  return settings;
}
