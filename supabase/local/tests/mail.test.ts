/**
 * The mail catcher as Mailpit's users see it: real SMTP in (nodemailer), Mailpit's HTTP API out, with
 * its field names and shapes, so tests written against it also run against the CLI's Mailpit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMailService, type MailService } from '../mail/index.ts';

const quietLog = { info() {}, error() {} };
const dataDir = mkdtempSync(join(tmpdir(), 'pro-portal-mail-'));
const MAX = 256 * 1024;
let mail: MailService;

const start = () => startMailService({ dataDir, port: 0, smtpPort: 0, log: quietLog, maxMessageBytes: MAX });

beforeAll(async () => {
  mail = await start();
});
afterAll(async () => {
  await mail.close();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await fetch(`${mail.url}/api/v1/messages`, { method: 'DELETE' });
});

function send(message: SendMailOptions) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, secure: false, ignoreTLS: true });
  return transport.sendMail({ from: 'Admin <admin@email.com>', ...message });
}

async function api<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${mail.url}${path}`, init);
  expect(response.status, `${path}: ${response.status}`).toBe(200);
  return (await response.json()) as T;
}

interface Summary {
  ID: string;
  Read: boolean;
  Subject: string;
  Attachments: number;
  [key: string]: unknown;
}
interface List {
  total: number;
  unread: number;
  count: number;
  messages_count: number;
  start: number;
  tags: string[];
  messages: Summary[];
}

describe('SMTP in, Mailpit API out', () => {
  it('lists messages newest first in Mailpit\'s shape, with paging', async () => {
    await send({ to: 'one@example.com', subject: 'First', text: 'one' });
    await send({ to: 'two@example.com', subject: 'Second', text: 'two' });
    const list = await api<List>('/api/v1/messages');
    expect(list).toMatchObject({ total: 2, unread: 2, count: 2, messages_count: 2, start: 0, tags: [] });
    expect(list.messages.map((message) => message.Subject)).toEqual(['Second', 'First']);
    expect(Object.keys(list.messages[0]!).sort()).toEqual(
      ['Attachments', 'Bcc', 'Cc', 'Created', 'From', 'ID', 'MessageID', 'Read', 'ReplyTo', 'Size', 'Snippet', 'Subject', 'Tags', 'To'].sort(),
    );
    expect(list.messages[0]).toMatchObject({
      From: { Name: 'Admin', Address: 'admin@email.com' },
      To: [{ Name: '', Address: 'two@example.com' }],
      Read: false,
      Attachments: 0,
      Snippet: 'two',
      Tags: [],
    });
    const second = await api<List>('/api/v1/messages?start=1&limit=1');
    expect(second).toMatchObject({ total: 2, count: 1, messages_count: 2, start: 1 });
    expect(second.messages[0]!.Subject).toBe('First');
    const bad = await fetch(`${mail.url}/api/v1/messages?limit=lots`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/limit must be a whole number/);
  });

  it('parses HTML with a text alternative, an attachment, Cc/Bcc/Reply-To and a non-ASCII subject', async () => {
    await send({
      to: 'Ann <ann@example.com>',
      cc: 'bob@example.com',
      bcc: 'hidden@example.com',
      replyTo: 'reply+token@reply.example.com',
      subject: 'Angebot für Straße ✓',
      text: 'Plain body',
      html: '<p>HTML <b>body</b></p>',
      headers: { 'List-Unsubscribe': '<https://example.com/u/1>, <mailto:u@example.com>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      attachments: [{ filename: 'receipt.txt', content: 'receipt body', contentType: 'text/plain' }],
    });
    const message = await api('/api/v1/message/latest');
    expect(Object.keys(message).sort()).toEqual(
      ['Attachments', 'Bcc', 'Cc', 'Date', 'From', 'HTML', 'ID', 'Inline', 'ListUnsubscribe', 'MessageID', 'ReplyTo', 'ReturnPath', 'Size', 'Subject', 'Tags', 'Text', 'To'].sort(),
    );
    expect(message).toMatchObject({
      Subject: 'Angebot für Straße ✓',
      To: [{ Name: 'Ann', Address: 'ann@example.com' }],
      Cc: [{ Name: '', Address: 'bob@example.com' }],
      Bcc: [{ Name: '', Address: 'hidden@example.com' }],
      ReplyTo: [{ Name: '', Address: 'reply+token@reply.example.com' }],
      ReturnPath: 'admin@email.com',
      Text: 'Plain body',
      HTML: '<p>HTML <b>body</b></p>',
      Inline: [],
      ListUnsubscribe: { Header: '<https://example.com/u/1>, <mailto:u@example.com>', Links: ['https://example.com/u/1', 'mailto:u@example.com'], HeaderPost: 'List-Unsubscribe=One-Click' },
    });
    const attachments = message.Attachments as Array<{ PartID: string; FileName: string; ContentType: string; Size: number }>;
    expect(attachments).toEqual([{ PartID: expect.any(String), FileName: 'receipt.txt', ContentType: 'text/plain', ContentID: expect.any(String), Size: 12 }]);
    expect(message.MessageID).toMatch(/@/);
    expect(message.MessageID).not.toMatch(/[<>]/);

    const part = await fetch(`${mail.url}/api/v1/message/${message.ID as string}/part/${attachments[0]!.PartID}`);
    expect(part.status).toBe(200);
    expect(part.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await part.text()).toBe('receipt body');
    expect((await fetch(`${mail.url}/api/v1/message/${message.ID as string}/part/99`)).status).toBe(404);

    const headers = await api<Record<string, string[]>>(`/api/v1/message/${message.ID as string}/headers`);
    expect(headers['Subject']![0]).toMatch(/=\?UTF-8\?/i);
    expect(headers['Reply-To']).toEqual(['reply+token@reply.example.com']);
    expect(headers['To']).toEqual(['Ann <ann@example.com>']);

    const raw = await fetch(`${mail.url}/api/v1/message/${message.ID as string}/raw`);
    expect(raw.headers.get('content-type')).toMatch(/^text\/plain/);
    const source = await raw.text();
    expect(source).toMatch(/^Content-Type: multipart\/mixed/m);
    expect(source).not.toMatch(/^Bcc:/im);
    expect(Buffer.byteLength(source)).toBe(message.Size);

    const html = await fetch(`${mail.url}/view/${message.ID as string}.html`);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toBe('<p>HTML <b>body</b></p>');
    expect(await (await fetch(`${mail.url}/view/${message.ID as string}.txt`)).text()).toBe('Plain body');

    const summary = (await api<List>('/api/v1/messages')).messages[0]!;
    expect(summary.Attachments).toBe(1);
  });

  it('searches by to, from, subject, is:unread and free text, in the list shape', async () => {
    await send({ to: 'ann@example.com', subject: 'Confirm your signup', text: 'Follow this link' });
    await send({ to: 'bob@example.com', from: 'Shop <shop@example.com>', subject: 'Your receipt', text: 'Thanks' });
    const subjects = async (query: string) =>
      (await api<List>(`/api/v1/search?query=${encodeURIComponent(query)}`)).messages.map((message) => message.Subject);
    expect(await subjects('to:"ann@example.com"')).toEqual(['Confirm your signup']);
    expect(await subjects('from:"shop@example.com"')).toEqual(['Your receipt']);
    expect(await subjects('subject:"confirm"')).toEqual(['Confirm your signup']);
    expect(await subjects('"follow this link"')).toEqual(['Confirm your signup']);
    expect(await subjects('is:unread')).toEqual(['Your receipt', 'Confirm your signup']);
    const found = await api<List>(`/api/v1/search?query=${encodeURIComponent('to:bob@example.com')}`);
    expect(found).toMatchObject({ total: 2, unread: 2, count: 1, messages_count: 1, start: 0, tags: [] });

    await api(`/api/v1/message/${found.messages[0]!.ID}`);
    expect(await subjects('is:unread')).toEqual(['Confirm your signup']);
    expect(await subjects('is:read')).toEqual(['Your receipt']);

    expect((await fetch(`${mail.url}/api/v1/search?query=`)).status).toBe(400);
    const unclosed = await fetch(`${mail.url}/api/v1/search?query=${encodeURIComponent('to:"ann')}`);
    expect(unclosed.status).toBe(400);
    expect(await unclosed.text()).toMatch(/unclosed quote/);
  });

  it('marks a message read when it is fetched; 404 for what is not there', async () => {
    await send({ to: 'ann@example.com', subject: 'Once', text: 'x' });
    const [summary] = (await api<List>('/api/v1/messages')).messages;
    expect(summary!.Read).toBe(false);
    await api(`/api/v1/message/${summary!.ID}`);
    const after = await api<List>('/api/v1/messages');
    expect(after.messages[0]!.Read).toBe(true);
    expect(after.unread).toBe(0);

    for (const path of ['/api/v1/message/nope', '/api/v1/message/nope/raw', '/api/v1/message/nope/headers', '/view/nope.html', '/nowhere']) {
      expect((await fetch(`${mail.url}${path}`)).status, path).toBe(404);
    }
    await fetch(`${mail.url}/api/v1/messages`, { method: 'DELETE' });
    expect((await fetch(`${mail.url}/api/v1/message/latest`)).status).toBe(404);
    await send({ to: 'ann@example.com', subject: 'Text only', text: 'x' });
    expect((await fetch(`${mail.url}/view/${(await api<List>('/api/v1/messages')).messages[0]!.ID}.html`)).status).toBe(404);
  });

  it('deletes by IDs, by search, and everything; bad JSON changes nothing', async () => {
    for (const subject of ['a', 'b', 'c', 'd']) await send({ to: `${subject}@example.com`, subject, text: subject });
    const ids = Object.fromEntries((await api<List>('/api/v1/messages')).messages.map((message) => [message.Subject, message.ID]));

    const bad = await fetch(`${mail.url}/api/v1/messages`, { method: 'DELETE', body: '{"IDs":' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/not JSON/);
    expect((await fetch(`${mail.url}/api/v1/messages`, { method: 'DELETE', body: '{"IDs":"a"}' })).status).toBe(400);
    expect((await api<List>('/api/v1/messages')).total).toBe(4);

    const deleted = await fetch(`${mail.url}/api/v1/messages`, { method: 'DELETE', body: JSON.stringify({ IDs: [ids.a, '../../etc'] }) });
    expect(deleted.status).toBe(200);
    expect(deleted.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await deleted.text()).toBe('ok');
    expect((await api<List>('/api/v1/messages')).messages.map((message) => message.Subject)).toEqual(['d', 'c', 'b']);

    expect((await fetch(`${mail.url}/api/v1/search?query=${encodeURIComponent('subject:b')}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api<List>('/api/v1/messages')).messages.map((message) => message.Subject)).toEqual(['d', 'c']);

    expect((await fetch(`${mail.url}/api/v1/messages`, { method: 'DELETE', body: JSON.stringify({ IDs: [] }) })).status).toBe(200);
    expect((await api<List>('/api/v1/messages')).total).toBe(0);
  });

  it('keeps messages and read flags across a restart on the same data dir', async () => {
    await send({ to: 'ann@example.com', subject: 'Kept', text: 'still here' });
    await send({ to: 'ann@example.com', subject: 'Kept too', text: 'also here' });
    const before = await api<List>('/api/v1/messages');
    await api(`/api/v1/message/${before.messages[1]!.ID}`);
    await mail.close();
    mail = await start();
    const after = await api<List>('/api/v1/messages');
    expect(after.messages.map((message) => [message.ID, message.Subject, message.Read])).toEqual([
      [before.messages[0]!.ID, 'Kept too', false],
      [before.messages[1]!.ID, 'Kept', true],
    ]);
    expect(await (await fetch(`${mail.url}/api/v1/message/${before.messages[1]!.ID}/raw`)).text()).toMatch(/still here/);
  });

  it('starts empty with reset, as --reset starts with a new database', async () => {
    await send({ to: 'ann@example.com', subject: 'Old', text: 'x' });
    await mail.close();
    mail = await startMailService({ dataDir, port: 0, smtpPort: 0, log: quietLog, maxMessageBytes: MAX, reset: true });
    expect((await api<List>('/api/v1/messages')).total).toBe(0);
    await send({ to: 'ann@example.com', subject: 'New', text: 'x' });
    expect((await api<List>('/api/v1/messages')).messages.map((message) => message.Subject)).toEqual(['New']);
  });

  it('refuses a message over the size limit with SMTP 552 and keeps nothing', async () => {
    const error = await send({ to: 'ann@example.com', subject: 'Huge', text: 'x'.repeat(MAX + 1024) }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(Error);
    expect((error as { responseCode?: number }).responseCode).toBe(552);
    expect((error as Error).message).toMatch(/maximum message size/);
    expect((await api<List>('/api/v1/messages')).total).toBe(0);
  });

  it('answers health checks and CORS, and shows mail in an escaped web UI', async () => {
    expect((await fetch(`${mail.url}/livez`)).status).toBe(200);
    expect((await fetch(`${mail.url}/readyz`)).status).toBe(200);
    const preflight = await fetch(`${mail.url}/api/v1/messages`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'DELETE' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/DELETE/);
    expect((await fetch(`${mail.url}/api/v1/messages`)).headers.get('access-control-allow-origin')).toBe('*');

    await send({ to: 'ann@example.com', subject: '<script>alert(1)</script>', text: '<img src=x onerror=alert(1)>' });
    const list = await (await fetch(`${mail.url}/`)).text();
    expect(list).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(list).not.toContain('<script>');
    const id = (await api<List>('/api/v1/messages')).messages[0]!.ID;
    const page = await fetch(`${mail.url}/ui/${id}`);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const body = await page.text();
    expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(body).not.toMatch(/<img|<script/);
    expect(body).not.toMatch(/https?:\/\//);
    expect((await api<List>('/api/v1/messages')).messages[0]!.Read).toBe(true);
  });
});
