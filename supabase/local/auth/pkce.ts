/**
 * GoTrue's PKCE flow for the e-mail links (`internal/api/pkce.go`, `models/flow_state.go`, the `pkce`
 * grant in `token.go`). A request that carries `code_challenge` stores a flow state and mails a token
 * prefixed `pkce_`; following the link (`GET /verify`) confirms as the implicit flow does but, instead
 * of a session in the redirect's fragment, hands out the flow state's auth code as `?code=`, which only
 * the holder of the code verifier can exchange for a session (`POST /token?grant_type=pkce`). So a link
 * opened on another device, or read from a mail log, signs nobody in.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { json, type ServiceRequest } from '../core/service.ts';
import { transaction, type Db } from './db.ts';
import { AuthError, badRequest, notFound, unprocessable } from './errors.ts';
import type { Endpoint } from './env.ts';
import { optionalString, readJson, type Json } from './request.ts';
import { sessionResponse, startSession, type AuthMethod } from './sessions.ts';
import { audit, loadUser } from './users.ts';

export const PKCE_PREFIX = 'pkce_';

/**
 * How long a flow state may be exchanged (`GOTRUE_EXTERNAL_FLOW_STATE_EXPIRY_DURATION`, whose default
 * of 5 minutes is also its minimum), counted from the request that made it, or for a magic link from
 * when its link was followed (`FlowState.IsExpired`).
 */
export const FLOW_STATE_EXPIRY_SECONDS = 300;

export interface Pkce {
  codeChallenge: string;
  method: 's256' | 'plain';
}

/** The e-mail flows that can run as PKCE, by GoTrue's `AuthenticationMethod` name. */
export type FlowMethod = Extract<AuthMethod, 'email/signup' | 'magiclink' | 'recovery' | 'email_change'>;

/**
 * `validatePKCEParams`: neither or both of `code_challenge` and `code_challenge_method`, the challenge
 * 43–128 characters of RFC 7636's alphabet. GoTrue only finds an unknown method when it stores the flow
 * state and answers a 500 there; refused here up front as the bad request it is.
 */
export function pkceParams(body: Json): Pkce | undefined {
  const codeChallenge = optionalString(body, 'code_challenge') ?? '';
  const method = optionalString(body, 'code_challenge_method') ?? '';
  if ((codeChallenge === '') !== (method === '')) {
    throw badRequest('validation_failed', 'PKCE flow requires code_challenge_method and code_challenge');
  }
  if (codeChallenge === '') return undefined;
  if (codeChallenge.length < 43 || codeChallenge.length > 128) {
    throw badRequest('validation_failed', 'code challenge has to be between 43 and 128 characters');
  }
  if (!/^[a-zA-Z._~0-9-]+$/.test(codeChallenge)) {
    throw badRequest('validation_failed', 'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes');
  }
  const lowered = method.toLowerCase();
  if (lowered !== 's256' && lowered !== 'plain') {
    throw badRequest('validation_failed', `unsupported code_challenge method "${method}"`);
  }
  return { codeChallenge, method: lowered };
}

/** `addFlowPrefixToToken`: the stored (and mailed) token hash says which flow its link belongs to. */
export function withFlowPrefix(hash: string, pkce: Pkce | undefined): string {
  return pkce ? PKCE_PREFIX + hash : hash;
}

/** `generateFlowState`: a new flow state with its own auth code; older ones stay until used or expired. */
export async function createFlowState(
  db: Db,
  userId: string,
  providerType: string,
  method: FlowMethod,
  pkce: Pkce,
): Promise<void> {
  await db.query(
    `insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge, provider_type,
       provider_access_token, provider_refresh_token, created_at, updated_at, authentication_method)
     values ($1, $2, $3, $4, $5, $6, '', '', now(), now(), $7)`,
    [randomUUID(), userId, randomUUID(), pkce.method, pkce.codeChallenge, providerType, method],
  );
}

/**
 * `issueAuthCode`, when a PKCE link is followed: the user's newest flow state for that method gives its
 * code, and the time it was handed out. Without one the whole verification is undone, as in GoTrue.
 */
export async function issueAuthCode(db: Db, userId: string, method: FlowMethod): Promise<string> {
  const { rows } = await db.query<{ id: string; auth_code: string | null; code_challenge: string | null }>(
    `select id, auth_code, code_challenge from auth.flow_state
      where user_id = $1 and authentication_method = $2
      order by created_at desc limit 1 for update`,
    [userId, method],
  );
  const flow = rows[0];
  if (!flow) throw noFlowState('422: No valid flow state found for user.');
  if (!flow.code_challenge || !flow.auth_code) {
    throw noFlowState('422: Flow state does not have an auth code (not a PKCE flow).');
  }
  await db.query(`update auth.flow_state set auth_code_issued_at = now(), updated_at = now() where id = $1`, [flow.id]);
  return flow.auth_code;
}

const noFlowState = (cause: string) => badRequest('flow_state_not_found', `No associated flow state found. ${cause}`);

/** `security.VerifyPKCEChallenge`, in constant time. */
function verifierMatches(challenge: string, method: string, verifier: string): boolean {
  const expected = method === 's256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(challenge);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `POST /token?grant_type=pkce` (`exchangeCodeForSession`): the auth code and the verifier whose hash
 * the flow began with. A wrong verifier leaves the flow state in place; a right one uses it up.
 */
export const pkceGrant: Endpoint = async ({ ctx }, req: ServiceRequest) => {
  const body = readJson(req);
  const authCode = optionalString(body, 'auth_code') ?? '';
  const verifier = optionalString(body, 'code_verifier') ?? '';
  if (authCode === '' || verifier === '') {
    throw badRequest('validation_failed', 'invalid request: both auth code and code verifier should be non-empty');
  }
  return transaction(ctx.pools.auth, async (db) => {
    const { rows } = await db.query<{
      id: string;
      user_id: string | null;
      code_challenge: string | null;
      code_challenge_method: string | null;
      provider_type: string;
      authentication_method: string;
      expired: boolean;
    }>(
      `select id, user_id, code_challenge, code_challenge_method::text, provider_type, authentication_method,
              case when auth_code_issued_at is not null and authentication_method = 'magiclink'
                   then auth_code_issued_at else created_at end + make_interval(secs => $2) < now() as expired
         from auth.flow_state where auth_code = $1 limit 1 for update skip locked`,
      [authCode, FLOW_STATE_EXPIRY_SECONDS],
    );
    const flow = rows[0];
    const notFoundError = () => notFound('flow_state_not_found', 'invalid flow state, no valid flow state found');
    if (!flow || !flow.user_id) throw notFoundError();
    if (flow.expired) throw unprocessable('flow_state_expired', 'invalid flow state, flow state has expired');
    const user = await loadUser(db, flow.user_id);
    // The user was deleted after the link went out: nothing left to sign in to.
    if (!user) throw notFoundError();
    if (!flow.code_challenge || !flow.code_challenge_method) {
      throw badRequest('bad_code_verifier', 'PKCE verification not applicable for implicit flow');
    }
    if (!verifierMatches(flow.code_challenge, flow.code_challenge_method, verifier)) {
      throw badRequest('bad_code_verifier', 'code challenge does not match previously saved code verifier');
    }
    await audit(db, req, { id: flow.user_id, email: user.row.email }, 'login', { provider_type: flow.provider_type });
    const { session, refreshToken } = await startSession(db, req, flow.user_id, flowMethod(flow.authentication_method));
    await db.query(`delete from auth.flow_state where id = $1`, [flow.id]);
    return json(200, await sessionResponse(ctx, db, (await loadUser(db, flow.user_id))!, session, refreshToken));
  });
};

/** `ParseAuthenticationMethod` for the flows made here (anything ending in `signup` is a sign-up). */
function flowMethod(stored: string): AuthMethod {
  if (stored.endsWith('signup')) return 'email/signup';
  if (stored === 'magiclink' || stored === 'recovery' || stored === 'email_change') return stored;
  throw new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information').withCause(
    `flow state with unknown authentication method ${stored}`,
  );
}
