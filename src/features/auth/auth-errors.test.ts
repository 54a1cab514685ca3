import { describe, expect, it } from 'vitest';
import { authErrorMessage } from './auth-errors';

/** Shaped like supabase-js's AuthApiError / AuthRetryableFetchError (not imported: see auth-errors.ts). */
const authError = (fields: { name?: string; code?: string; status?: number; message?: string; reasons?: string[] }) =>
  Object.assign(new Error(fields.message ?? ''), { name: 'AuthApiError', ...fields });

describe('authErrorMessage', () => {
  it('explains wrong credentials without saying which part was wrong', () => {
    expect(authErrorMessage(authError({ code: 'invalid_credentials', status: 400 }), 'sign-in')).toBe(
      'That email and password do not match an account. Check them and try again, or reset your password.',
    );
  });

  it('points an existing address to signing in', () => {
    expect(authErrorMessage(authError({ code: 'user_already_exists', status: 422 }), 'sign-up')).toMatch(
      /^An account with this email already exists\. Sign in instead/,
    );
  });

  it('names the reasons a password is weak', () => {
    const error = authError({ name: 'AuthWeakPasswordError', code: 'weak_password', status: 422, reasons: ['length', 'pwned'] });
    expect(authErrorMessage(error, 'sign-up')).toBe(
      'Choose a stronger password: it is too short, and it has appeared in a known data breach.',
    );
  });

  it('falls back to the server message for a weak password without reasons', () => {
    const error = authError({ code: 'weak_password', status: 422, message: 'Password should be at least 8 characters.' });
    expect(authErrorMessage(error, 'sign-up')).toBe('Choose a stronger password (Password should be at least 8 characters).');
  });

  it('says a wrong second-factor code is wrong, and what to enter instead', () => {
    expect(authErrorMessage(authError({ code: 'mfa_verification_failed', status: 422, message: 'Invalid TOTP code entered' }), 'second-factor')).toBe(
      'That code is not right. Enter the 6-digit code your authenticator app shows now (it changes every 30 seconds).',
    );
    expect(authErrorMessage(authError({ code: 'over_request_rate_limit', status: 429 }), 'second-factor')).toBe(
      'Too many sign-in attempts. Wait a minute, then try again.',
    );
  });

  it('asks to wait when rate limited', () => {
    expect(authErrorMessage(authError({ code: 'over_request_rate_limit', status: 429 }), 'sign-in')).toBe(
      'Too many sign-in attempts. Wait a minute, then try again.',
    );
    expect(authErrorMessage(authError({ status: 429 }), 'reset-request')).toBe('Too many requests. Wait a minute, then try again.');
  });

  it('says how long to wait before another email, when Auth says it', () => {
    const perAddress = authError({
      code: 'over_email_send_rate_limit',
      status: 429,
      message: 'For security purposes, you can only request this after 42 seconds.',
    });
    expect(authErrorMessage(perAddress, 'resend')).toBe('We just sent an email to this address. You can ask for another in 42 seconds.');
    const zero = authError({ code: 'over_email_send_rate_limit', status: 429, message: 'For security purposes, you can only request this after 0 seconds.' });
    expect(authErrorMessage(zero, 'resend')).toBe('We just sent an email to this address. You can ask for another in 1 second.');
    expect(authErrorMessage(authError({ code: 'over_email_send_rate_limit', status: 429, message: 'Email rate limit exceeded' }), 'resend')).toBe(
      'Too many emails were sent to this address. Wait a few minutes, then ask again.',
    );
  });

  it('blames the connection when the request never reached the server', () => {
    const offline = authError({ name: 'AuthRetryableFetchError', status: 0, message: 'Failed to fetch' });
    expect(authErrorMessage(offline, 'sign-in')).toMatch(/^We could not reach the sign-in service/);
    expect(authErrorMessage(new TypeError('Failed to fetch dynamically imported module'), 'sign-up')).toMatch(
      /^We could not reach the sign-in service/,
    );
  });

  it('says the service is in trouble on a 5xx', () => {
    const error = authError({ name: 'AuthRetryableFetchError', status: 503, message: 'Service Unavailable' });
    expect(authErrorMessage(error, 'sign-in')).toBe('The sign-in service is having trouble. Please try again in a minute.');
  });

  it('keeps the server message for anything unexpected', () => {
    expect(authErrorMessage(authError({ code: 'something_new', status: 400, message: 'Odd' }), 'sign-in')).toBe(
      'Something went wrong (Odd). Please try again.',
    );
  });
});
