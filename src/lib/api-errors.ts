/**
 * API errors in words, with what the person can do about them. The database's functions raise a stable
 * code as `message` (docs/design.md §5) and a sentence for people as `details`; the edge functions answer
 * `{ error: { code, message } }`. Recognised by shape, so supabase-js need not be imported.
 */
import { sentence } from './format';

type ErrorLike = { name?: unknown; message?: unknown; details?: unknown; code?: unknown; status?: unknown };

export const NETWORK_MESSAGE = 'We could not reach Pro Portal. Check your internet connection, then try again.';

export function apiErrorMessage(error: unknown): string {
  if (error instanceof TypeError && /fetch|network|load failed/i.test(error.message)) return NETWORK_MESSAGE;
  const { name, message, details, code, status } = (typeof error === 'object' && error ? error : {}) as ErrorLike;
  if (name === 'FunctionsFetchError') return NETWORK_MESSAGE;
  const said = sentence(typeof details === 'string' ? details.trim() : '');
  const key = typeof message === 'string' ? message : '';

  switch (key) {
    case 'insufficient_credits':
      return `${said || 'Your balance does not cover this.'} Buy more credits, then try again.`;
    case 'invalid_input':
      return said ? `${said} Correct it and try again.` : 'Something you entered is not valid. Check it and try again.';
    case 'forbidden':
      return said
        ? `${said} If you think you should be allowed, sign out and in again.`
        : 'You are not allowed to do this. Sign out and in again, or contact support if it keeps happening.';
    case 'mfa_required':
      return said || 'Staff actions need a second factor: sign out, sign in again and enter the code from your authenticator app.';
    case 'not_found':
      return `${said || 'We could not find it.'} It may have been removed, or belong to another account.`;
    case 'invalid_state':
      return `${said || 'This can no longer be done.'} Reload the page to see where things stand now.`;
    case 'purchase_required':
      return `${said || 'Only customers who have bought a credit package can do this.'} Buy a package first.`;
  }

  if (code === 'PGRST301' || code === 'PGRST303' || status === 401) {
    return 'Your session has ended. Sign in again to continue.';
  }
  if (typeof status === 'number' && status >= 500) {
    return 'Pro Portal is having trouble right now. Please try again in a minute.';
  }
  // Edge functions: a code of their own and a sentence meant for people.
  if (typeof code === 'string' && /^[a-z_]+$/.test(code) && key && !/^[a-z_]+$/.test(key)) return sentence(key);
  if (said) return `${said} Please try again.`;
  return 'Something went wrong. Please try again; if it keeps happening, contact us through the portal.';
}
