/**
 * Signed URL tokens as storage-api makes them: HS256 JWTs signed with the project's JWT secret,
 * `{url: "<bucket>/<key>", scope, iat, exp}`, plus `owner` and `upsert` for uploads. Tokens without a
 * scope (older storage-api, the CLI's pinned one) are read as theirs: `upsert` present means upload.
 */
import { jwtVerify, errors as joseErrors } from 'jose';
import { signJwt } from '../core/jwt.ts';
import { errors } from './errors.ts';

/** The CLI's SIGNED_UPLOAD_URL_EXPIRATION_TIME. */
export const SIGNED_UPLOAD_URL_SECONDS = 7200;

export function signDownload(secret: string, url: string, expiresIn: number): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({ url, scope: 'download', iat, exp: iat + expiresIn }, secret);
}

export function signUpload(secret: string, url: string, owner: string | null, upsert: boolean): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({ owner: owner ?? undefined, url, upsert, scope: 'upload', iat, exp: iat + SIGNED_UPLOAD_URL_SECONDS }, secret);
}

export interface VerifiedToken {
  url: string;
  exp: number;
  owner: string | null;
  upsert: boolean;
}

/** Signature, then scope, then that the token is for exactly this object, then expiry. */
export async function verifyToken(secret: string, token: string | null, scope: 'download' | 'upload', url: string): Promise<VerifiedToken> {
  if (!token) throw errors.invalidRequest("querystring must have required property 'token'");
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'], currentDate: new Date(0) }));
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw errors.invalidJwt('signature verification failed');
    throw errors.invalidJwt(error instanceof Error ? error.message : 'Invalid JWT');
  }
  const tokenScope = typeof payload.scope === 'string' ? payload.scope : 'upsert' in payload ? 'upload' : 'download';
  if (tokenScope !== scope) throw errors.invalidSignature(`The token's scope is ${tokenScope}, not ${scope}`);
  if (payload.url !== url) throw errors.invalidSignature();
  const exp = typeof payload.exp === 'number' ? payload.exp : 0;
  if (exp * 1000 <= Date.now()) throw errors.expiredToken();
  return {
    url,
    exp,
    owner: typeof payload.owner === 'string' ? payload.owner : null,
    upsert: payload.upsert === true,
  };
}
