/**
 * Reading the mail a test caused through Mailpit's HTTP API: the local stack's catcher speaks it, and so
 * does the Mailpit of `supabase start`, so these helpers work against either (MAILPIT_URL, set by
 * global-setup.ts for the suite's own stack, or e.g. http://127.0.0.1:54324 for the CLI's).
 */
import { expect, type Page } from '@playwright/test';

export interface Mail {
  ID: string;
  Subject: string;
  From: { Name: string; Address: string };
  To: Array<{ Name: string; Address: string }>;
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
