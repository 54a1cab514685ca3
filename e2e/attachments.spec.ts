/**
 * Files on tickets in the browser: dropped on a reply, refused before any upload, canceled and retried,
 * hidden by an engineer, and names shown exactly as given.
 */
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Locator, Page } from '@playwright/test';
import { createPerson, deletePerson, expect, makeStaff, storageKey, test, type Person } from './customer-fixtures';
import { sql } from './staff-helpers';

// A 2×2 red PNG: small, and a real image the thumbnail and the lightbox can show.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);
const LOG = Buffer.from(Array.from({ length: 4000 }, (_, line) => `2026-12-04T18:00:${String(line % 60).padStart(2, '0')}Z line ${line + 1} of the service log`).join('\n'));

type FileSpec = { name: string; mimeType: string; buffer: Buffer };

async function openTicket(customer: Person, subject: string) {
  const { data } = await customer.client
    .rpc('create_ticket', { p_subject: subject, p_body: `About ${subject}.`, p_pre_approved: false })
    .throwOnError();
  return data as { id: string; number: number };
}

/** Drops files on an element as a person dragging them from their desktop would. */
async function dropFiles(page: Page, target: Locator, files: FileSpec[]) {
  const dataTransfer = await page.evaluateHandle(
    (specs) => {
      const transfer = new DataTransfer();
      for (const spec of specs) {
        const bytes = Uint8Array.from(atob(spec.base64), (char) => char.charCodeAt(0));
        transfer.items.add(new File([bytes], spec.name, { type: spec.mimeType }));
      }
      return transfer;
    },
    files.map((file) => ({ name: file.name, mimeType: file.mimeType, base64: file.buffer.toString('base64') })),
  );
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

/** Every request that would store something: the begin RPC and Storage itself. */
function watchUploads(page: Page) {
  const seen: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (url.includes('/storage/v1/') || url.includes('/rpc/begin_attachment')) seen.push(`${request.method()} ${url}`);
  });
  return seen;
}

async function signedInPage(browser: Browser, person: Person) {
  const context = await browser.newContext();
  await context.addInitScript(([key, session]) => window.localStorage.setItem(key, session), [storageKey(), JSON.stringify(person.session)] as const);
  return { context, page: await context.newPage() };
}

const replyForm = (page: Page) => page.getByRole('form', { name: 'Reply' });
const sentMessage = (page: Page, text: string) => page.getByRole('list', { name: 'Conversation' }).getByRole('listitem').filter({ hasText: text });

test('a customer drops images and a log on a reply; they arrive with it, open in the lightbox, preview and download', async ({ page, customer }) => {
  const ticket = await openTicket(customer, 'Crash on start');
  await page.goto(`/portal/tickets/${ticket.number}`);
  await replyForm(page).getByLabel('Your reply').fill('The screenshot and the log.');
  await dropFiles(page, replyForm(page), [
    { name: 'screen.png', mimeType: 'image/png', buffer: PNG },
    { name: 'service.log', mimeType: 'text/plain', buffer: LOG },
    { name: 'settings.png', mimeType: 'image/png', buffer: PNG },
  ]);

  const files = replyForm(page).getByRole('list', { name: 'Files for this message' });
  await expect(files.getByRole('progressbar', { name: 'Upload of screen.png' })).toBeVisible();
  await expect(files.getByRole('listitem', { name: 'screen.png' })).toContainText('Ready: attached when you send');
  await expect(files.getByRole('listitem', { name: 'service.log' })).toContainText('Ready: attached when you send');
  await replyForm(page).getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText('Reply sent.')).toBeVisible();
  await expect(files).toBeHidden();

  const message = sentMessage(page, 'The screenshot and the log.');
  const attachments = message.getByRole('list', { name: 'Attachments' });
  await expect(attachments.getByRole('listitem')).toHaveCount(3);
  await expect(attachments.getByRole('listitem', { name: 'service.log' })).toContainText(`${(LOG.length / 1024).toFixed(0)} KB`);

  // The thumbnail opens the lightbox; Esc closes it and focus returns to the thumbnail.
  const thumbnail = attachments.getByRole('button', { name: 'Open screen.png' });
  await expect(thumbnail.getByRole('img', { name: 'screen.png' })).toBeVisible();
  await thumbnail.click();
  const lightbox = page.getByRole('dialog', { name: 'Image: screen.png' });
  await expect(lightbox.getByRole('img', { name: 'screen.png' })).toBeVisible();
  await expect.poll(() => lightbox.getByRole('img', { name: 'screen.png' }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
  // The arrows go through the message's images (not the log), and round again.
  await page.keyboard.press('ArrowRight');
  const second = page.getByRole('dialog', { name: 'Image: settings.png' });
  await expect(second.getByRole('img', { name: 'settings.png' })).toBeVisible();
  // Files upload side by side, so which image is first is not fixed: either way there are two.
  await expect(second.getByText(/^[12] of 2$/)).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('dialog', { name: 'Image: screen.png' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(thumbnail).toBeFocused();

  // The log's preview shows its first lines, and only the first 64 KB of it.
  await attachments.getByRole('button', { name: 'Preview service.log' }).click();
  const preview = attachments.getByLabel('Preview of service.log', { exact: true });
  await expect(preview).toContainText('line 1 of the service log\n');
  await expect(preview).toContainText('line 2 of the service log');
  expect((await preview.textContent())!.length).toBeLessThanOrEqual(64 * 1024);
  await expect(attachments.getByText('The first 64 KB are shown.')).toBeVisible();

  const download = page.waitForEvent('download');
  await attachments.getByRole('button', { name: 'Download service.log' }).click();
  expect((await download).suggestedFilename()).toBe('service.log');

  // The files, their preview and the composer pass axe's WCAG 2.2 AA rules.
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(violations.map(({ id, nodes }) => `${id}: ${nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('an oversized file and an .exe are refused before anything is uploaded, with a clear message', async ({ page, customer }, testInfo) => {
  const ticket = await openTicket(customer, 'Big files');
  // From disk (a sparse file) rather than a buffer: the browser reads it locally instead of 25 MB going
  // through the automation protocol.
  const dump = testInfo.outputPath('memory.dmp');
  mkdirSync(dirname(dump), { recursive: true });
  writeFileSync(dump, '');
  truncateSync(dump, 25 * 1024 * 1024 + 1);
  const exe = testInfo.outputPath('Setup.exe');
  writeFileSync(exe, 'MZ');
  await page.goto(`/portal/tickets/${ticket.number}`);
  const uploads = watchUploads(page);
  await replyForm(page).getByLabel('Files to attach').setInputFiles([dump, exe]);
  const alert = replyForm(page).getByRole('alert').filter({ hasText: '2 files were not added' });
  await expect(alert).toContainText('“memory.dmp” was not attached: it is 26214401 bytes, and a file can be at most 26214400 bytes.');
  await expect(alert).toContainText('“Setup.exe” was not attached: .exe files are not accepted');
  await expect(replyForm(page).getByRole('list', { name: 'Files for this message' })).toBeHidden();
  expect(uploads).toEqual([]);
});

test('an upload can be canceled and retried', async ({ page, customer }) => {
  const ticket = await openTicket(customer, 'Cancel me');
  await page.goto(`/portal/tickets/${ticket.number}`);
  // Storage's answer is held until the test lets it go, so the upload is still running when canceled.
  let release: () => void = () => undefined;
  let held = 0;
  await page.route('**/storage/v1/object/attachments/**', async (route) => {
    held += 1;
    if (held === 1) {
      await new Promise<void>((resolve) => (release = resolve));
      return route.abort();
    }
    return route.continue();
  });
  await replyForm(page).getByLabel('Files to attach').setInputFiles({ name: 'trace.txt', mimeType: 'text/plain', buffer: Buffer.from('stack trace\n') });
  const row = replyForm(page).getByRole('listitem', { name: 'trace.txt' });
  await expect(row).toContainText('Uploading…');
  // Cancel once the upload's request is really out (and held): "Uploading…" shows from begin_attachment on,
  // and a cancel before the request would leave the retry's request to be the one held.
  await expect.poll(() => held).toBe(1);
  await row.getByRole('button', { name: 'Cancel trace.txt' }).click();
  await expect(row).toContainText('Canceled');
  release();
  await expect.poll(async () => (await customer.client.from('ticket_attachments').select('status').eq('ticket_id', ticket.id)).data).toEqual([]);

  await row.getByRole('button', { name: 'Retry trace.txt' }).click();
  await expect(row).toContainText('Ready: attached when you send');
  await replyForm(page).getByLabel('Your reply').fill('Here it is after all.');
  await replyForm(page).getByRole('button', { name: 'Send reply' }).click();
  await expect(sentMessage(page, 'Here it is after all.').getByRole('listitem', { name: 'trace.txt' })).toBeVisible();
});

test('an upload whose connection drops says so and succeeds on retry', async ({ page, customer }) => {
  const ticket = await openTicket(customer, 'Flaky network');
  await page.goto(`/portal/tickets/${ticket.number}`);
  let attempts = 0;
  await page.route('**/storage/v1/object/attachments/**', (route) => (++attempts === 1 ? route.abort('connectionreset') : route.continue()));
  await replyForm(page).getByLabel('Files to attach').setInputFiles({ name: 'dmesg.txt', mimeType: 'text/plain', buffer: Buffer.from('usb 1-1: reset\n') });
  const row = replyForm(page).getByRole('listitem', { name: 'dmesg.txt' });
  await expect(row).toContainText('The upload was interrupted: the connection dropped. Retry when you are back online.');
  await replyForm(page).getByLabel('Your reply').fill('Kernel log.');
  await replyForm(page).getByRole('button', { name: 'Send reply' }).click();
  await expect(replyForm(page).getByText('A file could not be uploaded: retry it or remove it, then send.')).toBeVisible();

  await row.getByRole('button', { name: 'Retry dmesg.txt' }).click();
  await expect(row).toContainText('Ready: attached when you send');
  await replyForm(page).getByRole('button', { name: 'Send reply' }).click();
  await expect(sentMessage(page, 'Kernel log.').getByRole('listitem', { name: 'dmesg.txt' })).toBeVisible();
  expect(attempts).toBe(2);
});

test('a file over 6 MB goes through TUS and resumes from where it stopped when the connection drops', async ({ page, customer }) => {
  const ticket = await openTicket(customer, 'Core dump');
  await page.goto(`/portal/tickets/${ticket.number}`);
  const size = 8 * 1024 * 1024;
  const patches: string[] = [];
  let dropped = false;
  await page.route('**/storage/v1/upload/resumable/**', (route) => {
    const request = route.request();
    if (request.method() !== 'PATCH') return route.continue();
    patches.push(request.headers()['upload-offset'] ?? '');
    // The first chunk after the one sent with the creation is lost on the way.
    if (!dropped) {
      dropped = true;
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  const standardUploads = watchUploads(page);
  await replyForm(page)
    .getByLabel('Files to attach')
    .setInputFiles({ name: 'core.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(size, 7) });
  const row = replyForm(page).getByRole('listitem', { name: 'core.bin' });
  await expect(row).toContainText('Ready: attached when you send', { timeout: 30_000 });
  // Both PATCHes continue after the 6 MB the creation carried: the retry resumed, it did not start over.
  expect(patches).toEqual(['6291456', '6291456']);
  expect(standardUploads.filter((request) => request.includes('/storage/v1/object/'))).toEqual([]);

  await replyForm(page).getByLabel('Your reply').fill('The dump.');
  await replyForm(page).getByRole('button', { name: 'Send reply' }).click();
  await expect(sentMessage(page, 'The dump.').getByRole('listitem', { name: 'core.bin' })).toContainText('8 MB');
  const [row8] = await sql<{ size: string }>("select (metadata->>'size') as size from storage.objects where bucket_id = 'attachments' and name like $1", [`${ticket.id}/%`]);
  expect(Number(row8?.size)).toBe(size);
});

test('a zero-byte file and a name with ../ and quotes are stored and shown exactly as given', async ({ page, customer }) => {
  const ticket = await openTicket(customer, 'Odd files');
  await page.goto(`/portal/tickets/${ticket.number}`);
  const odd = '../../etc/passwd "x".txt';
  await replyForm(page)
    .getByLabel('Files to attach')
    .setInputFiles([
      { name: 'empty.log', mimeType: 'text/plain', buffer: Buffer.alloc(0) },
      { name: odd, mimeType: 'text/plain', buffer: Buffer.from('root:x:0:0\n') },
    ]);
  await expect(replyForm(page).getByRole('listitem', { name: odd })).toContainText('Ready: attached when you send');
  await expect(replyForm(page).getByRole('listitem', { name: 'empty.log' })).toContainText('Ready: attached when you send');
  await replyForm(page).getByLabel('Your reply').fill('Two odd files.');
  await replyForm(page).getByRole('button', { name: 'Send reply' }).click();

  const attachments = sentMessage(page, 'Two odd files.').getByRole('list', { name: 'Attachments' });
  const shown = attachments.getByRole('listitem', { name: odd });
  await expect(shown.getByTitle(odd, { exact: true })).toHaveText(odd);
  await expect(attachments.getByRole('listitem', { name: 'empty.log' })).toContainText('0 bytes');
  await attachments.getByRole('button', { name: 'Preview empty.log' }).click();
  await expect(attachments.getByLabel('Preview of empty.log', { exact: true })).toHaveText('(empty file)');
  const download = page.waitForEvent('download');
  await shown.getByRole('button', { name: `Download ${odd}` }).click();
  // The link carries the name exactly (encoded once, not storage-js's twice), and the server's answer
  // gives it back: Chromium then makes it safe to save by itself (slashes and quotes become _).
  expect(new URL((await download).url()).searchParams.get('download')).toBe(odd);
  expect((await download).suggestedFilename()).toBe('_.._etc_passwd _x_.txt');
});

test('an engineer marks a file internal and the customer no longer sees it', async ({ page, customer, browser, uniqueEmail }) => {
  const ticket = await openTicket(customer, 'Two logs');
  await page.goto(`/portal/tickets/${ticket.number}`);
  await replyForm(page)
    .getByLabel('Files to attach')
    .setInputFiles([
      { name: 'public.log', mimeType: 'text/plain', buffer: Buffer.from('fine\n') },
      { name: 'secret.log', mimeType: 'text/plain', buffer: Buffer.from('another customer’s data\n') },
    ]);
  await expect(replyForm(page).getByText('Ready: attached when you send')).toHaveCount(2);
  await replyForm(page).getByLabel('Your reply').fill('Both logs.');
  await replyForm(page).getByRole('button', { name: 'Send reply' }).click();
  await expect(sentMessage(page, 'Both logs.').getByRole('list', { name: 'Attachments' }).getByRole('listitem')).toHaveCount(2);

  const engineer = await createPerson(uniqueEmail('attachments-engineer'), 'Ines Engineer');
  try {
    await makeStaff(engineer);
    const staff = await signedInPage(browser, engineer);
    await staff.page.goto(`/staff/tickets/${ticket.number}`);
    const secret = staff.page.getByRole('listitem', { name: 'secret.log' });
    await secret.getByRole('checkbox', { name: /Internal: hidden from the customer/ }).check();
    await expect(secret.getByText('Internal', { exact: true })).toBeVisible();
    await staff.context.close();
  } finally {
    await deletePerson(engineer);
  }

  await page.reload();
  const attachments = sentMessage(page, 'Both logs.').getByRole('list', { name: 'Attachments' });
  await expect(attachments.getByRole('listitem', { name: 'public.log' })).toBeVisible();
  await expect(attachments.getByRole('listitem', { name: 'secret.log' })).toHaveCount(0);
});

test('an engineer’s file sent with a reply reaches the customer; one sent with an internal note never does', async ({ page, customer, browser, uniqueEmail }) => {
  const ticket = await openTicket(customer, 'Staff files');
  const engineer = await createPerson(uniqueEmail('attachments-engineer'), 'Ines Engineer');
  try {
    await makeStaff(engineer);
    const staff = await signedInPage(browser, engineer);
    await staff.page.goto(`/staff/tickets/${ticket.number}`);
    // The staff composer is a form without a name (no landmark), so it is found by its field.
    const composer = staff.page.locator('form', { has: staff.page.getByLabel('Your message (Markdown)') });
    const send = async (file: string, text: string, button: 'Send reply' | 'Add internal note') => {
      await composer.getByLabel('Files to attach').setInputFiles({ name: file, mimeType: 'text/plain', buffer: Buffer.from(`${file}\n`) });
      await expect(composer.getByRole('listitem', { name: file })).toContainText('Ready: attached when you send');
      await composer.getByLabel('Your message (Markdown)').fill(text);
      await composer.getByRole('button', { name: button }).click();
      await expect(staff.page.getByRole('article').filter({ hasText: text }).getByRole('listitem', { name: file })).toBeVisible();
      await expect(composer.getByRole('list', { name: 'Files for this message' })).toBeHidden();
    };
    await send('fix.patch.txt', 'Apply this patch.', 'Send reply');
    await send('notes.txt', 'Colleagues only.', 'Add internal note');
    await expect(staff.page.getByRole('listitem', { name: 'notes.txt' }).getByText('Internal', { exact: true })).toBeVisible();
    await staff.context.close();
  } finally {
    await deletePerson(engineer);
  }

  await page.goto(`/portal/tickets/${ticket.number}`);
  await expect(sentMessage(page, 'Apply this patch.').getByRole('listitem', { name: 'fix.patch.txt' })).toBeVisible();
  await expect(page.getByRole('listitem', { name: 'notes.txt' })).toHaveCount(0);
  const { data: visible } = await customer.client.from('ticket_attachments').select('file_name').eq('ticket_id', ticket.id);
  expect(visible).toEqual([{ file_name: 'fix.patch.txt' }]);
});

test('files chosen on the new-ticket form are uploaded once the ticket is open and show under its description', async ({ page, customer: _signedIn }) => {
  await page.goto('/portal/tickets/new');
  const uploads = watchUploads(page);
  await page.getByLabel('Files to attach').setInputFiles({ name: 'config.yaml', mimeType: 'text/yaml', buffer: Buffer.from('port: 8080\n') });
  await expect(page.getByRole('listitem', { name: 'config.yaml' })).toContainText('Uploaded once the ticket is open');
  expect(uploads).toEqual([]);

  await page.getByLabel('Subject').fill('Wrong port');
  await page.getByLabel('Description').fill('The configuration is attached.');
  await page.getByRole('group', { name: 'How do you agree to the price?' }).getByLabel(/Tell me the cost first/).check();
  await page.getByRole('button', { name: 'Open ticket' }).click();

  await expect(page.getByRole('heading', { level: 1, name: /^Ticket #\d+: Wrong port$/ })).toBeVisible();
  const description = page.getByRole('list', { name: 'Conversation' }).getByRole('listitem').filter({ hasText: 'The configuration is attached.' });
  await expect(description.getByRole('listitem', { name: 'config.yaml' })).toBeVisible();
  expect(uploads.some((request) => request.includes('/rpc/begin_attachment'))).toBe(true);
});
