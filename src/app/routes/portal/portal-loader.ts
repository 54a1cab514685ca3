import { sessionUserId } from '../../../lib/session-user';

/**
 * A portal route's loader: warms the cache for the signed-in user before the page renders. Without a
 * session it does nothing, and the session layout sends the visitor to sign in.
 */
export const portalLoader =
  (warm: (userId: string, params: Record<string, string | undefined>, request: Request) => Promise<unknown>) =>
  async ({ params, request }: { params: Record<string, string | undefined>; request: Request }) => {
    const userId = await sessionUserId();
    if (userId) await warm(userId, params, request);
    return null;
  };
