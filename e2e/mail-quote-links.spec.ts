/**
 * The buttons of a quote mail open the ticket with `?quote=confirm|decline`. Following the link must
 * never charge (mail scanners and previews open links): it opens the dialog, and only its button charges.
 */
import { assess, buyCredits, expect, test, type Person } from './customer-fixtures';
import { TEST_PASSWORD } from './fixtures';
import { balanceOf, sql, ticketRow } from './staff-helpers';

async function quotedTicket(customer: Person, engineer: Person, subject: string) {
  const { data, error } = await customer.client.rpc('create_ticket', { p_subject: subject, p_body: `Details of ${subject}.`, p_pre_approved: false });
  if (error) throw error;
  const number = data.number;
  await assess(engineer, number, 'investigation');
  return number;
}

async function accountOf(customer: Person) {
  const [row] = await sql<{ account_id: string }>("select account_id from public.account_members where user_id = $1 and role = 'owner'", [customer.id]);
  return row!.account_id;
}

test('?quote=confirm opens the confirm dialog and charges nothing until the customer says yes', async ({ page, customer, engineer }) => {
  await buyCredits(customer, 50);
  const account = await accountOf(customer);
  const number = await quotedTicket(customer, engineer, 'Quote from a mail');

  await page.goto(`/portal/tickets/${number}?quote=confirm`);
  const dialog = page.getByRole('dialog', { name: 'Confirm 20 credits?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('(50 → 30)');
  // The parameter has done its job: a reload does not ask again.
  await expect(page).toHaveURL(new RegExp(`/portal/tickets/${number}$`));
  expect(await balanceOf(account), 'opening the link charges nothing').toBe(50);
  expect((await ticketRow(number)).status).toBe('awaiting_confirmation');

  await dialog.getByRole('button', { name: 'Go back' }).click();
  await expect(dialog).toBeHidden();
  expect(await balanceOf(account), 'going back charges nothing').toBe(50);

  await page.goto(`/portal/tickets/${number}?quote=confirm`);
  await page.getByRole('dialog', { name: 'Confirm 20 credits?' }).getByRole('button', { name: 'Yes, confirm 20 credits' }).click();
  await expect(page.getByText('Confirmed: 20 credits charged.')).toBeVisible();
  // Answered on this page: no "no longer open" message turns up afterwards.
  await expect(page.getByText('This quote can no longer be confirmed')).toHaveCount(0);
  expect(await balanceOf(account)).toBe(30);
});

test('?quote=decline opens the decline dialog; nothing changes until it is confirmed', async ({ page, customer, engineer }) => {
  const number = await quotedTicket(customer, engineer, 'Decline from a mail');
  await page.goto(`/portal/tickets/${number}?quote=decline`);
  const dialog = page.getByRole('dialog', { name: 'Decline the quote?' });
  await expect(dialog).toBeVisible();
  expect((await ticketRow(number)).status).toBe('awaiting_confirmation');
  await dialog.getByRole('button', { name: 'Decline and close the ticket' }).click();
  await expect(page.getByText('Quote declined. The ticket is closed.')).toBeVisible();
  expect((await ticketRow(number)).status).toBe('declined');
});

test('a quote link says so when the quote is no longer open, and opens no dialog', async ({ page, customer, engineer }) => {
  await buyCredits(customer, 50);
  const number = await quotedTicket(customer, engineer, 'Already answered');
  const { data: ticket } = await customer.client.from('tickets').select('id').eq('number', number).single().throwOnError();
  await customer.client.rpc('confirm_quote', { p_ticket_id: ticket.id, p_credits: 20, p_idempotency_key: crypto.randomUUID() }).throwOnError();

  await page.goto(`/portal/tickets/${number}?quote=decline`);
  await expect(page.getByText('This quote can no longer be declined')).toBeVisible();
  await expect(page.getByText('You already confirmed it')).toBeVisible();
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

test('a signed-out customer following a quote link signs in and lands on the dialog', async ({ browser, customer, engineer }) => {
  const number = await quotedTicket(customer, engineer, 'Link in a fresh browser');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`/portal/tickets/${number}?quote=confirm`);
  await page.getByLabel('Email', { exact: true }).fill(customer.email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('dialog', { name: 'Confirm 20 credits?' })).toBeVisible();
  expect((await ticketRow(number)).status).toBe('awaiting_confirmation');
  await context.close();
});
