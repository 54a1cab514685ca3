/**
 * Auth errors in words. supabase-js's error classes are not imported (that would pull the client into
 * the first load): errors are recognised by the `code`, `status` and `name` fields every AuthError has.
 */
export type AuthAction = 'sign-in' | 'sign-up' | 'sign-out' | 'reset-request' | 'new-password' | 'resend' | 'second-factor';

type AuthErrorLike = { name?: unknown; code?: unknown; status?: unknown; message?: unknown; reasons?: unknown };

const weakPasswordReasons: Record<string, string> = {
  length: 'it is too short',
  characters: 'it needs a mix of character types',
  pwned: 'it has appeared in a known data breach',
};

export function authErrorMessage(error: unknown, action: AuthAction): string {
  const { name, code, status, message, reasons } = (typeof error === 'object' && error ? error : {}) as AuthErrorLike;

  const networkFailure =
    name === 'AuthRetryableFetchError' && (status === 0 || status === undefined)
      ? true
      : error instanceof TypeError && /fetch|network/i.test(error.message);
  if (networkFailure) {
    return 'We could not reach the sign-in service. Check your internet connection and try again.';
  }

  switch (code) {
    case 'invalid_credentials':
      return 'That email and password do not match an account. Check them and try again, or reset your password.';
    case 'user_already_exists':
    case 'email_exists':
      return 'An account with this email already exists. Sign in instead, or reset your password if you have forgotten it.';
    case 'weak_password': {
      const why = Array.isArray(reasons)
        ? reasons.map((reason) => weakPasswordReasons[String(reason)]).filter(Boolean)
        : [];
      return why.length > 0
        ? `Choose a stronger password: ${why.join(', and ')}.`
        : `Choose a stronger password${typeof message === 'string' && message ? ` (${message.replace(/\.$/, '')})` : ''}.`;
    }
    case 'same_password':
      return 'Your new password must be different from your current one.';
    case 'email_not_confirmed':
      return 'Confirm your email address first: open the link in the email we sent you, then sign in.';
    case 'signup_disabled':
    case 'email_provider_disabled':
      return 'New accounts cannot be created right now. Please try again later or contact us.';
    case 'over_email_send_rate_limit': {
      // Per address, Auth says how long is left ("…only request this after 42 seconds."); the hourly
      // limit for the whole project says nothing about when.
      const seconds = typeof message === 'string' ? /after (\d+) seconds?/.exec(message)?.[1] : undefined;
      if (seconds !== undefined) {
        const wait = Math.max(1, Number(seconds));
        return `We just sent an email to this address. You can ask for another in ${wait} second${wait === 1 ? '' : 's'}.`;
      }
      return 'Too many emails were sent to this address. Wait a few minutes, then ask again.';
    }
    case 'over_request_rate_limit':
      return action === 'sign-in' || action === 'second-factor'
        ? 'Too many sign-in attempts. Wait a minute, then try again.'
        : 'Too many requests. Wait a minute, then try again.';
    case 'session_not_found':
    case 'user_not_found':
    case 'bad_jwt':
    case 'session_expired':
      return action === 'new-password'
        ? 'This password reset link has expired or was already used. Ask for a new one.'
        : 'Your session has ended. Sign in again.';
    case 'validation_failed':
      return action === 'second-factor'
        ? 'Enter the 6-digit code your authenticator app shows.'
        : 'Check the email address and password, then try again.';
    case 'mfa_verification_failed':
      return 'That code is not right. Enter the 6-digit code your authenticator app shows now (it changes every 30 seconds).';
    case 'mfa_challenge_expired':
      return 'That took too long. Enter the code your authenticator app shows now.';
    case 'mfa_totp_enroll_not_enabled':
    case 'mfa_totp_verify_not_enabled':
      return 'Authenticator apps are switched off for this portal, so staff cannot sign in. Ask an administrator.';
    case 'too_many_enrolled_mfa_factors':
      return 'This account has too many unfinished authenticator set-ups. Ask an administrator to remove them.';
  }

  if (typeof status === 'number' && status === 429) return 'Too many requests. Wait a minute, then try again.';
  if (typeof status === 'number' && status >= 500) {
    return 'The sign-in service is having trouble. Please try again in a minute.';
  }
  const detail = typeof message === 'string' && message ? ` (${message})` : '';
  return `Something went wrong${detail}. Please try again.`;
}
