/**
 * Mailgun's inbound webhooks ("forward" routes): a form POST whose `signature` is the hex HMAC-SHA256 of
 * `timestamp + token` under the account's webhook signing key. Web Crypto only, no imports, so Deno and
 * the Node tests share it.
 */

/** Mailgun's own advice: refuse a signature whose timestamp is further than this from now. */
export const SIGNATURE_MAX_AGE_SECONDS = 5 * 60;

const encoder = new TextEncoder();

export async function hmacSha256Hex(key: string, message: string): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(message)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Compares in time independent of where the strings differ, so the signature cannot be guessed byte by byte. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'mismatch' | 'expired' | 'replayed' };

/**
 * Tokens already accepted, with when they stop mattering: a signed request replayed inside the time
 * window is refused. Per isolate only; a replay that reaches another one is still harmless, as the
 * database posts each Message-Id once (`duplicate`).
 */
export class ReplayGuard {
  #seen = new Map<string, number>();

  /** True the first time `token` is offered within its window; false for a replay. */
  accept(token: string, nowSeconds: number): boolean {
    for (const [seen, until] of this.#seen) if (until < nowSeconds) this.#seen.delete(seen);
    if (this.#seen.has(token)) return false;
    this.#seen.set(token, nowSeconds + 2 * SIGNATURE_MAX_AGE_SECONDS);
    return true;
  }
}

/**
 * Checks a webhook's `timestamp`, `token` and `signature` against `signingKey`: all present, the HMAC
 * matching, the timestamp within five minutes of `nowSeconds`, the token not seen before (the guard
 * records it only once everything else holds, so a forged request cannot burn a real token).
 */
export async function verifyMailgunSignature(
  signingKey: string,
  fields: { timestamp?: string | null; token?: string | null; signature?: string | null },
  guard: ReplayGuard,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<SignatureCheck> {
  const { timestamp, token, signature } = fields;
  if (!timestamp || !token || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing' };
  const expected = await hmacSha256Hex(signingKey, timestamp + token);
  if (!constantTimeEqual(expected, signature.toLowerCase())) return { ok: false, reason: 'mismatch' };
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_MAX_AGE_SECONDS) return { ok: false, reason: 'expired' };
  if (!guard.accept(token, nowSeconds)) return { ok: false, reason: 'replayed' };
  return { ok: true };
}
