/**
 * The e-mails GoTrue would send. Nothing leaves the machine: each is written to the stack's log with its
 * link and one-time code, which is what a developer needs to follow the flow by hand.
 */
import { createHash, randomInt } from 'node:crypto';
import type { ServiceContext } from '../core/service.ts';
import type { AuthEnv } from './env.ts';
import { AuthError } from './errors.ts';
import { emailRateLimitExceeded } from './rate-limit.ts';

/** Links and codes expire after an hour (`[auth.email] otp_expiry` default). */
export const OTP_EXPIRY_SECONDS = 3600;

/** A six-digit code and the hash GoTrue stores for it: hex(sha224(email + code)). */
export function newOneTimeToken(email: string): { otp: string; tokenHash: string } {
  const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
  return { otp, tokenHash: tokenHash(email, otp) };
}

export function tokenHash(email: string, otp: string): string {
  return createHash('sha224').update(email + otp).digest('hex');
}

/**
 * Where to send the browser afterwards: the request's `redirect_to` when it is the site's origin or a
 * local address (the CLI allows `additional_redirect_urls`, which are all local here), else `site_url`.
 */
export function allowedRedirect(ctx: ServiceContext, redirectTo: string | null | undefined): string {
  const site = ctx.config.auth.siteUrl;
  if (!redirectTo) return site;
  try {
    const url = new URL(redirectTo);
    const siteOrigin = new URL(site).origin;
    if (url.origin === siteOrigin || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return redirectTo;
  } catch {
    // not a URL: fall back to the site
  }
  return site;
}

/**
 * Whether another e-mail may go out now (GoTrue's `validateSentWithinFrequencyLimit`, then the e-mail
 * limit of `sendEmail`): the address's last one of this kind was sent at `lastSentAt`. Throws 429
 * `over_email_send_rate_limit`; called inside the transaction that stores the new token, so a refused
 * e-mail leaves the old token in place, as GoTrue does.
 */
export function allowEmail({ ctx, limits }: AuthEnv, lastSentAt: Date | null | undefined): void {
  const { emailMaxFrequencySeconds, emailSentPerHour, enableConfirmations } = ctx.config.auth;
  if (lastSentAt) {
    const leftMs = lastSentAt.getTime() + emailMaxFrequencySeconds * 1000 - Date.now();
    if (leftMs > 0) {
      throw new AuthError(
        429,
        'over_email_send_rate_limit',
        `For security purposes, you can only request this after ${Math.trunc(leftMs / 1000)} seconds.`,
      );
    }
  }
  if (emailSentPerHour === 0) throw emailRateLimitExceeded();
  // GoTrue counts e-mails against the limit only when sign-ups must be confirmed.
  if (enableConfirmations) limits.email();
}

export type MailKind = 'signup' | 'recovery' | 'email_change';

const SUBJECTS: Record<MailKind, string> = {
  signup: 'Confirm Your Signup',
  recovery: 'Reset Your Password',
  email_change: 'Confirm Email Change',
};

/** Logs the message with GoTrue's `{{ .ConfirmationURL }}` (the verify link) and `{{ .Token }}`. */
export function sendMail(
  ctx: ServiceContext,
  kind: MailKind,
  email: string,
  token: { otp: string; tokenHash: string },
  redirectTo: string,
): void {
  const link = new URL(`${ctx.apiUrl}/auth/v1/verify`);
  link.searchParams.set('token', token.tokenHash);
  link.searchParams.set('type', kind);
  link.searchParams.set('redirect_to', redirectTo);
  ctx.log.info('auth', `e-mail not sent (local stack) to ${email}: "${SUBJECTS[kind]}" — open ${link.href} or enter code ${token.otp}`);
}
