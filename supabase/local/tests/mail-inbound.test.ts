/**
 * The catcher standing in for Mailgun's inbound route: mail to the reply domain is also POSTed, signed
 * as Mailgun signs, in Mailgun's forward-route fields; other mail is only caught; the POST is retried
 * while the function is not up, and not after a refusal. A fake endpoint plays inbound-email here;
 * supabase/tests/mail-delivery.test.ts runs the real function.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../core/ports.ts';
import { localMailDefaults, LOCAL_INBOUND_EMAIL_DOMAIN } from '../functions/env.ts';
import { startMailService, type MailService } from '../mail/index.ts';

const quietLog = { info() {}, error() {} };
const KEY = 'test-signing-key';
const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-mail-inbound-'));

interface Received {
  fields: URLSearchParams;
  contentType: string;
}

/** A stand-in for inbound-email answering `statuses` in turn (then 200), recording what it got. */
async function fakeEndpoint(port: number, statuses: number[] = []): Promise<{ server: Server; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ fields: new URLSearchParams(Buffer.concat(chunks).toString()), contentType: req.headers['content-type'] ?? '' });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: status === 200 ? 'posted' : 'no' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return { server, received };
}

const servers: Server[] = [];
const services: MailService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function catcher(endpointPort: number, retryDelaysMs = [50, 100, 200, 400]): Promise<MailService> {
  const mail = await startMailService({
    dataDir,
    port: 0,
    smtpPort: 0,
    log: quietLog,
    reset: true,
    inbound: { url: `http://127.0.0.1:${endpointPort}/functions/v1/inbound-email`, domain: LOCAL_INBOUND_EMAIL_DOMAIN, signingKey: KEY, retryDelaysMs },
  });
  services.push(mail);
  return mail;
}

function send(mail: MailService, to: string, extra: SendMailOptions = {}) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, secure: false, ignoreTLS: true });
  return transport.sendMail({
    from: 'Ada Lovelace <ada@example.com>',
    to,
    subject: 'Re: Ticket #12',
    text: 'Fixed, thanks!\n\nOn Fri, Dec 4, 2026 at 10:02 AM Pro Portal wrote:\n> old',
    messageId: '<reply-1@example.com>',
    ...extra,
  });
}

async function until(check: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('catcher forwarding to inbound-email', () => {
  let port: number;
  beforeAll(async () => {
    port = await freePort();
  });

  it('POSTs mail for the reply domain in Mailgun\'s forward format, signed with the key, and keeps it in the catcher', async () => {
    const endpoint = await fakeEndpoint(port);
    servers.push(endpoint.server);
    const mail = await catcher(port);
    await send(mail, `Pro Portal <reply+0123456789abcdefghij@${LOCAL_INBOUND_EMAIL_DOMAIN.toUpperCase()}>`);
    await until(() => endpoint.received.length === 1);
    const { fields, contentType } = endpoint.received[0]!;
    expect(contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(fields.get('recipient')?.toLowerCase()).toBe(`reply+0123456789abcdefghij@${LOCAL_INBOUND_EMAIL_DOMAIN}`);
    expect(fields.get('sender')).toBe('ada@example.com');
    expect(fields.get('from')).toBe('Ada Lovelace <ada@example.com>');
    expect(fields.get('subject')).toBe('Re: Ticket #12');
    expect(fields.get('body-plain')).toContain('Fixed, thanks!');
    expect(fields.get('Message-Id')).toBe('<reply-1@example.com>');
    expect(JSON.parse(fields.get('message-headers')!)).toContainEqual(['Subject', 'Re: Ticket #12']);
    const timestamp = fields.get('timestamp')!;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(10);
    expect(fields.get('token')).toMatch(/^[0-9a-f]{50}$/);
    expect(fields.get('signature')).toBe(createHmac('sha256', KEY).update(timestamp + fields.get('token')!).digest('hex'));
    const caught = (await (await fetch(`${mail.url}/api/v1/messages`)).json()) as { messages: unknown[] };
    expect(caught.messages).toHaveLength(1);
  });

  it('does not forward mail for other domains', async () => {
    const endpoint = await fakeEndpoint(port);
    servers.push(endpoint.server);
    const mail = await catcher(port);
    await send(mail, 'reply+0123456789abcdefghij@reply.pro-portal.test.evil.example');
    await send(mail, 'someone@example.com');
    await send(mail, `reply+0123456789abcdefghij@${LOCAL_INBOUND_EMAIL_DOMAIN}`);
    await until(() => endpoint.received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(endpoint.received.map((r) => r.fields.get('recipient'))).toEqual([`reply+0123456789abcdefghij@${LOCAL_INBOUND_EMAIL_DOMAIN}`]);
  });

  it('retries while the function is not up, and signs each attempt afresh', async () => {
    const mail = await catcher(port, [100, 200, 400, 800, 1600]);
    await send(mail, `reply+0123456789abcdefghij@${LOCAL_INBOUND_EMAIL_DOMAIN}`);
    await new Promise((resolve) => setTimeout(resolve, 250)); // the first attempts find nothing listening
    const endpoint = await fakeEndpoint(port, [503]); // then the runtime is starting
    servers.push(endpoint.server);
    await until(() => endpoint.received.length === 2, 8000);
    const [first, second] = endpoint.received;
    expect(second!.fields.get('token')).not.toBe(first!.fields.get('token'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(endpoint.received).toHaveLength(2);
  });

  it('does not retry a refusal (4xx)', async () => {
    const endpoint = await fakeEndpoint(port, [401]);
    servers.push(endpoint.server);
    const mail = await catcher(port);
    await send(mail, `reply+0123456789abcdefghij@${LOCAL_INBOUND_EMAIL_DOMAIN}`);
    await until(() => endpoint.received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(endpoint.received).toHaveLength(1);
  });
});

describe('local mail defaults for the functions', () => {
  it('point SMTP at the catcher, name the reply domain, and derive a signing key from the JWT secret', () => {
    const a = localMailDefaults('secret-a', 54325);
    expect(a.SMTP_URL).toBe('smtp://127.0.0.1:54325');
    expect(a.INBOUND_EMAIL_DOMAIN).toBe('reply.pro-portal.test');
    expect(a.MAILGUN_WEBHOOK_SIGNING_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(localMailDefaults('secret-b', 54325).MAILGUN_WEBHOOK_SIGNING_KEY).not.toBe(a.MAILGUN_WEBHOOK_SIGNING_KEY);
    expect(localMailDefaults('secret-a', undefined)).not.toHaveProperty('SMTP_URL');
  });
});
