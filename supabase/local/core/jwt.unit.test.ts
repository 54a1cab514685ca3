/** Signing keys: parsing as GoTrue does, and verification bound to the stack that registered them. */
import { describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  parseSigningKeys,
  registerSigningKeys,
  signJwt,
  signJwtWithKey,
  unregisterSigningKeys,
  verifyJwt,
} from './jwt.ts';

const SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
const claims = () => ({ sub: 'someone', role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 60 });

describe('signing keys', () => {
  it.each(['ES256', 'RS256'] as const)('sign %s tokens that verify once registered, for their stack only', async (alg) => {
    const set = parseSigningKeys(JSON.stringify([generateSigningKey(alg)]), 'test');
    const token = await signJwtWithKey(claims(), set.signing);
    expect(await verifyJwt(token, SECRET)).toMatchObject({ ok: false, reason: 'invalid' });
    registerSigningKeys(SECRET, set);
    try {
      expect(await verifyJwt(token, SECRET)).toMatchObject({ ok: true, claims: { sub: 'someone' } });
      expect(await verifyJwt(token, 'another stack secret, also 32 characters long')).toMatchObject({ ok: false });
      // HS256 with the secret keeps working beside them.
      expect(await verifyJwt(await signJwt(claims(), SECRET), SECRET)).toMatchObject({ ok: true });
    } finally {
      unregisterSigningKeys(SECRET, set);
    }
    expect(await verifyJwt(token, SECRET)).toMatchObject({ ok: false });
  });

  it('serves two stacks sharing one keys file, each until it unregisters', async () => {
    const set = parseSigningKeys(JSON.stringify([generateSigningKey()]), 'test');
    const other = 'the other stack secret, at least 32 characters';
    registerSigningKeys(SECRET, set);
    registerSigningKeys(other, set);
    const token = await signJwtWithKey(claims(), set.signing);
    unregisterSigningKeys(SECRET, set);
    expect(await verifyJwt(token, SECRET)).toMatchObject({ ok: false });
    expect(await verifyJwt(token, other)).toMatchObject({ ok: true });
    unregisterSigningKeys(other, set);
    expect(await verifyJwt(token, other)).toMatchObject({ ok: false });
  });

  it('reports expiry for asymmetric tokens as for HS256 ones', async () => {
    const set = parseSigningKeys(JSON.stringify([generateSigningKey()]), 'test');
    registerSigningKeys(SECRET, set);
    try {
      const old = await signJwtWithKey({ ...claims(), exp: Math.floor(Date.now() / 1000) - 120 }, set.signing);
      expect(await verifyJwt(old, SECRET)).toEqual({ ok: false, reason: 'expired', message: 'JWT expired' });
    } finally {
      unregisterSigningKeys(SECRET, set);
    }
  });

  it('refuses files GoTrue refuses, saying why', () => {
    const key = generateSigningKey();
    expect(() => parseSigningKeys('{', 'keys.json')).toThrow(/keys.json: not JSON/);
    expect(() => parseSigningKeys(JSON.stringify([{ ...key, key_ops: ['verify'] }]), 'keys.json')).toThrow(/no signing key detected/);
    expect(() => parseSigningKeys(JSON.stringify([key, generateSigningKey('RS256')]), 'keys.json')).toThrow(/multiple signing keys/);
    expect(() => parseSigningKeys(JSON.stringify([{ kty: 'oct', k: 'c2VjcmV0', kid: 'x', key_ops: ['sign'] }]), 'keys.json')).toThrow(
      /only EC P-256 keys \(ES256\) and RSA keys \(RS256\)/,
    );
    const { d: _private, ...publicOnly } = key;
    expect(() => parseSigningKeys(JSON.stringify([publicOnly]), 'keys.json')).toThrow(/"sign" in key_ops but no private part/);
    expect(() => parseSigningKeys(JSON.stringify([{ ...key, kid: undefined }]), 'keys.json')).toThrow(/has no "kid"/);
  });

  it('makes ES256 keys by default, as the CLI does', () => {
    expect(generateSigningKey()).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', key_ops: ['sign', 'verify'], use: 'sig' });
    expect(generateSigningKey('RS256')).toMatchObject({ kty: 'RSA', alg: 'RS256' });
  });
});
