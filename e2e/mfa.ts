/**
 * Staff's second factor in the specs. Staff rights need a verified TOTP code (aal2), so every engineer
 * or admin a spec makes enrols a factor through supabase-js, as the portal's set-up step does; the
 * secret is kept here (per worker process, by address) so a later sign-in through the browser can type
 * the code an authenticator app would show.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { expect, type Page } from '@playwright/test';
import { totpCode } from '@pro-portal/supabase-local/testing/totp';

const secrets = new Map<string, string>();

/** Enrols and verifies a TOTP factor on the client's session, which becomes aal2; remembers the secret. */
export async function enrolTotp(client: SupabaseClient<any>, email: string): Promise<string> {
  const enrolled = await client.auth.mfa.enroll({ factorType: 'totp' });
  if (enrolled.error) throw enrolled.error;
  const verified = await client.auth.mfa.challengeAndVerify({ factorId: enrolled.data.id, code: totpCode(enrolled.data.totp.secret) });
  if (verified.error) throw verified.error;
  secrets.set(email.toLowerCase(), enrolled.data.totp.secret);
  return enrolled.data.totp.secret;
}

/** The secret of a factor enrolled by this worker, if the address has one. */
export const totpSecretOf = (email: string) => secrets.get(email.toLowerCase());

/** The current code for a secret, as an authenticator app shows it. */
export const codeFor = (secret: string) => totpCode(secret);

/** On the second-factor page after a password sign-in: types the current code and sends it. */
export async function enterSecondFactor(page: Page, secret: string) {
  await expect(page.getByRole('heading', { name: 'Enter your code' })).toBeVisible();
  await page.getByLabel('6-digit code').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Verify' }).click();
}
