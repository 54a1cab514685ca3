/**
 * The local stack's Supabase Auth (GoTrue v2.189) for what supabase-js 2.x calls: e-mail and password
 * sign-up and sign-in, anonymous sign-ins, rotating refresh tokens, signing keys and their JWKS, the
 * user's own record, sign-out, password recovery, magic links and e-mail codes, invites, e-mail changes,
 * reauthentication, the PKCE flow of the e-mail links (pkce.ts), multi-factor authentication (mfa.ts),
 * identity unlinking, the admin users API, the mails of all of these (see mail.ts), and GoTrue's answers
 * for the features left off (disabled.ts).
 * State lives in the real `auth.*` tables, so triggers, seeds and RLS see GoTrue's rows.
 */
import { isConnectionError } from '../core/db-errors.ts';
import type { ServiceContext, ServiceHandler, ServiceRequest, ServiceResponse } from '../core/service.ts';
import { json } from '../core/service.ts';
import { getUser, logout, updateUser } from './account.ts';
import { adminUsers } from './admin.ts';
import { AuthError, databaseUnavailable, errorResponse, notFound, OAuthError, unexpectedFailure } from './errors.ts';
import type { AuthEnv, Endpoint } from './env.ts';
import { AuthMailer } from './mail.ts';
import { AuthLimits } from './rate-limit.ts';
import { invite, generateLink } from './invite.ts';
import { adminFactors, factors } from './mfa.ts';
import { authorize, identities } from './identities.ts';
import { disabledFeature } from './disabled.ts';
import { otp, reauthenticate, resend } from './otp.ts';
import { recover, verifyGet, verifyPost } from './recovery.ts';
import { signup, token } from './sign-in.ts';

export interface AuthService {
  handle: ServiceHandler;
  close(): Promise<void>;
}

const GOTRUE_VERSION = 'v2.189.0';

const health: Endpoint = async () =>
  json(200, {
    version: GOTRUE_VERSION,
    name: 'GoTrue',
    description: 'GoTrue is a user registration and authentication API',
  });

/** The OAuth providers GoTrue v2.189 lists in /settings, in its order; none is configured here. */
const OAUTH_PROVIDERS = [
  'apple', 'azure', 'bitbucket', 'discord', 'facebook', 'snapchat', 'figma', 'fly', 'github', 'gitlab', 'google',
  'keycloak', 'kakao', 'linkedin', 'linkedin_oidc', 'notion', 'spotify', 'slack', 'slack_oidc', 'workos', 'twitch',
  'twitter',
];

const settings: Endpoint = async ({ ctx }) =>
  json(200, {
    external: {
      anonymous_users: ctx.config.auth.enableAnonymousSignIns,
      ...Object.fromEntries(OAUTH_PROVIDERS.map((name) => [name, false])),
      email: true,
      phone: false,
      zoom: false,
    },
    disable_signup: !ctx.config.auth.enableSignup,
    mailer_autoconfirm: !ctx.config.auth.enableConfirmations,
    phone_autoconfirm: false,
    sms_provider: '',
    saml_enabled: false,
    passkeys_enabled: false,
  });

/**
 * The public halves of `[auth] signing_keys_path`'s keys, for getClaims() and other verifiers; the HS256
 * secret is never published, so without signing keys the set is empty (as GoTrue's is).
 */
const jwks: Endpoint = async ({ ctx }) =>
  json(200, { keys: ctx.keys.signingKeys?.jwks ?? [] }, { 'cache-control': 'public, max-age=600' });

/**
 * OIDC discovery (`WellKnownOpenID`), which GoTrue serves whether or not its OAuth server is on; the
 * endpoints it names answer `feature_disabled` here as there.
 */
const openIdConfiguration: Endpoint = async ({ ctx }) => {
  const issuer = `${ctx.apiUrl}/auth/v1`;
  return json(
    200,
    {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      scopes_supported: ['openid', 'profile', 'email', 'phone'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'HS256', 'ES256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      claims_supported: [
        'sub', 'aud', 'iss', 'exp', 'iat', 'auth_time', 'nonce', 'email', 'email_verified', 'phone_number',
        'phone_number_verified', 'name', 'picture', 'preferred_username', 'updated_at',
      ],
      code_challenge_methods_supported: ['S256', 'plain'],
    },
    { 'cache-control': 'public, max-age=600' },
  );
};

const ROUTES: Record<string, Partial<Record<string, Endpoint>>> = {
  '/health': { GET: health },
  '/settings': { GET: settings },
  '/signup': { POST: signup },
  '/token': { POST: token },
  '/user': { GET: getUser, PUT: updateUser },
  '/logout': { POST: logout },
  '/recover': { POST: recover },
  '/otp': { POST: otp },
  '/magiclink': { POST: otp },
  '/resend': { POST: resend },
  '/reauthenticate': { GET: reauthenticate },
  '/invite': { POST: invite },
  '/admin/generate_link': { POST: generateLink },
  '/verify': { GET: verifyGet, POST: verifyPost },
  '/.well-known/jwks.json': { GET: jwks },
  '/.well-known/openid-configuration': { GET: openIdConfiguration },
  '/authorize': { GET: authorize },
};

export async function createAuthService(ctx: ServiceContext, options: { mfaRequestsPerMinute?: number } = {}): Promise<AuthService> {
  const env: AuthEnv = {
    ctx,
    limits: new AuthLimits(ctx.config.auth.rateLimit, ctx.config.auth.emailSentPerHour, Date.now, options.mfaRequestsPerMinute),
    mailer: new AuthMailer(ctx),
  };

  async function route(req: ServiceRequest): Promise<ServiceResponse> {
    const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
    const methods = Object.hasOwn(ROUTES, path) ? ROUTES[path]! : {};
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const endpoint = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (endpoint) return endpoint(env, req);
    const disabled = await disabledFeature(env, { ...req, path });
    if (disabled) return disabled;
    if (path.startsWith('/user/identities/')) {
      const response = await identities(env, { ...req, path });
      if (response) return response;
    }
    if (path.startsWith('/factors')) {
      const response = await factors(env, { ...req, path });
      if (response) return response;
    }
    if (path.startsWith('/admin/')) {
      const response = (await adminFactors(env, req)) ?? (await adminUsers(env, req));
      if (response) return response;
    }
    throw notFound('not_found', 'Not Found');
  }

  async function handle(req: ServiceRequest): Promise<ServiceResponse> {
    try {
      return await route(req);
    } catch (error) {
      if (error instanceof AuthError) {
        if (error.status >= 500) ctx.log.error('auth', `${req.method} ${req.path}: ${error.internalCause ?? error.message}`);
        return errorResponse(error, req);
      }
      if (error instanceof OAuthError) return errorResponse(error, req);
      if (isConnectionError(error)) {
        ctx.log.info('auth', `${req.method} ${req.path}: database unavailable (${(error as Error).message})`);
        return errorResponse(databaseUnavailable(), req);
      }
      ctx.log.error('auth', `${req.method} ${req.path} failed`, error);
      return unexpectedFailure(req);
    }
  }

  return {
    handle,
    async close() {
      env.limits.close();
      env.mailer.close();
    },
  };
}
