/**
 * JWTs as every service needs them: Auth signs access tokens, and REST, Auth, Storage, Realtime and
 * Functions each verify the Bearer token themselves (as PostgREST, GoTrue and the edge runtime do upstream).
 *
 * Two kinds of key, as on Supabase: the project's HS256 secret (the CLI's demo anon and service_role
 * keys, and access tokens when no signing key is configured), and asymmetric signing keys (ES256 or
 * RS256, `[auth] signing_keys_path`) whose public halves Auth publishes at /.well-known/jwks.json.
 * Every verifier accepts both: verifyJwt takes the secret, and the asymmetric keys registered for that
 * secret (registerSigningKeys) are looked up by the token's `kid`.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, jwtVerify, errors as joseErrors } from 'jose';

/** Clock skew PostgREST and GoTrue allow on exp/nbf/iat. */
export const JWT_CLOCK_SKEW_SECONDS = 30;

export type JwtClaims = Record<string, unknown> & { role?: string; sub?: string; exp?: number };

export function signJwt(claims: JwtClaims, secret: string): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

export type AsymmetricAlgorithm = 'ES256' | 'RS256';

export interface SigningKey {
  kid: string;
  alg: AsymmetricAlgorithm;
  privateKey: KeyObject;
}

/** A parsed signing-keys file: the one key that signs, and the public JWKs of all (what JWKS serves). */
export interface SigningKeySet {
  signing: SigningKey;
  verification: Array<{ kid: string; alg: AsymmetricAlgorithm; publicKey: KeyObject }>;
  jwks: Array<Record<string, unknown>>;
}

/** Signs with the asymmetric key, the header carrying its `kid` as GoTrue's does. */
export function signJwtWithKey(claims: JwtClaims, key: SigningKey): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

/** kid → secret of a stack that uses the key → the key. Two stacks in one process may share a keys file. */
const registered = new Map<string, Map<string, { alg: AsymmetricAlgorithm; publicKey: KeyObject }>>();

/**
 * Makes verifyJwt(token, secret) accept tokens signed by these keys. Keyed by `kid` (random per key)
 * and bound to the stack's secret, so stacks in one process do not accept each other's tokens.
 */
export function registerSigningKeys(secret: string, keys: SigningKeySet): void {
  for (const key of keys.verification) {
    const stacks = registered.get(key.kid) ?? new Map();
    stacks.set(secret, { alg: key.alg, publicKey: key.publicKey });
    registered.set(key.kid, stacks);
  }
}

export function unregisterSigningKeys(secret: string, keys: SigningKeySet): void {
  for (const key of keys.verification) {
    const stacks = registered.get(key.kid);
    stacks?.delete(secret);
    if (stacks?.size === 0) registered.delete(key.kid);
  }
}

function algorithmOf(jwk: Record<string, unknown>, where: string): AsymmetricAlgorithm {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && (jwk.alg === undefined || jwk.alg === 'ES256')) return 'ES256';
  if (jwk.kty === 'RSA' && (jwk.alg === undefined || jwk.alg === 'RS256')) return 'RS256';
  throw new Error(`${where}: only EC P-256 keys (ES256) and RSA keys (RS256) can sign tokens, not kty ${String(jwk.kty)} alg ${String(jwk.alg)}`);
}

/**
 * Reads a JWK array as `supabase gen signing-key` writes it. Like GoTrue, exactly one key must have
 * `sign` among its `key_ops`; the others only verify (keys being rotated in or out).
 */
export function parseSigningKeys(text: string, where: string): SigningKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const verification: SigningKeySet['verification'] = [];
  const jwks: SigningKeySet['jwks'] = [];
  const signing: SigningKey[] = [];
  for (const [index, item] of list.entries()) {
    const at = `${where}: key ${index + 1}`;
    if (!item || typeof item !== 'object') throw new Error(`${at} is not a JWK object`);
    const jwk = item as Record<string, unknown>;
    const alg = algorithmOf(jwk, at);
    if (typeof jwk.kid !== 'string' || jwk.kid === '') throw new Error(`${at} has no "kid"`);
    let publicKey: KeyObject;
    let privateKey: KeyObject | undefined;
    try {
      if (typeof jwk.d === 'string') {
        privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
        publicKey = createPublicKey(privateKey);
      } else {
        publicKey = createPublicKey({ key: jwk, format: 'jwk' });
      }
    } catch (error) {
      throw new Error(`${at} is not a valid ${alg} key (${(error as Error).message})`, { cause: error });
    }
    const ops = Array.isArray(jwk.key_ops) ? jwk.key_ops : [];
    if (ops.includes('sign')) {
      if (!privateKey) throw new Error(`${at} has "sign" in key_ops but no private part ("d")`);
      signing.push({ kid: jwk.kid, alg, privateKey });
    }
    verification.push({ kid: jwk.kid, alg, publicKey });
    jwks.push(publicJwk(publicKey, jwk.kid, alg, jwk.ext));
  }
  if (signing.length === 0) throw new Error(`${where}: no signing key detected (one key needs "sign" in key_ops)`);
  if (signing.length > 1) throw new Error(`${where}: multiple signing keys detected, only 1 signing key is supported`);
  return { signing: signing[0]!, verification, jwks };
}

/** The public half as GoTrue publishes it: `use: sig`, `key_ops: [verify]`, fields sorted by name. */
function publicJwk(publicKey: KeyObject, kid: string, alg: AsymmetricAlgorithm, ext: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig', key_ops: ['verify'] };
  if (typeof ext === 'boolean') fields.ext = ext;
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)));
}

/** A new private JWK as `supabase gen signing-key --algorithm <alg>` makes it (ES256 unless asked). */
export function generateSigningKey(alg: AsymmetricAlgorithm = 'ES256'): Record<string, unknown> {
  const { privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', key_ops: ['sign', 'verify'], alg, ext: true };
}

export type JwtResult =
  | { ok: true; claims: JwtClaims }
  | { ok: false; reason: 'expired' | 'invalid'; message: string };

const INVALID = { ok: false, reason: 'invalid', message: 'JWT cryptographic operation failed' } as const;

/**
 * Verifies a JWT the way PostgREST does: exactly three parts; HS256 with the secret, or ES256/RS256
 * with a registered key of this secret's stack named by `kid` (`alg: none` and everything else
 * refused); then exp/nbf/iat with 30 s of skew.
 */
export async function verifyJwt(token: string, secret: string): Promise<JwtResult> {
  if (token === '') return { ok: false, reason: 'invalid', message: 'Empty JWT is sent in Authorization header' };
  const parts = token.split('.');
  if (parts.length !== 3) {
    return { ok: false, reason: 'invalid', message: `Expected 3 parts in JWT; got ${parts.length}` };
  }
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return INVALID;
  }
  let key: KeyObject | Uint8Array;
  let algorithm: string;
  if (header.alg === 'HS256') {
    key = new TextEncoder().encode(secret);
    algorithm = 'HS256';
  } else {
    const found = typeof header.kid === 'string' ? registered.get(header.kid)?.get(secret) : undefined;
    if (!found || found.alg !== header.alg) return INVALID;
    key = found.publicKey;
    algorithm = found.alg;
  }
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: [algorithm], clockTolerance: JWT_CLOCK_SKEW_SECONDS });
    return { ok: true, claims: payload };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired', message: 'JWT expired' };
    return INVALID;
  }
}
