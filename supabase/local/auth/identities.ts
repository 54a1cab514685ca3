/**
 * Identity linking (`internal/api/identity.go`) and the OAuth entry point (`external.go`). The local
 * stack has no OAuth providers, so every provider answers as one that is not enabled; unlinking works
 * on the identities a user has (e-mail, and any a seed inserted), with the `identity_unlinked` notice.
 */
import { json, type ServiceRequest, type ServiceResponse } from '../core/service.ts';
import { percentDecode } from '../core/url.ts';
import { isUniqueViolation } from './db.ts';
import { AuthError, badRequest, notFound, unprocessable } from './errors.ts';
import type { AuthEnv, Endpoint } from './env.ts';
import { isUuid, requireUser } from './guard.ts';
import { withMail } from './mail.ts';
import { sendNotification, updateProviders } from './recovery.ts';
import { audit, loadUser } from './users.ts';

/** The providers GoTrue knows by name (`api.Provider`); others "could not be found". */
const KNOWN_PROVIDERS = new Set([
  'apple', 'azure', 'bitbucket', 'discord', 'facebook', 'figma', 'fly', 'github', 'gitlab', 'google', 'kakao',
  'keycloak', 'linkedin', 'linkedin_oidc', 'notion', 'snapchat', 'spotify', 'slack', 'slack_oidc', 'twitch',
  'twitter', 'x', 'workos', 'zoom',
]);

/** `GetExternalProviderRedirectURL`'s refusal: no provider is configured here. */
function unsupportedProvider(req: ServiceRequest): never {
  const name = (req.query.get('provider') ?? '').toLowerCase();
  if (name.startsWith('custom:')) throw badRequest('validation_failed', 'Unsupported provider: custom OAuth providers are disabled');
  const reason = KNOWN_PROVIDERS.has(name) ? 'provider is not enabled' : `Provider ${name} could not be found`;
  throw badRequest('validation_failed', `Unsupported provider: ${reason}`);
}

/** `GET /authorize` (signInWithOAuth's redirect). */
export const authorize: Endpoint = async (_env, req) => unsupportedProvider(req);

const manualLinkingDisabled = () => notFound('manual_linking_disabled', 'Manual linking is disabled');

/** Routes `/user/identities/authorize` and `/user/identities/:id`; undefined for other paths. */
export async function identities(env: AuthEnv, req: ServiceRequest): Promise<ServiceResponse | undefined> {
  const match = /^\/user\/identities\/([^/]+)$/.exec(req.path);
  if (!match) return undefined;
  const isAuthorize = match[1] === 'authorize';
  if (req.method !== (isAuthorize ? 'GET' : 'DELETE')) return undefined;
  const { ctx } = env;
  return withMail(env, async (db, queue) => {
    // requireAuthentication runs before the linking switch, as GoTrue's router nests them.
    const { user, claims } = await requireUser(ctx, db, req);
    if (!ctx.config.auth.enableManualLinking) throw manualLinkingDisabled();
    if (isAuthorize) unsupportedProvider(req);
    const identityId = percentDecode(match[1]!) ?? '';
    if (!isUuid(identityId)) throw notFound('validation_failed', 'identity_id must be an UUID');
    if (claims.aud !== 'authenticated' && !(Array.isArray(claims.aud) && claims.aud[0] === 'authenticated')) {
      throw new AuthError(403, 'unexpected_audience', "Token audience doesn't match request audience");
    }
    if (user.identities.length <= 1) {
      throw unprocessable('single_identity_not_deletable', 'User must have at least 1 identity after unlinking');
    }
    const identity = user.identities.find((candidate) => candidate.id === identityId);
    if (!identity) throw unprocessable('identity_not_found', "Identity doesn't exist");
    const userId = user.row.id as string;
    await audit(db, req, { id: userId, email: user.row.email }, 'identity_unlinked', {
      identity_id: identity.id,
      provider: identity.provider,
      provider_id: identity.provider_id,
    });
    await db.query(`delete from auth.identities where id = $1`, [identityId]);
    if (identity.provider === 'email') {
      // `UpdateUserEmailFromIdentities`: the address goes with its identity unless another identity has it.
      const { rows } = await db.query<{ email: string | null }>(
        `select email from auth.identities where user_id = $1 and email is not null order by created_at limit 1`,
        [userId],
      );
      const primary = rows[0]?.email ?? null;
      if (primary !== user.row.email) {
        await db.query('savepoint unlink_email');
        try {
          await db.query(`update auth.users set email = $2, updated_at = now() where id = $1`, [userId, primary]);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          throw unprocessable('email_conflict_identity_not_deletable', 'Unable to unlink identity due to email conflict');
        }
      }
    }
    await updateProviders(db, userId);
    // To the address the account had before: the identity may have taken it away.
    const recipientEmail = typeof user.row.email === 'string' ? user.row.email : '';
    if (ctx.config.auth.email.notifications.identity_unlinked && recipientEmail) {
      await sendNotification(env, db, req, queue, {
        action: 'identity_unlinked_notification',
        user: (await loadUser(db, userId))!,
        provider: String(identity.provider),
        recipientEmail,
      });
    }
    return json(200, {});
  });
}
