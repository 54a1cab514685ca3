/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) as GoTrue's TOTP factors use them
 * (pquerna/otp with GoTrue's settings): a 160-bit secret in unpadded base32, SHA-1, six digits, 30-second
 * steps, and one step of skew either way when verifying.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of the current one that still verify, for clocks that drift and codes typed slowly. */
const SKEW_STEPS = 1;
const SECRET_BYTES = 20;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** Unpadded (or padded) upper-case base32; undefined for anything else. */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.replace(/=+$/, '').toUpperCase();
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32.indexOf(char);
    if (value < 0) return undefined;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 255);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

export function newTotpSecret(): string {
  return base32Encode(randomBytes(SECRET_BYTES));
}

/** RFC 4226's HOTP value for one counter, zero-padded to `digits`. */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The code a authenticator app shows for `secret` at `atMs`. */
export function totpCode(secret: string, atMs = Date.now()): string {
  const key = base32Decode(secret);
  if (!key) throw new Error('TOTP secret is not base32');
  return hotp(key, Math.floor(atMs / 1000 / TOTP_PERIOD_SECONDS));
}

/** Whether `code` is the secret's code for the current step or one step before or after it. */
export function verifyTotp(code: string, secret: string, atMs = Date.now()): boolean {
  const key = base32Decode(secret);
  if (!key || !/^\d+$/.test(code) || code.length !== TOTP_DIGITS) return false;
  const step = Math.floor(atMs / 1000 / TOTP_PERIOD_SECONDS);
  let match = false;
  for (let delta = -SKEW_STEPS; delta <= SKEW_STEPS; delta += 1) {
    // Every step is compared, in constant time, so the answer's timing says nothing about which matched.
    const expected = Buffer.from(hotp(key, step + delta));
    if (timingSafeEqual(expected, Buffer.from(code))) match = true;
  }
  return match;
}

/** Go's url.QueryEscape: spaces as `+`, everything but unreserved characters percent-encoded. */
function queryEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** Go's URL path escaping: keeps `$&+,/:;=@` and unreserved characters, escapes the rest. */
function pathEscape(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** The `otpauth://` URI authenticator apps read (the QR code's content), parameters sorted as Go sorts them. */
export function otpauthUri(issuer: string, accountName: string, secret: string): string {
  const query = [
    ['algorithm', 'SHA1'],
    ['digits', String(TOTP_DIGITS)],
    ['issuer', issuer],
    ['period', String(TOTP_PERIOD_SECONDS)],
    ['secret', secret],
  ]
    .map(([key, value]) => `${key}=${queryEscape(value!)}`)
    .join('&');
  return `otpauth://totp/${pathEscape(`${issuer}:${accountName}`)}?${query}`;
}
