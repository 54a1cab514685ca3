import { describe, expect, it } from 'vitest';
import { apiErrorMessage, NETWORK_MESSAGE } from './api-errors';
import { ApiError } from './public-api';

/** What supabase-js hands us for a failed RPC: PostgREST's body as a PostgrestError. */
const rpcError = (message: string, details: string, code = 'P0001') => ({ name: 'PostgrestError', message, details, code, hint: null });

describe('apiErrorMessage', () => {
  it('says what is missing and what to do for insufficient_credits', () => {
    expect(apiErrorMessage(rpcError('insufficient_credits', 'This needs 50 credits but the balance is 35 (15 missing).', 'PT402'))).toBe(
      'This needs 50 credits but the balance is 35 (15 missing). Buy more credits, then try again.',
    );
  });
  it('maps each stable code to words and an action', () => {
    expect(apiErrorMessage(rpcError('invalid_input', 'The subject must be between 3 and 200 characters', '22023'))).toBe(
      'The subject must be between 3 and 200 characters. Correct it and try again.',
    );
    expect(apiErrorMessage(rpcError('invalid_state', 'Ticket #1003 has no quote waiting for confirmation.', 'PT409'))).toMatch(
      /^Ticket #1003 has no quote waiting for confirmation\. Reload the page/,
    );
    expect(apiErrorMessage(rpcError('not_found', 'There is no such ticket.', 'PT404'))).toMatch(/^There is no such ticket\. It may have been removed/);
    expect(apiErrorMessage(rpcError('forbidden', '', '42501'))).toMatch(/^You are not allowed to do this/);
    expect(
      apiErrorMessage(rpcError('mfa_required', 'Staff actions need a second factor: sign in again and enter the code from your authenticator app.', '42501')),
    ).toBe('Staff actions need a second factor: sign in again and enter the code from your authenticator app.');
    expect(apiErrorMessage(rpcError('purchase_required', 'Only customers who have bought a credit package can review Pro Portal.', 'PT403'))).toBe(
      'Only customers who have bought a credit package can review Pro Portal. Buy a package first.',
    );
  });
  it('explains network failures and expired sessions', () => {
    expect(apiErrorMessage(new TypeError('Failed to fetch'))).toBe(NETWORK_MESSAGE);
    expect(apiErrorMessage({ name: 'FunctionsFetchError', message: 'Failed to send a request' })).toBe(NETWORK_MESSAGE);
    expect(apiErrorMessage(rpcError('JWT expired', '', 'PGRST303'))).toBe('Your session has ended. Sign in again to continue.');
  });
  it('shows an edge function’s own sentence', () => {
    expect(apiErrorMessage(new ApiError('This order was canceled. Start a new purchase to buy credits.', '', 'order_canceled', 409))).toBe(
      'This order was canceled. Start a new purchase to buy credits.',
    );
  });
  it('falls back to a general message for anything else', () => {
    expect(apiErrorMessage(new ApiError('HTTP 503', '', '', 503))).toBe('Pro Portal is having trouble right now. Please try again in a minute.');
    expect(apiErrorMessage(undefined)).toMatch(/^Something went wrong/);
  });
});
