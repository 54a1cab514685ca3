/**
 * Staff rights need a second factor (aal2): the fixtures that make engineers and admins enrol a TOTP
 * factor and verify a code through supabase-js, as the portal's second-factor step does.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { totpCode } from '@pro-portal/supabase-local/testing/totp';

/** Enrols and verifies a TOTP factor on the client's session (now `aal2`); returns the factor's secret. */
export async function enrolTotp(client: SupabaseClient): Promise<string> {
  const enrolled = await client.auth.mfa.enroll({ factorType: 'totp' });
  if (enrolled.error) throw new Error(`TOTP enrolment failed: ${enrolled.error.message}`);
  const verified = await client.auth.mfa.challengeAndVerify({
    factorId: enrolled.data.id,
    code: totpCode(enrolled.data.totp.secret),
  });
  if (verified.error) throw new Error(`TOTP verification failed: ${verified.error.message}`);
  return enrolled.data.totp.secret;
}
