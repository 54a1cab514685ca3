/** Reading GoTrue requests: JSON bodies, the e-mail and password rules, and Go's timestamp format. */
import { jsonDepth, MAX_JSON_DEPTH } from '../core/json.ts';
import type { ServiceRequest } from '../core/service.ts';
import type { ProjectConfig } from '../core/project-config.ts';
import { AuthError, badRequest } from './errors.ts';

export type Json = Record<string, unknown>;

/** The body as a JSON object; an empty body reads as `{}` (GoTrue accepts bodiless POSTs). */
export function readJson(req: ServiceRequest): Json {
  const text = req.body.toString('utf8').trim();
  if (text === '') return {};
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw badRequest('bad_json', `Could not parse request body as JSON: nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest('bad_json', `Could not parse request body as JSON: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('bad_json', 'Could not parse request body as JSON: expected an object');
  }
  // Valid JSON that Postgres cannot store (a NUL anywhere: e-mail, token, metadata) is refused here,
  // naming the field, before any endpoint reads it.
  for (const [key, field] of Object.entries(value)) {
    const problem = unstorable(key);
    if (problem) throw badRequest('validation_failed', `The request body cannot have a key containing ${problem}`);
    checkStorable(field, key);
  }
  return value as Json;
}

export function optionalString(body: Json, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest('validation_failed', `${key} must be a string`);
  return value;
}

export function optionalObject(body: Json, key: string): Json | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('validation_failed', `${key} must be an object`);
  }
  return value as Json;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Postgres cannot store U+0000 in text or jsonb, nor half of a UTF-16 surrogate pair in jsonb: such input
 * would fail the write with a 500, so it is refused up front with what was wrong.
 */
function unstorable(value: string): string | undefined {
  if (value.includes('\u0000')) return 'the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'an unpaired UTF-16 surrogate';
  return undefined;
}

interface Visit {
  value: unknown;
  parent?: Visit;
  /** `.key` or `[index]` under the parent. */
  step: string;
}

const pathOf = (visit: Visit): string => (visit.parent ? pathOf(visit.parent) : '') + visit.step;

/** Walks the value without recursion (readJson has bounded its depth already). */
function checkStorable(root: unknown, rootPath: string): void {
  const pending: Visit[] = [{ value: root, step: rootPath }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      const problem = unstorable(value);
      if (problem) throw badRequest('validation_failed', `${pathOf(visit)} cannot contain ${problem}`);
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, parent: visit, step: `[${index}]` }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const problem = unstorable(key);
      if (problem) throw badRequest('validation_failed', `${pathOf(visit)} cannot have a key containing ${problem}`);
      pending.push({ value: item, parent: visit, step: `.${key}` });
    }
  }
}

// The shape checkmail.ValidateFormat accepts: a dot-atom local part, '@', and a dotted host.
const EMAIL_FORMAT =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** GoTrue's validateEmail: required, ≤ 255 characters, well-formed; stored lower-cased. */
export function validateEmail(email: string | undefined): string {
  if (!email) throw badRequest('validation_failed', 'An email address is required');
  if (email.length > 255) throw badRequest('validation_failed', 'An email address is too long');
  if (!EMAIL_FORMAT.test(email)) {
    throw badRequest('validation_failed', 'Unable to validate email address: invalid format');
  }
  return email.toLowerCase();
}

/** GoTrue's validatePhone: a leading `+` and spaces dropped, then E.164's shape (digits only, 2 to 15). */
export function validatePhone(phone: string): string {
  const digits = phone.replace(/^\+/, '').replaceAll(' ', '');
  if (!/^[1-9]\d{1,14}$/.test(digits)) throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)');
  return digits;
}

/** bcrypt reads at most 72 bytes, so GoTrue refuses longer passwords instead of truncating them. */
export const MAX_PASSWORD_BYTES = 72;

/** Why a password is weak under the project's rules, or undefined when it is acceptable. */
export function passwordWeakness(
  password: string,
  config: ProjectConfig['auth'],
): { message: string; reasons: string[] } | undefined {
  // Go's len(): bytes, so GoTrue counts a multi-byte character more than once.
  if (Buffer.byteLength(password, 'utf8') < config.minimumPasswordLength) {
    return {
      message: `Password should be at least ${config.minimumPasswordLength} characters.`,
      reasons: ['length'],
    };
  }
  return undefined;
}

/** checkPasswordStrength: too long is a 400, too weak a 422 `weak_password` with its reasons. */
export function checkPasswordStrength(password: string, config: ProjectConfig['auth']): void {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw badRequest('validation_failed', `Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  }
  const weakness = passwordWeakness(password, config);
  if (weakness) {
    throw new AuthError(422, 'weak_password', weakness.message, { weak_password: { reasons: weakness.reasons } });
  }
}

/**
 * Go's `time.Time` JSON (RFC 3339 with trimmed nanoseconds, UTC): `2026-01-02T03:04:05.123456Z`.
 * Input is Postgres' JSON rendering of a timestamptz, which keeps microseconds.
 */
export function goTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d(?::?\d\d)?)?$/.exec(value);
  if (!match) return undefined;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const wholeSeconds = new Date(`${match[1]}${normaliseOffset(match[3])}`);
  if (Number.isNaN(wholeSeconds.getTime())) return undefined;
  return `${wholeSeconds.toISOString().slice(0, 19)}${fraction === '.' ? '' : fraction}Z`;
}

function normaliseOffset(offset: string | undefined): string {
  if (!offset || offset === 'Z') return 'Z';
  return offset.length === 3 ? `${offset}:00` : offset.replace(/^([+-]\d\d)(\d\d)$/, '$1:$2');
}

/** Whole seconds since the epoch. */
export const unixNow = () => Math.floor(Date.now() / 1000);

export function userAgent(req: ServiceRequest): string | null {
  return req.headers['user-agent'] ?? null;
}

/** The key of the caller's rate limits: the client address the gateway determined. */
export function rateLimitKey(req: ServiceRequest): string {
  return clientIp(req) ?? req.ip;
}

/** The client address as an `inet`, or null when the gateway passed something Postgres would refuse. */
export function clientIp(req: ServiceRequest): string | null {
  const ip = req.ip.replace(/^::ffff:/, '');
  return /^[0-9a-fA-F:.]+$/.test(ip) ? ip : null;
}
