/**
 * Pro Portal's supabase/config.toml keeps the Supabase CLI's default Auth limits, so the local stack and
 * a `supabase start` stack limit sign-ins and e-mails alike (README, "Auth rate limits"), and makes new
 * accounts confirm their address.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CLI_RATE_LIMITS, LOCAL_MAIL_EMAILS_PER_HOUR, readProjectConfig } from '../local/core/project-config.ts';

const { auth } = readProjectConfig(join(import.meta.dirname, '..', 'config.toml'));

it("keeps the CLI's default limits in the project's config.toml", () => {
  expect(auth.rateLimit).toEqual(CLI_RATE_LIMITS);
  expect(auth.emailMaxFrequencySeconds).toBe(1);
  // No custom SMTP: mail goes to the local catcher, and the CLI lifts email_sent for that.
  expect(auth.emailSentPerHour).toBe(LOCAL_MAIL_EMAILS_PER_HOUR);
});

it('makes new accounts confirm their address, e-mail changes confirm from both inboxes, and sends the security notices', () => {
  expect(auth.enableConfirmations).toBe(true);
  expect(auth.email.doubleConfirmChanges).toBe(true);
  expect(auth.email.notifications).toEqual({
    password_changed: true,
    email_changed: true,
    mfa_factor_enrolled: true,
    mfa_factor_unenrolled: true,
    // Sent by flows the product does not use (OAuth linking, SMS).
    identity_linked: false,
    identity_unlinked: false,
    phone_changed: false,
  });
});
