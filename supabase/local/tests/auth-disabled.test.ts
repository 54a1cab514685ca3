/**
 * Features the project leaves off answer exactly as GoTrue answers when each is disabled: passkeys,
 * SSO/SAML, the OAuth 2.1 server, custom OAuth providers, Web3 and `id_token` sign-in.
 */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { anonClient, signedInClient, stack } from './helpers.ts';

async function call(method: string, path: string, init: { body?: unknown; token?: string } = {}) {
  const token = init.token ?? stack.anonKey;
  const response = await fetch(`${stack.apiUrl}/auth/v1${path}`, {
    method,
    headers: { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const refused = (status: number, code: string, message: string) => ({ status, body: { code, message } });

/** An unsigned-looking ID token whose claims GoTrue reads to pick the provider's keys. */
const idToken = (iss: string) => new SignJWT({ iss, sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('k'.repeat(32)));

describe('disabled features', () => {
  it('are all off in /settings, in GoTrue\'s shape', async () => {
    const { status, body } = await call('GET', '/settings');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual([
      'external', 'disable_signup', 'mailer_autoconfirm', 'phone_autoconfirm', 'sms_provider', 'saml_enabled', 'passkeys_enabled',
    ]);
    expect(Object.keys(body.external)).toEqual([
      'anonymous_users', 'apple', 'azure', 'bitbucket', 'discord', 'facebook', 'snapchat', 'figma', 'fly', 'github', 'gitlab',
      'google', 'keycloak', 'kakao', 'linkedin', 'linkedin_oidc', 'notion', 'spotify', 'slack', 'slack_oidc', 'workos',
      'twitch', 'twitter', 'email', 'phone', 'zoom',
    ]);
    const enabled = Object.entries(body.external).filter(([, on]) => on).map(([name]) => name);
    expect(enabled).toEqual(['email']);
    expect(body).toMatchObject({ phone_autoconfirm: false, sms_provider: '', saml_enabled: false, passkeys_enabled: false });
  });

  it('passkeys: 404 passkey_disabled on every passkey route, before authentication', async () => {
    const disabled = refused(404, 'passkey_disabled', 'Passkeys are disabled');
    expect(await call('POST', '/passkeys/authentication/options', { body: {} })).toEqual(disabled);
    expect(await call('POST', '/passkeys/registration/options', { body: {} })).toEqual(disabled);
    expect(await call('GET', '/passkeys')).toEqual(disabled);
    expect(await call('DELETE', '/passkeys/00000000-0000-4000-8000-000000000000')).toEqual(disabled);
    const admin = await call('GET', '/admin/users/00000000-0000-4000-8000-000000000000/passkeys', { token: stack.serviceRoleKey });
    expect(admin).toEqual(disabled);
    // The admin check comes first on admin routes.
    expect((await call('GET', '/admin/users/00000000-0000-4000-8000-000000000000/passkeys')).body.code).toBe('not_admin');
  });

  it('SSO: signInWithSSO answers 404 saml_provider_disabled; the admin list is empty', async () => {
    const { error } = await anonClient().auth.signInWithSSO({ domain: 'example.com' });
    expect(error).toMatchObject({ status: 404, code: 'saml_provider_disabled', message: 'SAML 2.0 is disabled' });
    expect(await call('GET', '/sso/saml/metadata')).toEqual(refused(404, 'saml_provider_disabled', 'SAML 2.0 is disabled'));
    expect(await call('POST', '/sso/saml/acs', { body: {} })).toEqual(refused(404, 'saml_provider_disabled', 'SAML 2.0 is disabled'));
    expect(await call('GET', '/admin/sso/providers', { token: stack.serviceRoleKey })).toEqual({ status: 200, body: { items: [] } });
    expect(await call('GET', '/admin/sso/providers/00000000-0000-4000-8000-000000000000', { token: stack.serviceRoleKey })).toEqual(
      refused(404, 'sso_provider_not_found', 'SSO Identity Provider not found'),
    );
  });

  it('OIDC discovery is served as GoTrue serves it, naming the (disabled) OAuth server endpoints', async () => {
    const { status, body } = await call('GET', '/.well-known/openid-configuration');
    expect(status).toBe(200);
    const issuer = `${stack.apiUrl}/auth/v1`;
    expect(body).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['RS256', 'HS256', 'ES256'],
    });
    expect(body).not.toHaveProperty('registration_endpoint');
  });

  it('OAuth 2.1 server and custom providers: 404 feature_disabled', async () => {
    const disabled = refused(404, 'feature_disabled', 'OAuth server is disabled');
    expect(await call('GET', '/oauth/authorize?client_id=x')).toEqual(disabled);
    expect(await call('POST', '/oauth/token', { body: {} })).toEqual(disabled);
    expect(await call('POST', '/oauth/clients/register', { body: {} })).toEqual(disabled);
    expect(await call('GET', '/.well-known/oauth-authorization-server')).toEqual(disabled);
    expect(await call('GET', '/admin/oauth/clients', { token: stack.serviceRoleKey })).toEqual(disabled);
    const { client } = await signedInClient();
    const token = (await client.auth.getSession()).data.session!.access_token;
    expect(await call('GET', '/user/oauth/grants', { token })).toEqual(disabled);
    expect((await call('GET', '/user/oauth/grants')).status).toBe(403);
    expect(await call('GET', '/admin/custom-providers', { token: stack.serviceRoleKey })).toEqual(
      refused(404, 'feature_disabled', 'Custom OAuth providers are disabled'),
    );
  });

  it('Web3: signInWithWeb3 answers 422 web3_provider_disabled', async () => {
    expect(await call('POST', '/token?grant_type=web3', { body: { chain: 'solana', message: 'm', signature: 's' } })).toEqual(
      refused(422, 'web3_provider_disabled', 'Web3 provider is disabled'),
    );
  });

  it('id_token: every provider is "not enabled", after GoTrue\'s own checks', async () => {
    const google = await anonClient().auth.signInWithIdToken({ provider: 'google', token: await idToken('https://accounts.google.com') });
    expect(google.error).toMatchObject({ status: 400, code: 'provider_disabled', message: 'Provider (issuer "https://accounts.google.com") is not enabled' });
    const apple = await anonClient().auth.signInWithIdToken({ provider: 'apple', token: await idToken('https://appleid.apple.com') });
    expect(apple.error).toMatchObject({ status: 400, code: 'provider_disabled', message: 'Provider (issuer "https://appleid.apple.com") is not enabled' });
    const notApple = await anonClient().auth.signInWithIdToken({ provider: 'apple', token: await idToken('https://evil.example') });
    expect(notApple.error).toMatchObject({ status: 400, message: 'Detected ID token issuer is not an Apple ID token issuer' });
    const custom = await call('POST', '/token?grant_type=id_token', { body: { provider: 'myoidc', id_token: 'x.y.z' } });
    expect(custom).toEqual(refused(400, 'validation_failed', 'Custom OIDC provider "myoidc" not allowed'));
    const missing = await call('POST', '/token?grant_type=id_token', { body: { provider: 'google' } });
    expect(missing).toEqual({ status: 400, body: { error: 'invalid request', error_description: 'id_token required' } });
    const neither = await call('POST', '/token?grant_type=id_token', { body: { id_token: 'x.y.z' } });
    expect(neither).toEqual({ status: 400, body: { error: 'invalid request', error_description: 'provider or client_id and issuer required' } });
    expect(await call('POST', '/token?grant_type=magic', { body: {} })).toEqual(refused(400, 'invalid_credentials', 'unsupported_grant_type'));
  });
});
