/** The gateway's idea of the client: the socket's peer, or what trusted proxies forwarded. */
import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustedProxies } from './client-ip.ts';

const none = new Set<string>();
const proxies = new Set(['10.0.0.1', '10.0.0.2']);

describe('clientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('::ffff:127.0.0.5', undefined, none)).toBe('127.0.0.5');
    expect(clientAddress('127.0.0.5', '198.51.100.1', none)).toBe('127.0.0.5');
    expect(clientAddress('127.0.0.5', '198.51.100.1', proxies)).toBe('127.0.0.5');
  });

  it("takes the first untrusted address from the right of a trusted proxy's header", () => {
    expect(clientAddress('10.0.0.1', '203.0.113.7', proxies)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.1', 'forged, 192.0.2.1, 203.0.113.7, 10.0.0.2', proxies)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:10.0.0.1', '2001:DB8::1', proxies)).toBe('2001:db8::1');
  });

  it('stops at a malformed entry and keeps the last address a trusted proxy vouched for', () => {
    expect(clientAddress('10.0.0.1', 'garbage', proxies)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', '203.0.113.7, not-an-ip, 10.0.0.2', proxies)).toBe('10.0.0.2');
  });

  it('is the leftmost address when every hop is a trusted proxy', () => {
    expect(clientAddress('10.0.0.1', '10.0.0.2', proxies)).toBe('10.0.0.2');
  });
});

describe('parseTrustedProxies', () => {
  it('reads comma-separated addresses and refuses anything else', () => {
    expect(parseTrustedProxies(undefined, 'X')).toEqual([]);
    expect(parseTrustedProxies(' 10.0.0.1 , ::ffff:10.0.0.2,::1', 'X')).toEqual(['10.0.0.1', '10.0.0.2', '::1']);
    expect(() => parseTrustedProxies('10.0.0.0/8', 'SUPABASE_LOCAL_TRUSTED_PROXIES')).toThrow(
      'SUPABASE_LOCAL_TRUSTED_PROXIES: "10.0.0.0/8" is not an IP address',
    );
  });
});
