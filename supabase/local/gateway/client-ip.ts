/**
 * Who is calling, for rate limits and the addresses Auth records: the socket's peer, unless that peer is
 * a proxy the stack was told to trust (`SUPABASE_LOCAL_TRUSTED_PROXIES`). Only then is `X-Forwarded-For`
 * read, from the right: each trusted proxy appended the address it saw, so the first untrusted address
 * from the right is the client. Whatever a client writes into the header itself sits to the left of
 * that and is never used, so a forged header cannot pose as another client.
 */
import { isIP } from 'node:net';

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) is 127.0.0.1; IPv6 compares lower-cased. */
export function normaliseIp(address: string): string {
  const trimmed = address.trim().toLowerCase();
  return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

/** Parses the trusted proxies setting: comma-separated IP addresses; anything else is a startup error. */
export function parseTrustedProxies(value: string | undefined, source: string): string[] {
  if (!value?.trim()) return [];
  return value.split(',').map((entry) => {
    const ip = normaliseIp(entry);
    if (!isIP(ip)) throw new Error(`${source}: "${entry.trim()}" is not an IP address (list proxies' addresses, comma-separated)`);
    return ip;
  });
}

export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: ReadonlySet<string>,
): string {
  let client = normaliseIp(socketAddress ?? '127.0.0.1');
  if (!trustedProxies.has(client) || !forwardedFor) return client;
  const hops = forwardedFor.split(',').map(normaliseIp);
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = hops[i]!;
    // A malformed entry was not written by a proxy we trust: stop at the last address we can vouch for.
    if (!isIP(hop)) break;
    client = hop;
    if (!trustedProxies.has(hop)) break;
  }
  return client;
}
