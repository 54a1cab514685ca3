/**
 * Reading the mail a test caused through Mailpit's HTTP API: the local stack's catcher speaks it, and so
 * does the Mailpit of `supabase start`, so these helpers work against either (MAILPIT_URL, set by
 * global-setup.ts for the suite's own stack, or e.g. http://127.0.0.1:54324 for the CLI's).
 */
import { connect } from 'node:net';
import { expect, type Page } from '@playwright/test';

export interface Mail {
  ID: string;
  Subject: string;
  From: { Name: string; Address: string };
  To: Array<{ Name: string; Address: string }>;
  ReplyTo: Array<{ Name: string; Address: string }>;
  HTML: string;
  Text: string;
}

function mailpitUrl(): string {
  const url = process.env.MAILPIT_URL;
  if (!url) throw new Error('MAILPIT_URL is not set: the e2e global setup sets it to the stack\'s Mailpit API');
  return url.replace(/\/+$/, '');
}

/** Every message to `address`, newest first. */
async function searchTo(address: string): Promise<Array<{ ID: string }>> {
  const response = await fetch(`${mailpitUrl()}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`);
  if (!response.ok) throw new Error(`Mailpit search: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { messages: Array<{ ID: string }> }).messages;
}

/**
 * The newest mail to `address` once at least `count` have arrived (Auth sends after it answers, so the
 * mail may trail the page by a moment).
 */
export async function latestMailTo(address: string, { count = 1, timeout = 15_000 } = {}): Promise<Mail> {
  let id: string | undefined;
  await expect
    .poll(
      async () => {
        const messages = await searchTo(address);
        id = messages.length >= count ? messages[0]!.ID : undefined;
        return messages.length;
      },
      { message: `mail #${count} to ${address}`, timeout },
    )
    .toBeGreaterThanOrEqual(count);
  const response = await fetch(`${mailpitUrl()}/api/v1/message/${id!}`);
  if (!response.ok) throw new Error(`Mailpit message ${id!}: ${response.status}`);
  return (await response.json()) as Mail;
}

/** The newest mail to `address` whose subject or HTML matches `pattern` (a link or words only that mail has). */
export async function mailTo(address: string, pattern: RegExp, { timeout = 20_000 } = {}): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      async () => {
        for (const { ID } of await searchTo(address)) {
          const mail = (await (await fetch(`${mailpitUrl()}/api/v1/message/${ID}`)).json()) as Mail;
          if (pattern.test(`${mail.Subject}\n${mail.HTML}`)) {
            found = mail;
            return true;
          }
        }
        return false;
      },
      { message: `a mail to ${address} matching ${pattern}`, timeout },
    )
    .toBe(true);
  return found!;
}

/** The href of the mail's link that matches `pattern`, decoded as a browser would read it. */
export function linkIn(mail: Mail, pattern: RegExp): string {
  for (const [, href] of mail.HTML.matchAll(/href="([^"]+)"/g)) {
    const decoded = href!.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&#34;/g, '"');
    if (pattern.test(decoded)) return decoded;
  }
  throw new Error(`no link matching ${pattern} in the mail "${mail.Subject}"`);
}

/**
 * Sends a plain-text mail into the catcher's SMTP listener (MAILPIT_SMTP, host:port), as a person's
 * mail client would: the bare protocol, so this works against the CLI's Mailpit as well.
 */
export async function sendMailAs(from: string, to: string, subject: string, text: string, headers: Record<string, string> = {}) {
  const [host, port] = (process.env.MAILPIT_SMTP ?? '').split(':');
  if (!host || !port) throw new Error('MAILPIT_SMTP is not set: the e2e global setup sets it to the catcher\'s SMTP host:port');
  const message = [
    `From: <${from}>`,
    `To: <${to}>`,
    `Subject: ${subject}`,
    `Message-ID: <${crypto.randomUUID()}@e2e.test>`,
    `Date: ${new Date().toUTCString()}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'Content-Type: text/plain; charset=utf-8',
    '',
    // Dot-stuffing (RFC 5321 §4.5.2): a line starting with "." gets another.
    ...text.split('\n').map((line) => (line.startsWith('.') ? `.${line}` : line)),
  ].join('\r\n');
  const socket = connect(Number(port), host);
  socket.setEncoding('utf8');
  let buffered = '';
  const reply = () =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        // A reply ends with a line "NNN text" (a space after the code; "NNN-" lines continue it).
        const match = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffered);
        if (!match) return false;
        const code = match[1]!;
        const text = buffered;
        buffered = '';
        socket.off('data', onData);
        if (code.startsWith('4') || code.startsWith('5')) reject(new Error(`SMTP said: ${text.trim()}`));
        else resolve(text);
        return true;
      };
      const onData = (chunk: string) => {
        buffered += chunk;
        check();
      };
      if (!check()) socket.on('data', onData);
      socket.once('error', reject);
    });
  const say = async (line: string) => {
    socket.write(`${line}\r\n`);
    return reply();
  };
  try {
    await reply();
    await say('EHLO e2e.test');
    await say(`MAIL FROM:<${from}>`);
    await say(`RCPT TO:<${to}>`);
    await say('DATA');
    await say(`${message}\r\n.`);
    await say('QUIT');
  } finally {
    socket.destroy();
  }
}

/** How many mails `address` has received. */
export async function mailCount(address: string): Promise<number> {
  return (await searchTo(address)).length;
}

/** The mail's first link (Auth's templates carry one: the verify link), as a browser would follow it. */
export function firstLink(mail: Mail): string {
  const href = /href="([^"]+)"/.exec(mail.HTML)?.[1];
  if (!href) throw new Error(`no link in the mail "${mail.Subject}"`);
  return href.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&#34;/g, '"');
}

/**
 * After "Create account" with confirmations on: the page says to check the inbox; the mailed link is
 * opened in the same tab, as a person clicking it in their mail client would (it signs them in).
 */
export async function confirmSignUpByMail(page: Page, email: string) {
  await expect(page.getByRole('status').filter({ hasText: 'Check your inbox' })).toContainText(email);
  const mail = await latestMailTo(email);
  expect(mail.Subject).toBe('Confirm your email address');
  await page.goto(firstLink(mail));
}
