/**
 * What GoTrue answers for the features the local stack leaves off, exactly as it answers when each is
 * disabled in config.toml: passkeys, SSO/SAML, the OAuth 2.1 server, custom OAuth providers, Web3
 * sign-in and `id_token` sign-in (no OAuth provider is configured, so every provider is "not enabled").
 */
import { json, type ServiceRequest, type ServiceResponse } from '../core/service.ts';
import { badRequest, notFound, OAuthError, unprocessable } from './errors.ts';
import type { AuthEnv, Endpoint } from './env.ts';
import { requireAdmin, userClaims } from './guard.ts';
import { optionalString, readJson } from './request.ts';

const passkeysDisabled = () => notFound('passkey_disabled', 'Passkeys are disabled');
const samlDisabled = () => notFound('saml_provider_disabled', 'SAML 2.0 is disabled');
const oauthServerDisabled = () => notFound('feature_disabled', 'OAuth server is disabled');

/**
 * The routes of disabled features, answered before anything else is looked at (GoTrue's `require…Enabled`
 * middleware runs first on them, after the admin check on admin routes); undefined for other paths.
 */
export async function disabledFeature(env: AuthEnv, req: ServiceRequest): Promise<ServiceResponse | undefined> {
  const path = req.path;
  if (path === '/passkeys' || path.startsWith('/passkeys/')) throw passkeysDisabled();
  if (path === '/sso' || path.startsWith('/sso/')) throw samlDisabled();
  if (path.startsWith('/oauth/') || path === '/.well-known/oauth-authorization-server') throw oauthServerDisabled();
  if (path === '/user/oauth/grants') {
    // Under /user, so the caller is authenticated first.
    await userClaims(env.ctx, req);
    throw oauthServerDisabled();
  }
  if (path.startsWith('/admin/')) {
    const passkeys = /^\/admin\/users\/[^/]+\/passkeys(\/[^/]+)?$/.test(path);
    const oauthClients = path === '/admin/oauth/clients' || path.startsWith('/admin/oauth/');
    const customProviders = path === '/admin/custom-providers' || path.startsWith('/admin/custom-providers/');
    const sso = /^\/admin\/sso\/providers(\/[^/]+)?$/.exec(path);
    if (!passkeys && !oauthClients && !customProviders && !sso) return undefined;
    await requireAdmin(env.ctx, req);
    if (passkeys) throw passkeysDisabled();
    if (oauthClients) throw oauthServerDisabled();
    if (customProviders) throw notFound('feature_disabled', 'Custom OAuth providers are disabled');
    // SSO administration is not behind the SAML switch in GoTrue: with no providers, the list is empty
    // and any one of them is not found.
    if (sso && !sso[1] && req.method === 'GET') return json(200, { items: [] });
    if (sso && sso[1] && ['GET', 'PUT', 'DELETE'].includes(req.method)) {
      throw notFound('sso_provider_not_found', 'SSO Identity Provider not found');
    }
  }
  return undefined;
}

/** `grant_type=web3`: neither Solana nor Ethereum sign-in is enabled. */
export const web3Grant: Endpoint = async () => {
  throw unprocessable('web3_provider_disabled', 'Web3 provider is disabled');
};

const ISSUERS: Record<string, string> = {
  google: 'https://accounts.google.com',
  facebook: 'https://www.facebook.com',
  kakao: 'https://kauth.kakao.com',
  snapchat: 'https://accounts.snapchat.com/accounts/oauth2/token',
  vercel_marketplace: 'https://marketplace.vercel.com',
};
const APPLE_ISSUER = 'https://appleid.apple.com';
const AZURE_ISSUER = /^https:\/\/login\.microsoftonline\.com\/[^/]+\/v2\.0$/;

/** The `iss` of an ID token read without verifying it, as GoTrue reads it to pick Apple's or Azure's keys. */
function unverifiedIssuer(idToken: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}

/** `grant_type=id_token` (signInWithIdToken): GoTrue's checks up to the provider, which is never enabled here. */
export const idTokenGrant: Endpoint = async (_env, req) => {
  const body = readJson(req);
  const idToken = optionalString(body, 'id_token') ?? '';
  const provider = optionalString(body, 'provider') ?? '';
  const issuer = optionalString(body, 'issuer') ?? '';
  const clientId = optionalString(body, 'client_id') ?? '';
  if (!idToken) throw new OAuthError('invalid request', 'id_token required');
  if (!provider && (!clientId || !issuer)) throw new OAuthError('invalid request', 'provider or client_id and issuer required');
  if (body.link_identity === true && !req.headers.authorization) {
    throw new OAuthError('invalid request', 'Linking requires a valid user access token in Authorization');
  }
  const disabled = (iss: string) => badRequest('provider_disabled', `Provider (issuer ${JSON.stringify(iss)}) is not enabled`);
  for (const [name, label, matches] of [
    ['apple', 'Apple', (iss: string) => iss === APPLE_ISSUER],
    ['azure', 'Azure', (iss: string) => AZURE_ISSUER.test(iss)],
  ] as const) {
    if (provider !== name && !(issuer && matches(issuer))) continue;
    const detected = unverifiedIssuer(idToken);
    if (!detected) throw badRequest('validation_failed', `Unable to detect issuer in ID token for ${label} provider`);
    if (!matches(detected)) throw badRequest('validation_failed', `Detected ID token issuer is not an ${label} ID token issuer`);
    if (issuer && issuer !== detected) throw badRequest('validation_failed', 'Provided issuer does not match ID token issuer');
    throw disabled(detected);
  }
  for (const [name, iss] of Object.entries(ISSUERS)) {
    if (provider === name || (issuer && issuer === iss)) throw disabled(iss);
  }
  // Keycloak's issuer is its configured URL, and it has none here.
  if (provider === 'keycloak') throw disabled('');
  if (provider.startsWith('custom:')) throw badRequest('validation_failed', 'Custom OAuth providers are disabled');
  throw badRequest('validation_failed', `Custom OIDC provider ${JSON.stringify(provider)} not allowed`);
};
