/**
 * What Supabase's Kong does with keys before a request reaches a service: require an `apikey`, and
 * compute the upstream Authorization so that both the legacy JWT keys and the new `sb_` keys work.
 */
import type { StackKeys } from '../core/keys.ts';

export type KeyCheck = { ok: true; authorization: string | undefined } | { ok: false; status: number; body: unknown };

export function checkApiKey(keys: StackKeys, apikey: string | undefined, authorization: string | undefined): KeyCheck {
  if (!apikey) {
    return {
      ok: false,
      status: 401,
      body: { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' },
    };
  }
  const known = [keys.anonKey, keys.serviceRoleKey, keys.publishableKey, keys.secretKey];
  if (!known.includes(apikey)) {
    return {
      ok: false,
      status: 401,
      body: { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' },
    };
  }
  return { ok: true, authorization: upstreamAuthorization(keys, apikey, authorization) };
}

/** The CLI's Kong rule (apps/cli-go/internal/start/start.go): keep a real Bearer, map `sb_` keys. */
export function upstreamAuthorization(keys: StackKeys, apikey: string | undefined, authorization: string | undefined) {
  if (authorization && !/^Bearer sb_/i.test(authorization)) return authorization;
  if (apikey === keys.secretKey) return `Bearer ${keys.serviceRoleKey}`;
  if (apikey === keys.publishableKey) return `Bearer ${keys.anonKey}`;
  return apikey ? `Bearer ${apikey}` : authorization;
}
