/**
 * The links Auth mails lead back to the sign-in page with the page that asked for sign-in, so a visitor
 * who signs up from Buy returns to the purchase once the link has signed them in.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { resendConfirmation } from './resend-confirmation';
import { signUp } from './sign-up';

beforeAll(() => {
  vi.stubGlobal('window', { location: { origin: 'https://portal.example' } });
});
afterAll(() => {
  vi.unstubAllGlobals();
});

function fakeClient(answer: { data?: unknown; error: unknown }) {
  const calls: unknown[] = [];
  const record = (args: unknown) => {
    calls.push(args);
    return Promise.resolve({ data: answer.data ?? {}, error: answer.error });
  };
  const client = { auth: { signUp: record, resend: record } } as unknown as AppSupabaseClient;
  return { client, calls };
}

describe('sign-up and resend', () => {
  it('send the person back to the page that asked, through the sign-in page', async () => {
    const { client, calls } = fakeClient({ data: { session: null, user: {} }, error: null });
    const next = '/checkout/start/pkg-50?return=%2F';
    expect(await signUp(client, { email: 'new@example.com', password: 'long-enough-1' }, next)).toEqual({ needsConfirmation: true });
    await resendConfirmation(client, 'new@example.com', next);
    const redirect = 'https://portal.example/login?next=%2Fcheckout%2Fstart%2Fpkg-50%3Freturn%3D%252F';
    expect(calls).toEqual([
      { email: 'new@example.com', password: 'long-enough-1', options: { emailRedirectTo: redirect } },
      { type: 'signup', email: 'new@example.com', options: { emailRedirectTo: redirect } },
    ]);
  });

  it('resend passes on the rate-limit error for the page to word', async () => {
    const tooSoon = Object.assign(new Error('For security purposes, you can only request this after 1 seconds.'), {
      code: 'over_email_send_rate_limit',
      status: 429,
    });
    const { client } = fakeClient({ error: tooSoon });
    await expect(resendConfirmation(client, 'new@example.com')).rejects.toBe(tooSoon);
  });
});
