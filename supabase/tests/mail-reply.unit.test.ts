/**
 * Replies by e-mail: what is kept of a reply (quoted history and signatures from real clients removed),
 * the reply token in the address, the sender, Mailgun's signature, and which mail is never answered.
 */
import { describe, expect, test } from 'vitest';
import { readInbound } from '../functions/_shared/mail/inbound.ts';
import { hmacSha256Hex, ReplayGuard, SIGNATURE_MAX_AGE_SECONDS, verifyMailgunSignature } from '../functions/_shared/mail/mailgun.ts';
import { replyTokenOf, senderAddress, stripReply, unsubscribeAddressOf } from '../functions/_shared/mail/reply.ts';

const lines = (...l: string[]) => l.join('\n');

describe('stripReply on real clients\' replies', () => {
  const cases: Array<[string, string, string]> = [
    [
      'Gmail',
      lines('Thanks, that fixed it!', '', 'On Fri, Dec 4, 2026 at 10:02 AM Pro Portal <reply+abc@reply.pro-portal.test> wrote:', '', '> An engineer answered', '> Try turning it off and on again.'),
      'Thanks, that fixed it!',
    ],
    [
      'Gmail, attribution wrapped over two lines',
      lines('Still broken.', '', 'On Fri, Dec 4, 2026 at 10:02 AM Pro Portal Support Desk <', 'reply+0123456789abcdefghij@reply.pro-portal.test> wrote:', '', '> quoted'),
      'Still broken.',
    ],
    [
      'Apple Mail',
      lines('Works now.', '', '> On 4 Dec 2026, at 10:02, Pro Portal <reply+abc@reply.pro-portal.test> wrote:', '> ', '> An engineer answered'),
      'Works now.',
    ],
    [
      'Apple Mail, unquoted attribution',
      lines('Works now.', '', 'On 4 Dec 2026, at 10:02, Pro Portal <support@pro-portal.test> wrote:', '', 'An engineer answered'),
      'Works now.',
    ],
    [
      'Outlook desktop: Original Message banner',
      lines('Please call me.', '', '-----Original Message-----', 'From: Pro Portal <support@pro-portal.test>', 'Sent: Friday, December 4, 2026 10:02 AM', 'Subject: Ticket #12'),
      'Please call me.',
    ],
    [
      'Outlook: underscore rule and header block',
      lines('See attached log.', '', '________________________________', 'From: Pro Portal <support@pro-portal.test>', 'Sent: Friday, December 4, 2026 10:02', 'To: Ada', 'Subject: Ticket #12'),
      'See attached log.',
    ],
    [
      'Outlook web: bold header block without a rule',
      lines('Yes, go ahead.', '', '*From:* Pro Portal <support@pro-portal.test>', '*Sent:* Friday, December 4, 2026 10:02', '*To:* Ada'),
      'Yes, go ahead.',
    ],
    [
      'German Outlook header block',
      lines('Danke!', '', 'Von: Pro Portal <support@pro-portal.test>', 'Gesendet: Freitag, 4. Dezember 2026 10:02', 'An: Ada'),
      'Danke!',
    ],
    ['German Gmail', lines('Geht wieder.', '', 'Am Fr., 4. Dez. 2026 um 10:02 Uhr schrieb Pro Portal <support@pro-portal.test>:', '> alt'), 'Geht wieder.'],
    ['French', lines('Merci.', '', 'Le ven. 4 déc. 2026 à 10:02, Pro Portal <support@pro-portal.test> a écrit :', '> ancien'), 'Merci.'],
    ['Spanish', lines('Gracias.', '', 'El vie, 4 dic 2026 a las 10:02, Pro Portal (<support@pro-portal.test>) escribió:', '> viejo'), 'Gracias.'],
    ['forwarded banner', lines('FYI', '', '---------- Forwarded message ---------', 'From: someone'), 'FYI'],
    ['Apple forward', lines('See below', '', 'Begin forwarded message:', '', 'From: someone'), 'See below'],
    ['signature delimiter', lines('It prints now.', '', '-- ', 'Ada Lovelace', 'Analytical Engines Ltd'), 'It prints now.'],
    ['signature delimiter without its space', lines('It prints now.', '--', 'Ada'), 'It prints now.'],
    ['Sent from my iPhone', lines('ok thanks', '', 'Sent from my iPhone', '', '> On 4 Dec 2026, at 10:02, Pro Portal wrote:'), 'ok thanks'],
    ['Get Outlook for Android', lines('Confirmed.', '', 'Get Outlook for Android'), 'Confirmed.'],
    ['Sent from Mail for Windows', lines('Will try.', '', 'Sent from Mail for Windows'), 'Will try.'],
    ['German mobile signature', lines('Passt.', '', 'Von meinem iPhone gesendet'), 'Passt.'],
    [
      'interleaved answer keeps only the new lines',
      lines('> Did you restart it?', 'Yes, twice.', '> Which model?', 'LaserJet 4000.'),
      'Yes, twice.\nLaserJet 4000.',
    ],
    ['CRLF line endings', 'Fine now.\r\n\r\nOn Fri, Dec 4, 2026 at 10:02 AM Pro Portal wrote:\r\n> old\r\n', 'Fine now.'],
    ['only quoted text is empty', lines('On Fri, Dec 4, 2026 at 10:02 AM Pro Portal wrote:', '> old'), ''],
    ['only a signature is empty', lines('', '-- ', 'Ada'), ''],
    [
      'the person\'s own "On … wrote" sentence without a date or address stays',
      lines('On Monday my colleague wrote:', 'the printer was fine.'),
      'On Monday my colleague wrote:\nthe printer was fine.',
    ],
    ['paragraphs and indentation stay, extra blank lines go', lines('  First step.', '', '', '', 'Second step.  '), 'First step.\n\nSecond step.'],
    ['a dash list is not a signature', lines('Tried:', '- restart', '- new cable'), 'Tried:\n- restart\n- new cable'],
  ];
  test.each(cases)('%s', (_name, body, expected) => {
    expect(stripReply(body)).toBe(expected);
  });
});

describe('reply and unsubscribe addresses', () => {
  const domain = 'reply.pro-portal.test';
  test('the token of reply+<token>@<our domain>, in any letter case of the domain and with a display name', () => {
    expect(replyTokenOf('reply+0123456789abcdefghij@reply.pro-portal.test', domain)).toBe('0123456789abcdefghij');
    expect(replyTokenOf('"Pro Portal" <reply+Ab_cd-0123456789xyz@Reply.Pro-Portal.TEST>', domain)).toBe('Ab_cd-0123456789xyz');
    expect(replyTokenOf('someone@example.com, reply+0123456789abcdefghij@reply.pro-portal.test', domain)).toBe('0123456789abcdefghij');
  });
  test('anything else is no token', () => {
    expect(replyTokenOf('reply+0123456789abcdefghij@evil.example', domain)).toBeNull();
    expect(replyTokenOf('reply+short@reply.pro-portal.test', domain)).toBeNull();
    expect(replyTokenOf('support@reply.pro-portal.test', domain)).toBeNull();
    expect(replyTokenOf('other+0123456789abcdefghij@reply.pro-portal.test', domain)).toBeNull();
    expect(replyTokenOf('', domain)).toBeNull();
  });
  test('unsubscribe+<kind>.<token>@<our domain>', () => {
    expect(unsubscribeAddressOf('unsubscribe+quote_ready.0123456789abcdefghij@reply.pro-portal.test', domain)).toEqual({
      kind: 'quote_ready',
      token: '0123456789abcdefghij',
    });
    expect(unsubscribeAddressOf('reply+0123456789abcdefghij@reply.pro-portal.test', domain)).toBeNull();
  });
  test('the sender is the From address, lower-cased', () => {
    expect(senderAddress('"Ada Lovelace" <Ada@Example.com>')).toBe('ada@example.com');
    expect(senderAddress('ada@example.com')).toBe('ada@example.com');
    expect(senderAddress('Ada Lovelace')).toBeNull();
  });
});

describe('Mailgun signatures', () => {
  const key = 'key-test-signing';
  const now = 1_780_000_000;
  const signed = async (timestamp: number, token: string) => ({
    timestamp: String(timestamp),
    token,
    signature: await hmacSha256Hex(key, `${timestamp}${token}`),
  });

  test('HMAC-SHA256 of timestamp + token, hex (Mailgun\'s documented construction)', async () => {
    // Node's own HMAC as the reference: the Web Crypto code must agree with it byte for byte.
    const { createHmac } = await import('node:crypto');
    expect(await hmacSha256Hex(key, '1780000000abc')).toBe(createHmac('sha256', key).update('1780000000abc').digest('hex'));
  });

  test('a good signature passes once; its replay is refused', async () => {
    const guard = new ReplayGuard();
    const fields = await signed(now, 'token-1');
    expect(await verifyMailgunSignature(key, fields, guard, now)).toEqual({ ok: true });
    expect(await verifyMailgunSignature(key, fields, guard, now + 1)).toEqual({ ok: false, reason: 'replayed' });
  });

  test('a wrong key, a changed token or a missing field is refused, and burns no token', async () => {
    const guard = new ReplayGuard();
    const fields = await signed(now, 'token-2');
    expect(await verifyMailgunSignature('other-key', fields, guard, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await verifyMailgunSignature(key, { ...fields, token: 'token-3' }, guard, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await verifyMailgunSignature(key, { ...fields, signature: null }, guard, now)).toEqual({ ok: false, reason: 'missing' });
    expect(await verifyMailgunSignature(key, fields, guard, now)).toEqual({ ok: true });
  });

  test('older or newer than five minutes is refused', async () => {
    const guard = new ReplayGuard();
    const old = await signed(now - SIGNATURE_MAX_AGE_SECONDS - 1, 'token-4');
    expect(await verifyMailgunSignature(key, old, guard, now)).toEqual({ ok: false, reason: 'expired' });
    const future = await signed(now + SIGNATURE_MAX_AGE_SECONDS + 1, 'token-5');
    expect(await verifyMailgunSignature(key, future, guard, now)).toEqual({ ok: false, reason: 'expired' });
    const edge = await signed(now - SIGNATURE_MAX_AGE_SECONDS, 'token-6');
    expect(await verifyMailgunSignature(key, edge, guard, now)).toEqual({ ok: true });
  });
});

describe('readInbound', () => {
  const form = (fields: Record<string, string>) => new Map(Object.entries(fields));

  test('reads sender, text without history, and the Message-Id', async () => {
    const mail = await readInbound(
      form({
        recipient: 'reply+0123456789abcdefghij@reply.pro-portal.test',
        sender: 'bounce@relay.example',
        from: 'Ada <ADA@example.com>',
        subject: 'Re: Ticket #12',
        'body-plain': 'Done.\n\nOn Fri, Dec 4, 2026 at 10:02 AM Pro Portal wrote:\n> old',
        'Message-Id': '<abc@mail.example.com>',
      }),
    );
    expect(mail).toMatchObject({ from: 'ada@example.com', text: 'Done.', messageId: '<abc@mail.example.com>', automatic: false });
  });

  test('without a Message-Id, the same mail gets the same stand-in id', async () => {
    const fields = { from: 'ada@example.com', subject: 'Re', 'body-plain': 'Done.' };
    const a = await readInbound(form(fields));
    expect(a.messageId).toMatch(/^<sha256-[0-9a-f]{32}@inbound>$/);
    expect((await readInbound(form(fields))).messageId).toBe(a.messageId);
    expect((await readInbound(form({ ...fields, 'body-plain': 'Other.' }))).messageId).not.toBe(a.messageId);
  });

  test.each([
    ['Auto-Submitted: auto-replied', { 'message-headers': JSON.stringify([['Auto-Submitted', 'auto-replied']]) }],
    ['Precedence: bulk', { 'message-headers': JSON.stringify([['Precedence', 'bulk']]) }],
    ['X-Autoreply', { 'message-headers': JSON.stringify([['X-Autoreply', 'yes']]) }],
    ['from MAILER-DAEMON', { from: 'MAILER-DAEMON@mx.example.com' }],
    ['from no-reply', { from: 'no-reply@example.com' }],
  ])('automatic mail is recognised: %s', async (_name, extra) => {
    expect((await readInbound(form({ from: 'ada@example.com', 'body-plain': 'Out of office', ...extra }))).automatic).toBe(true);
  });

  test('Auto-Submitted: no is a person\'s mail', async () => {
    const mail = await readInbound(form({ from: 'ada@example.com', 'message-headers': JSON.stringify([['Auto-Submitted', 'no']]) }));
    expect(mail.automatic).toBe(false);
  });
});
