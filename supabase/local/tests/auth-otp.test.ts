/**
 * `/otp`, `/resend`, `/reauthenticate` and `/verify`: how GoTrue checks these requests and words its
 * answers (`VerifyParams.Validate`, `OtpParams.Validate`, `ResendConfirmationParams.Validate`), raw HTTP
 * where supabase-js would refuse to send the request, supabase-js where it shows the answer as is.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { anonClient, serviceClient, signedInClient, sql, stack, uniqueEmail } from './helpers.ts';

const PASSWORD = 'correct-horse-battery';

async function call(method: string, path: string, body?: unknown, token = stack.anonKey) {
  const response = await fetch(`${stack.apiUrl}/auth/v1${path}`, {
    method,
    headers: {
      apikey: stack.anonKey,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-supabase-api-version': '2024-01-01',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const refused = (status: number, code: string, message: string) => ({ status, body: { code, message } });

describe('/verify', () => {
  it('checks the request in GoTrue\'s order and words', async () => {
    expect(await call('POST', '/verify', { token: '123456', email: 'a@example.test' })).toEqual(
      refused(400, 'validation_failed', 'Verify requires a verification type'),
    );
    expect(await call('POST', '/verify', { type: 'email', email: 'a@example.test' })).toEqual(
      refused(400, 'validation_failed', 'Verify requires either a token or a token hash'),
    );
    expect(await call('POST', '/verify', { type: 'email', token: '123456', token_hash: 'abc', email: 'a@example.test' })).toEqual(
      refused(400, 'validation_failed', 'Verify requires either a token or a token hash'),
    );
    expect(await call('POST', '/verify', { type: 'email', token_hash: 'abc', email: 'a@example.test' })).toEqual(
      refused(400, 'validation_failed', 'Only the token_hash and type should be provided'),
    );
    expect(await call('POST', '/verify', { type: 'email', token: '123456' })).toEqual(
      refused(400, 'validation_failed', 'Only an email address or phone number should be provided on verify'),
    );
    expect(await call('POST', '/verify', { type: 'email', token: '123456', email: 'a@example.test', phone: '15555550100' })).toEqual(
      refused(400, 'validation_failed', 'Only an email address or phone number should be provided on verify'),
    );
    expect(await call('POST', '/verify', { type: 'email', token: '123456', email: 'not an address' })).toEqual(
      refused(422, 'validation_failed', 'Invalid email format'),
    );
    expect(await call('POST', '/verify', { type: 'sms', token: '123456', phone: 'call me' })).toEqual(
      refused(400, 'validation_failed', 'Invalid phone number format (E.164 required)'),
    );
    expect(await call('POST', '/verify', { type: 'sms', token: '123456', phone: '+15555550100' })).toEqual(
      refused(403, 'otp_expired', 'Token has expired or is invalid'),
    );
    expect(await call('POST', '/verify', { type: 'bogus', token_hash: 'abc' })).toEqual(
      refused(400, 'validation_failed', 'Invalid email verification type'),
    );
  });

  it('tells a wrong code ("Token has expired or is invalid") from a wrong link hash', async () => {
    const email = uniqueEmail('verify');
    await serviceClient().auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
    const wrongCode = await anonClient().auth.verifyOtp({ type: 'email', email, token: '000000' });
    expect(wrongCode.error).toMatchObject({ status: 403, code: 'otp_expired', message: 'Token has expired or is invalid' });
    const wrongHash = await anonClient().auth.verifyOtp({ type: 'magiclink', token_hash: 'f'.repeat(56) });
    expect(wrongHash.error).toMatchObject({ status: 403, code: 'otp_expired', message: 'Email link is invalid or has expired' });

    // A right code still works, and is used up.
    const code = '135790';
    await sql(`update auth.users set recovery_token = $2, recovery_sent_at = now() where email = $1`, [
      email,
      createHash('sha224').update(email + code).digest('hex'),
    ]);
    const ok = await anonClient().auth.verifyOtp({ type: 'magiclink', email, token: code });
    expect(ok.error).toBeNull();
    const again = await anonClient().auth.verifyOtp({ type: 'magiclink', email, token: code });
    expect(again.error).toMatchObject({ message: 'Token has expired or is invalid' });
  });

  it('wants a token on the link', async () => {
    expect(await call('GET', '/verify?type=signup')).toEqual(refused(400, 'validation_failed', 'Verify requires a token or a token hash'));
    expect(await call('GET', '/verify?token=abc')).toEqual(refused(400, 'validation_failed', 'Verify requires a verification type'));
  });
});

describe('/otp', () => {
  it('checks the request as GoTrue does', async () => {
    expect(await call('POST', '/otp', {})).toEqual(refused(400, 'validation_failed', 'One of email or phone must be set'));
    expect(await call('POST', '/otp', { email: 'a@example.test', phone: '15555550100' })).toEqual(
      refused(400, 'validation_failed', 'Only an email address or phone number should be provided'),
    );
    expect(await call('POST', '/otp', { email: uniqueEmail('otp'), channel: 'sms' })).toEqual(
      refused(400, 'validation_failed', 'Channel should only be specified with Phone OTP'),
    );
    expect(await call('POST', '/otp', { phone: '15555550100' })).toEqual(refused(400, 'phone_provider_disabled', 'Unsupported phone provider'));
    const noSignup = await anonClient().auth.signInWithOtp({ email: uniqueEmail('otp-none'), options: { shouldCreateUser: false } });
    expect(noSignup.error).toMatchObject({ status: 422, code: 'otp_disabled', message: 'Signups not allowed for otp' });
  });
});

describe('/resend', () => {
  it('checks the request as GoTrue does', async () => {
    expect(await call('POST', '/resend', { type: 'recovery', email: 'a@example.test' })).toEqual(
      refused(400, 'validation_failed', 'Missing one of these types: signup, email_change, sms, phone_change'),
    );
    expect(await call('POST', '/resend', { type: 'sms' })).toEqual(refused(400, 'validation_failed', 'Type provided requires a phone number'));
    expect(await call('POST', '/resend', { type: 'email_change' })).toEqual(
      refused(400, 'validation_failed', 'Missing email address or phone number'),
    );
    expect(await call('POST', '/resend', { type: 'signup', email: 'a@example.test', phone: '15555550100' })).toEqual(
      refused(400, 'validation_failed', 'Only an email address or phone number should be provided.'),
    );
    expect(await call('POST', '/resend', { type: 'sms', phone: '15555550100' })).toEqual(
      refused(400, 'phone_provider_disabled', 'Phone logins are disabled'),
    );
    // Nothing to send for an unknown address, and no way to tell.
    expect(await call('POST', '/resend', { type: 'signup', email: uniqueEmail('resend-none') })).toEqual({ status: 200, body: {} });
  });
});

describe('/reauthenticate', () => {
  it('sends a code to a confirmed address and records GoTrue\'s audit action', async () => {
    const { client, userId } = await signedInClient();
    const { error } = await client.auth.reauthenticate();
    expect(error).toBeNull();
    const rows = await sql(
      `select payload->>'action' as action, payload->>'log_type' as log_type from auth.audit_log_entries
        where payload->>'actor_id' = $1 and payload->>'action' like 'user_reauth%'`,
      [userId],
    );
    expect(rows).toEqual([{ action: 'user_reauthenticate_requested', log_type: 'user' }]);
    const [user] = await sql<{ sent: boolean }>(`select reauthentication_token <> '' as sent from auth.users where id = $1`, [userId]);
    expect(user!.sent).toBe(true);
  });

  it('answers for phone-only users as GoTrue does without an SMS provider', async () => {
    const phone = `1555${String(Date.now()).slice(-7)}`;
    const { data } = await serviceClient().auth.admin.createUser({ phone, password: PASSWORD });
    const userId = data.user!.id;
    // No sign-in by phone here, so the session is arranged as a token for that user.
    const { SignJWT } = await import('jose');
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: userId, role: 'authenticated', aud: 'authenticated', exp: now + 300, iat: now })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(stack.jwtSecret));
    expect(await call('GET', '/reauthenticate', undefined, token)).toEqual(refused(422, 'phone_not_confirmed', 'Please verify your phone first.'));
    await serviceClient().auth.admin.updateUserById(userId, { phone_confirm: true });
    expect(await call('GET', '/reauthenticate', undefined, token)).toEqual(refused(500, 'unexpected_failure', 'Unable to get SMS provider'));
  });
});
