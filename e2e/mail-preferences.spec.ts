/**
 * Which e-mails a person gets: the preferences page, the public unsubscribe page a mail links to, and
 * the notices of the queue's kinds. Tokens are read the way the mail worker gets them
 * (app.mail_token, on the database as the service).
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './customer-fixtures';
import { enterSecondFactor, totpSecretOf } from './mfa';
import { AXE_TAGS, sql } from './staff-helpers';

async function unsubscribeToken(userId: string) {
  const [row] = await sql<{ token: string }>("select app.mail_token('unsubscribe', $1) as token", [userId]);
  return row!.token;
}

async function deliveryOf(userId: string, kind: string) {
  const [row] = await sql<{ delivery: string }>('select delivery from public.notification_preferences where user_id = $1 and kind = $2', [userId, kind]);
  return row?.delivery ?? 'immediately (no row)';
}

const choice = (page: Page, label: string, delivery: 'Immediately' | 'Daily digest' | 'Never') =>
  page.getByRole('group', { name: label }).getByRole('radio', { name: delivery });

test('a customer chooses a daily digest for quotes; the choice is saved and still there after a reload', async ({ page, customer }) => {
  await page.goto('/portal/settings');
  await page.getByRole('link', { name: 'Choose your e-mails' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'E-mail notifications' })).toBeVisible();
  await expect(choice(page, 'Quote ready', 'Immediately')).toBeChecked();
  // A customer sees customer kinds only.
  await expect(page.getByRole('group', { name: 'New ticket' })).toHaveCount(0);

  await choice(page, 'Quote ready', 'Daily digest').check();
  await expect(page.getByRole('group', { name: 'Quote ready' }).getByText('Saved: daily digest.')).toBeVisible();
  await expect.poll(() => deliveryOf(customer.id, 'quote_ready')).toBe('daily');

  await page.reload();
  await expect(choice(page, 'Quote ready', 'Daily digest')).toBeChecked();
  await expect(choice(page, "Engineer's answer", 'Immediately')).toBeChecked();
  expect((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations).toEqual([]);
});

test('a refused save puts the row back and says why', async ({ page, customer }) => {
  await page.route('**/rest/v1/rpc/set_notification_preference', (route) =>
    route.fulfill({ status: 400, json: { code: '22023', message: 'invalid_input', details: 'The server refused the change.', hint: null } }),
  );
  await page.goto('/portal/settings/notifications');
  await choice(page, 'Ticket resolved', 'Never').check();
  const row = page.getByRole('group', { name: 'Ticket resolved' });
  await expect(row.getByRole('alert')).toContainText('Your choice for “Ticket resolved” was not saved');
  await expect(row.getByRole('alert')).toContainText('It is back to immediately.');
  await expect(choice(page, 'Ticket resolved', 'Immediately')).toBeChecked();
  expect(await deliveryOf(customer.id, 'resolved')).toBe('immediately (no row)');
});

test('receipts cannot be turned off: shown as always sent, and the database refuses a change', async ({ page, customer }) => {
  await page.goto('/portal/settings/notifications');
  const receipt = page.getByRole('listitem').filter({ hasText: 'Credits added (receipt)' });
  await expect(receipt).toContainText('Always sent');
  await expect(receipt).toContainText('Receipts and security notices are always sent.');
  await expect(receipt.getByRole('radio')).toHaveCount(0);

  const { error } = await customer.client.rpc('set_notification_preference', { p_kind: 'credits_added', p_delivery: 'never' });
  expect(error?.hint).toBe('not_optional');
});

test("an unsubscribe link stops that kind without signing in, and the person's preferences page shows it", async ({ browser, page, customer }) => {
  const token = await unsubscribeToken(customer.id);
  const visitor = await browser.newContext();
  const anonymous = await visitor.newPage();
  await anonymous.goto(`/unsubscribe?token=${token}&kind=answered`);
  await expect(anonymous.getByRole('heading', { level: 1, name: 'Unsubscribe' })).toBeVisible();
  await expect(anonymous.getByText('Stop getting “Engineer\'s answer” e-mails?')).toBeVisible();
  // Opening the link changed nothing: only the button does.
  expect(await deliveryOf(customer.id, 'answered')).toBe('immediately (no row)');
  expect((await new AxeBuilder({ page: anonymous }).withTags(AXE_TAGS).analyze()).violations).toEqual([]);

  await anonymous.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(anonymous.getByRole('status').filter({ hasText: 'You are unsubscribed' })).toContainText('You will no longer get “Engineer\'s answer” e-mails.');
  expect(await deliveryOf(customer.id, 'answered')).toBe('never');
  await visitor.close();

  await page.goto('/portal/settings/notifications');
  await expect(choice(page, "Engineer's answer", 'Never')).toBeChecked();
});

test('an unknown token, a cut-off link and a receipt link each say what is wrong and change nothing', async ({ page, customer }) => {
  await page.goto(`/unsubscribe?token=${'0'.repeat(64)}&kind=answered`);
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(page.getByRole('alert')).toContainText('This unsubscribe link is not valid');
  await expect(page.getByRole('button', { name: 'Unsubscribe' })).toHaveCount(0);

  await page.goto('/unsubscribe?token=abc&kind=answered');
  await expect(page.getByRole('alert')).toContainText('This unsubscribe link is incomplete');
  await expect(page.getByRole('button', { name: 'Unsubscribe' })).toHaveCount(0);

  const token = await unsubscribeToken(customer.id);
  await page.goto(`/unsubscribe?token=${token}&kind=credits_added`);
  await expect(page.getByText('“Credits added (receipt)” e-mails cannot be turned off')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Unsubscribe' })).toHaveCount(0);
  expect(await deliveryOf(customer.id, 'answered')).toBe('immediately (no row)');
});

test("an engineer's notice of a new ticket opens the staff ticket page; their e-mail settings are the queue's kinds", async ({ browser, customer, engineer }) => {
  const { data: ticket } = await customer.client
    .rpc('create_ticket', { p_subject: 'Notice for the queue', p_body: 'Please look.', p_pre_approved: false })
    .throwOnError();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/login?next=/portal/notifications');
  await page.getByLabel('Email', { exact: true }).fill(engineer.email);
  await page.getByLabel('Password', { exact: true }).fill(engineer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await enterSecondFactor(page, totpSecretOf(engineer.email)!);
  const link = page.getByRole('link', { name: `Open ticket #${ticket.number} in the queue` });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/staff/tickets/${ticket.number}$`));
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(`#${ticket.number}`) })).toBeVisible();

  // Their e-mail settings are the queue's kinds, not a customer's.
  await page.goto('/portal/settings/notifications');
  await expect(choice(page, 'New ticket', 'Immediately')).toBeChecked();
  await expect(choice(page, 'Customer replied', 'Immediately')).toBeVisible();
  await expect(page.getByRole('group', { name: 'Quote ready' })).toHaveCount(0);
  await context.close();
});
