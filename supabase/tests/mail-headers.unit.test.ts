/**
 * Addresses, header values and settings of the mail functions: nothing with a line break reaches a
 * header, invalid addresses are refused before sending, and SMTP failures are told apart.
 */
import { describe, expect, test } from 'vitest';
import { displayName, headerValue, HeaderInjectionError, isValidAddress, oneLine } from '../functions/_shared/mail/address.ts';
import { classifySmtpError } from '../functions/_shared/mail/failures.ts';
import { notificationHeaders } from '../functions/_shared/mail/headers.ts';
import type { OutboxMessage } from '../functions/_shared/mail/message.ts';
import { DEFAULT_SITE_URL, MailConfigError, mailSettings } from '../functions/_shared/mail/settings.ts';

describe('addresses', () => {
  test.each(['ada@example.com', 'ada.lovelace+tickets@mail.example.co.uk', "o'brien@example.ie", 'x_y-z@sub-domain.example.org'])('valid: %s', (address) => {
    expect(isValidAddress(address)).toBe(true);
  });
  test.each([
    'ada@example.com\r\nBcc: victim@example.com',
    'ada@example.com\n',
    'Ada <ada@example.com>',
    'ada@localhost',
    'ada@@example.com',
    '.ada@example.com',
    'ada..b@example.com',
    'ada@-example.com',
    'ada example@example.com',
    '"quoted"@example.com',
    'ada@[127.0.0.1]',
    '',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(250)}.com`,
  ])('invalid: %j', (address) => {
    expect(isValidAddress(address)).toBe(false);
  });
});

describe('header values', () => {
  test('CR or LF anywhere is refused', () => {
    expect(() => headerValue('Subject', 'Hi\r\nBcc: x@example.com')).toThrow(HeaderInjectionError);
    expect(() => headerValue('Subject', 'Hi\nBcc: x@example.com')).toThrow(/line break/);
    expect(() => headerValue('Subject', 'Hi\rthere')).toThrow(HeaderInjectionError);
    expect(headerValue('Subject', 'Ticket #12: "quotes" <and> ümlauts')).toBe('Ticket #12: "quotes" <and> ümlauts');
  });
  test('user text becomes one line, cut to length', () => {
    expect(oneLine('Printer\r\nBcc: evil@example.com\t\u0000x')).toBe('Printer Bcc: evil@example.com x');
    expect(oneLine('a\u2028b')).toBe('a b');
    expect(oneLine('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
  });
  test('display names lose line breaks and the characters that break out of a quoted phrase', () => {
    expect(displayName('Ada "<b>" Lovelace\r\nBcc: x@example.com')).toBe('Ada b Lovelace Bcc: x@example.com');
    expect(displayName(null)).toBe('');
  });
});

const message = (over: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: 7,
  dedupe_key: 'answered:42:user-1',
  kind: 'answered',
  attempt: 1,
  to: { email: 'ada@example.com', name: 'Ada' },
  optional: true,
  data: {},
  ticket: { id: 't', number: 12, subject: 'Printer' },
  reply_token: 'rt_0123456789abcdefghij',
  unsubscribe_token: 'ut_0123456789abcdefghij',
  items: null,
  ...over,
});

describe('settings', () => {
  const read = (env: Record<string, string>) => (name: string) => env[name];
  test('defaults: the Vite app, the default sender, no inbound domain', () => {
    const s = mailSettings(read({ SUPABASE_URL: 'http://127.0.0.1:54321/' }));
    expect(s).toMatchObject({
      siteUrl: DEFAULT_SITE_URL,
      from: 'Pro Portal <support@pro-portal.test>',
      fromAddress: 'support@pro-portal.test',
      messageIdDomain: 'pro-portal.test',
      functionsUrl: 'http://127.0.0.1:54321/functions/v1',
    });
    expect(s.inboundDomain).toBeUndefined();
    expect(s.smtpUrl).toBeUndefined();
  });
  test.each([
    [{ MAIL_FROM: 'Pro Portal <not an address>' }, /MAIL_FROM is not an address/],
    [{ MAIL_FROM: 'Pro Portal <a@example.com>\r\nBcc: x@example.com' }, /one line/],
    [{ SMTP_URL: 'http://mail.example.com' }, /SMTP_URL must look like/],
    [{ INBOUND_EMAIL_DOMAIN: 'not a domain' }, /INBOUND_EMAIL_DOMAIN is not a domain/],
    [{ SITE_URL: 'javascript:alert(1)' }, /SITE_URL must be http or https/],
    [{ SUPABASE_URL: '' }, /SUPABASE_URL is not set/],
  ])('a wrong setting is said in words: %j', (env, error) => {
    expect(() => mailSettings(read({ SUPABASE_URL: 'http://127.0.0.1:54321', ...env }))).toThrow(MailConfigError);
    expect(() => mailSettings(read({ SUPABASE_URL: 'http://127.0.0.1:54321', ...env }))).toThrow(error);
  });
});

describe('notification headers', () => {
  const settings = mailSettings(
    (name) => ({ SUPABASE_URL: 'https://ref.supabase.co', INBOUND_EMAIL_DOMAIN: 'reply.example.com', MAIL_FROM: 'support@example.com' })[name],
  );
  test('optional kinds: one-click List-Unsubscribe (HTTPS and mailto) and List-Unsubscribe-Post', async () => {
    const h = await notificationHeaders(message(), settings);
    expect(h.headers['List-Unsubscribe']).toBe(
      '<https://ref.supabase.co/functions/v1/unsubscribe?token=ut_0123456789abcdefghij&kind=answered>, <mailto:unsubscribe+answered.ut_0123456789abcdefghij@reply.example.com>',
    );
    expect(h.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(h.headers['Auto-Submitted']).toBe('auto-generated');
    expect(h.replyTo).toBe('reply+rt_0123456789abcdefghij@reply.example.com');
    expect(h.messageId).toMatch(/^<[0-9a-f]{32}@example\.com>$/);
  });
  test('a non-optional kind has no List-Unsubscribe; a message without reply token no Reply-To', async () => {
    const h = await notificationHeaders(message({ kind: 'credits_added', optional: false, reply_token: null, ticket: null }), settings);
    expect(h.headers).not.toHaveProperty('List-Unsubscribe');
    expect(h.headers).not.toHaveProperty('List-Unsubscribe-Post');
    expect(h.replyTo).toBeUndefined();
  });
  test('without an inbound domain there is no Reply-To and no mailto', async () => {
    const plain = mailSettings((name) => ({ SUPABASE_URL: 'https://ref.supabase.co' })[name]);
    const h = await notificationHeaders(message(), plain);
    expect(h.replyTo).toBeUndefined();
    expect(h.headers['List-Unsubscribe']).not.toContain('mailto:');
  });
  test('the Message-ID depends on the dedupe key only, so a retry carries the same one', async () => {
    const first = await notificationHeaders(message({ attempt: 1 }), settings);
    const retry = await notificationHeaders(message({ attempt: 3, id: 7 }), settings);
    const other = await notificationHeaders(message({ dedupe_key: 'answered:43:user-1' }), settings);
    expect(retry.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
  });
});

describe('SMTP failures (nodemailer\'s error shapes)', () => {
  test('a refused recipient or a bad mailbox is permanent', () => {
    expect(classifySmtpError({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, response: '550 5.1.1 <x@example.com>: user unknown' }).permanent).toBe(true);
    expect(classifySmtpError({ code: 'EMESSAGE', command: 'DATA', responseCode: 550, response: '550 5.1.1 mailbox unavailable' }).permanent).toBe(true);
    expect(classifySmtpError({ code: 'EENVELOPE', command: 'API', message: 'Invalid recipient "x"' }).permanent).toBe(true);
  });
  test('greylisting or a full mailbox (4xx to RCPT TO) is temporary', () => {
    expect(classifySmtpError({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450, response: '450 4.2.1 try again later' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 452, response: '452 4.2.2 mailbox full' }).permanent).toBe(false);
  });
  test('a refused login, sender or content, or no connection, is temporary: the address is not to blame', () => {
    expect(classifySmtpError({ code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535, response: '535 5.7.8 bad credentials' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553, response: '553 sender not allowed' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'EENVELOPE', command: 'API', message: 'Invalid sender "x"' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'EMESSAGE', command: 'DATA', responseCode: 554, response: '554 5.7.1 message refused as spam' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'ESOCKET', command: 'CONN', message: 'connect ECONNREFUSED 127.0.0.1:1' })).toEqual({
      permanent: false,
      error: 'CONN: connect ECONNREFUSED 127.0.0.1:1',
    });
  });
  test('the error is one line', () => {
    expect(classifySmtpError({ command: 'RCPT TO', responseCode: 550, response: '550 no\r\nsuch user' }).error).toBe('RCPT TO: 550 no such user');
    expect(classifySmtpError({ command: 'AUTH PLAIN', responseCode: 535, message: 'Invalid login' }).error).toBe('AUTH PLAIN: 535 Invalid login');
  });
});
