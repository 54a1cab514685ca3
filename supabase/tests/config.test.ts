/**
 * Pro Portal's supabase/config.toml keeps the Supabase CLI's default Auth limits, so the local stack and
 * a `supabase start` stack limit sign-ins and e-mails alike (README, "Auth rate limits").
 */
import { join } from 'node:path';
import { CLI_RATE_LIMITS, LOCAL_MAIL_EMAILS_PER_HOUR, readProjectConfig } from '@pro-portal/supabase-local';
import { expect, it } from 'vitest';

it("keeps the CLI's default limits in the project's config.toml", () => {
  const { auth } = readProjectConfig(join(import.meta.dirname, '..', 'config.toml'));
  expect(auth.rateLimit).toEqual(CLI_RATE_LIMITS);
  expect(auth.emailMaxFrequencySeconds).toBe(1);
  // No custom SMTP: mail goes nowhere but the log, and the CLI lifts email_sent for that.
  expect(auth.emailSentPerHour).toBe(LOCAL_MAIL_EMAILS_PER_HOUR);
});
