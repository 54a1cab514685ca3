import { readFile } from 'node:fs/promises';
import { assess, buyCredits, expect, test } from './customer-fixtures';

test('the statement shows a running balance and exports the same rows as CSV; a receipt is printable', async ({ page, customer, engineer }) => {
  await buyCredits(customer, 50);
  const { data: ticket } = await customer.client
    .rpc('create_ticket', { p_subject: 'CSV, "quoted" subject', p_body: 'Question', p_pre_approved: true })
    .throwOnError();
  await assess(engineer, ticket.number, 'question');

  await page.goto('/portal/credits');
  await expect(page).toHaveTitle(/Credits/);
  const statement = page.getByRole('table', { name: /Credit statement/ });
  const rows = statement.getByRole('row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText('Ticket charge');
  await expect(rows.nth(1)).toContainText(`Ticket #${ticket.number}`);
  await expect(rows.nth(1)).toContainText('−5');
  await expect(rows.nth(1).getByRole('cell').last()).toHaveText('45');
  await expect(rows.nth(2)).toContainText('Purchase');
  await expect(rows.nth(2).getByRole('cell').last()).toHaveText('50');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^pro-portal-statement-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = (await readFile(await file.path(), 'utf8')).trimEnd().split('\r\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toBe('Date,Kind,Credits,Balance after,Ticket,Order,Note');
  expect(lines[1]).toMatch(/^[^,]+,Purchase,50,50,,[0-9a-f-]{36},/);
  expect(lines[2]).toMatch(new RegExp(`^[^,]+,Ticket charge,-5,45,#${ticket.number},,Ticket #${ticket.number}$`));

  const orders = page.getByRole('table', { name: /Your orders/ });
  await expect(orders.getByRole('row')).toHaveCount(2);
  await expect(orders).toContainText('$160.00');
  await orders.getByRole('link', { name: /Receipt/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Receipt' })).toBeVisible();
  await expect(page.getByText('$160.00')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Print receipt' })).toBeVisible();
});

test('notifications: the header counts unread notices, and reading them clears the badge', async ({ page, customer, engineer }) => {
  await buyCredits(customer, 25);
  const { data: ticket } = await customer.client
    .rpc('create_ticket', { p_subject: 'Needs a quote', p_body: 'Please look', p_pre_approved: false })
    .throwOnError();
  await assess(engineer, ticket.number, 'configuration');

  await page.goto('/portal');
  const link = page.getByRole('banner').getByRole('link', { name: /Notifications/ });
  await expect(link).toHaveAccessibleName('Notifications 2 unread') // credits added + the quote;
  await link.click();
  await expect(page.getByText(`Ticket #${ticket.number}: please confirm 10 credits`)).toBeVisible();
  await page.getByRole('button', { name: 'Mark all as read' }).click();
  await expect(page.getByText('All read.')).toBeVisible();
  await expect(link).toHaveAccessibleName('Notifications');
});
