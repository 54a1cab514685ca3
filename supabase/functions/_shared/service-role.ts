/**
 * For functions only the database calls (pg_net, pg_cron) with the service role key: verify_jwt has
 * already checked the token's signature, so its role claim can be trusted; any other caller — a signed-in
 * user, the anon key — is refused with a 403 that says who may call.
 */
import { HttpError } from './errors.ts';

/** The JWT's role claim, or undefined when the request carries no readable JWT. */
export function roleOf(req: Request): string | undefined {
  const token = /^Bearer ([^.\s]+)\.([^.\s]+)\.[^.\s]+$/i.exec(req.headers.get('Authorization') ?? '')?.[2];
  if (!token) return undefined;
  try {
    const payload = JSON.parse(atob(token.replace(/-/g, '+').replace(/_/g, '/'))) as { role?: unknown };
    return typeof payload.role === 'string' ? payload.role : undefined;
  } catch {
    return undefined;
  }
}

/** Throws a 403 with `message` unless the caller is the service role. */
export function requireServiceRole(req: Request, message: string): void {
  if (roleOf(req) !== 'service_role') throw new HttpError(403, 'forbidden', message);
}
