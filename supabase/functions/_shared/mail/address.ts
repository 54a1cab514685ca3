/**
 * Addresses and header values. Plain TypeScript with no imports (Deno and the Node tests share it).
 *
 * Every header this project writes passes `headerValue`, which refuses CR and LF outright: a name or a
 * subject carrying a line break could otherwise start a header of its own (Bcc: …) — header injection.
 * Text that comes from users is made one line first (`oneLine`), so a ticket subject with a line break
 * still gets its mail; the refusal is the last line of defence, not the normal path.
 */

/** RFC 5321 caps a path at 256 octets, so an address at 254. */
const MAX_ADDRESS_LENGTH = 254;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * A plain `local@domain.tld` address: dot-atom local part (no quoted strings, no comments, no IP
 * literals), a domain with at least one dot. Stricter than RFC 5322 on purpose: what passes can be put
 * in a header and an SMTP envelope without quoting, and nothing a real mailbox uses is refused.
 */
export function isValidAddress(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > MAX_ADDRESS_LENGTH) return false;
  const at = value.lastIndexOf('@');
  if (at <= 0 || at > 64) return false;
  return LOCAL_PART.test(value.slice(0, at)) && DOMAIN.test(value.slice(at + 1));
}

/** Thrown for a header value with a line break: the message can never be sent as it is. */
export class HeaderInjectionError extends Error {
  constructor(readonly header: string) {
    super(`The ${header} header contains a line break (CR or LF), which could inject headers; not sent.`);
    this.name = 'HeaderInjectionError';
  }
}

/** `value` unchanged, or a HeaderInjectionError when it contains CR or LF. */
export function headerValue(header: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new HeaderInjectionError(header);
  return value;
}

/**
 * Text from users (names, ticket subjects) as one line: every run of whitespace, line breaks and other
 * control characters becomes one space, and the result is cut to `max` characters.
 */
export function oneLine(value: string, max = 200): string {
  // deno-lint-ignore no-control-regex
  const flat = value.replace(/[\s\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/**
 * A display name safe to put before `<address>`: one line, and without the characters that end or
 * restructure a quoted phrase. Empty when nothing is left, so the caller sends the bare address.
 */
export function displayName(name: string | null | undefined): string {
  return oneLine((name ?? '').replace(/["\\<>]/g, ''), 80);
}
