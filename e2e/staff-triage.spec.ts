import { expect, test } from './fixtures';
import { balanceOf, createTicket, createUser, giveCredits, signIn, ticketRow } from './staff-helpers';

/** Engineer journeys through the support policy (docs/design.md §1.5–1.7), on worker-unique customers. */

test('triage a new pre-approved ticket: the preview says "charged now" and the credits are taken', async ({ page, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('cust'));
  await giveCredits(customer.accountId, 100);
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Where do I change the SMTP settings?', preApproved: true });

  await signIn(page, engineer.email, `/staff/tickets/${ticket.number}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`#${ticket.number} Where do I change the SMTP settings?`);
  await expect(page.getByTestId('customer-balance')).toHaveText('100 credits');

  await page.getByRole('button', { name: 'Assess' }).click();
  const dialog = page.getByRole('dialog', { name: `Assess ticket #${ticket.number}` });
  await dialog.getByRole('radio', { name: /^Configuration/ }).check();
  await expect(dialog.getByText('Price: 10 credits')).toBeVisible();
  await expect(dialog.getByText(/Charged now: 10 credits are taken at once \(balance afterwards 90\)/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Assess and charge 10 credits' }).click();

  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('customer-balance')).toHaveText('90 credits');
  const audit = page.getByRole('region', { name: 'Audit trail' });
  await expect(audit.getByText('Assessed as Configuration: 10 credits.')).toBeVisible();
  await expect(audit.getByText('10 credits charged.')).toBeVisible();
  expect(await ticketRow(ticket.number)).toMatchObject({ status: 'in_progress', charged_credits: 10, category: 'configuration' });
  expect(await balanceOf(customer.accountId)).toBe(90);
});

test('a cost-first ticket gets a quote and an internal note; once the customer confirms, the engineer answers', async ({ page, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('cust'));
  await giveCredits(customer.accountId, 50);
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Orders page is slow since Monday', preApproved: false });

  await signIn(page, engineer.email, `/staff/tickets/${ticket.number}`);
  await page.getByRole('button', { name: 'Assess' }).click();
  const dialog = page.getByRole('dialog', { name: `Assess ticket #${ticket.number}` });
  await dialog.getByRole('radio', { name: /^Investigation/ }).check();
  await expect(dialog.getByText(/Quote sent: the customer is asked to confirm 20 credits/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Assess and send quote' }).click();
  await expect(dialog).toBeHidden();
  expect(await ticketRow(ticket.number)).toMatchObject({ status: 'awaiting_confirmation', charged_credits: 0 });
  expect(await balanceOf(customer.accountId)).toBe(50);
  // Not answered before the customer confirms; an internal note is fine (and the customer never sees it).
  await expect(page.getByRole('button', { name: 'Send reply' })).toBeDisabled();
  await page.getByLabel('Your message (Markdown)').fill('Check the slow query log before answering.');
  await page.getByRole('button', { name: 'Add internal note' }).click();
  await expect(
    page.getByRole('region', { name: 'Conversation' }).getByRole('article').filter({ hasText: 'Check the slow query log' }),
  ).toContainText('internal note');

  const confirmed = await customer.client.rpc('confirm_quote', { p_ticket_id: ticket.id, p_credits: 20 });
  expect(confirmed.error).toBeNull();

  await page.reload();
  await expect(page.getByRole('region', { name: 'Audit trail' }).getByText('Customer confirmed the quote of 20 credits.')).toBeVisible();
  await expect(page.getByTestId('customer-balance')).toHaveText('30 credits');
  await page.getByLabel('Your message (Markdown)').fill('Add an index on **orders.created_at**; details below.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('region', { name: 'Conversation' }).getByRole('article').filter({ hasText: 'orders.created_at' })).toBeVisible();
  await expect(page.getByLabel('Your message (Markdown)')).toHaveValue('');

  const { data: messages } = await customer.client.from('ticket_messages').select('body').eq('ticket_id', ticket.id);
  expect(messages?.map((m) => m.body)).toEqual(['Add an index on **orders.created_at**; details below.']);
});

test('re-categorize down refunds the difference; up charges it for a pre-approved ticket', async ({ page, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('cust'));
  await giveCredits(customer.accountId, 100);
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Checkout throws a 500', preApproved: true });

  await signIn(page, engineer.email, `/staff/tickets/${ticket.number}`);
  await page.getByRole('button', { name: 'Assess' }).click();
  let dialog = page.getByRole('dialog', { name: `Assess ticket #${ticket.number}` });
  await dialog.getByRole('radio', { name: /^Investigation/ }).check();
  await dialog.getByRole('button', { name: 'Assess and charge 20 credits' }).click();
  await expect(page.getByTestId('customer-balance')).toHaveText('80 credits');

  // Down: a plain question after all.
  await page.getByRole('button', { name: 'Re-categorize' }).click();
  dialog = page.getByRole('dialog', { name: `Re-categorize ticket #${ticket.number}` });
  await dialog.getByRole('radio', { name: /^Question/ }).check();
  await expect(dialog.getByText('Refund: 15 credits go back to the customer at once.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Re-categorize and refund 15 credits' }).click();
  await expect(dialog.getByText('The reason needs at least 3 characters.')).toBeVisible();
  await dialog.getByLabel('Reason (the customer sees it)').fill('It was a settings question.');
  await dialog.getByRole('button', { name: 'Re-categorize and refund 15 credits' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('customer-balance')).toHaveText('95 credits');
  await expect(page.getByRole('region', { name: 'Audit trail' }).getByText('15 credits refunded', { exact: false })).toBeVisible();
  expect(await ticketRow(ticket.number)).toMatchObject({ charged_credits: 5, category: 'question' });

  // Up: configuration after all; pre-approved, so the extra 5 are charged at once.
  await page.getByRole('button', { name: 'Re-categorize' }).click();
  dialog = page.getByRole('dialog', { name: `Re-categorize ticket #${ticket.number}` });
  await dialog.getByRole('radio', { name: /^Configuration/ }).check();
  await expect(dialog.getByText(/Charged now: 5 credits are taken at once \(balance afterwards 90\)/)).toBeVisible();
  await dialog.getByLabel('Reason (the customer sees it)').fill('The settings need changes on the server too.');
  await dialog.getByRole('button', { name: 'Re-categorize and charge 5 credits' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('customer-balance')).toHaveText('90 credits');
  expect(await ticketRow(ticket.number)).toMatchObject({ status: 'in_progress', charged_credits: 10, category: 'configuration' });
  expect(await balanceOf(customer.accountId)).toBe(90);
});

test('split a message into a new ticket and find it in the queue', async ({ page, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('cust'));
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Mail settings question', preApproved: true });
  const extra = await customer.client.rpc('post_message', {
    p_ticket_id: ticket.id,
    p_body: 'Also: how do I export invoices as PDF?\nWe need it monthly.',
  });
  expect(extra.error).toBeNull();

  await signIn(page, engineer.email, `/staff/tickets/${ticket.number}`);
  const thread = page.getByRole('region', { name: 'Conversation' });
  await thread.getByRole('article').filter({ hasText: 'export invoices' }).getByRole('button', { name: 'Split into a new ticket' }).click();
  const dialog = page.getByRole('dialog', { name: `Split ticket #${ticket.number}` });
  await expect(dialog.getByLabel('Subject of the new ticket')).toHaveValue('Also: how do I export invoices as PDF?');
  await expect(dialog.getByLabel('Description of the new ticket')).toHaveValue('Also: how do I export invoices as PDF?\nWe need it monthly.');
  await dialog.getByLabel('Subject of the new ticket').fill('Export invoices as PDF');
  await dialog.getByRole('button', { name: 'Create the new ticket' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toContainText('Export invoices as PDF');
  const childNumber = Number(/\/staff\/tickets\/(\d+)$/.exec(page.url())?.[1]);
  expect(childNumber).toBeGreaterThan(ticket.number);
  await expect(page.getByRole('region', { name: 'Audit trail' }).getByText(`Ticket opened, split from ticket #${ticket.number}.`)).toBeVisible();

  await page.getByRole('link', { name: '← Back to the queue' }).click();
  await page.getByRole('searchbox', { name: 'Search' }).fill(customer.email);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/[?&]q=/);
  // This customer's two tickets, both new, oldest first: the original and the one split from it.
  await expect(page.getByRole('table').getByRole('link')).toHaveText([`#${ticket.number}`, `#${childNumber}`]);
  await expect(page.getByRole('row', { name: `#${childNumber} Export invoices as PDF` })).toBeVisible();
});

test('refund part of a charge, then resolve', async ({ page, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('cust'));
  await giveCredits(customer.accountId, 10);
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'How do I add a user?', preApproved: false });

  await signIn(page, engineer.email, `/staff/tickets/${ticket.number}`);
  await page.getByRole('button', { name: 'Assess' }).click();
  const assess = page.getByRole('dialog', { name: `Assess ticket #${ticket.number}` });
  await assess.getByRole('radio', { name: /^Question/ }).check();
  // Level 1 is charged without confirmation even when the customer asked for the cost first.
  await expect(assess.getByText(/Charged now: 5 credits/)).toBeVisible();
  await assess.getByRole('button', { name: 'Assess and charge 5 credits' }).click();
  await expect(assess).toBeHidden();

  // A partial refund, confirmed in its dialog with a reason.
  await page.getByRole('button', { name: 'Refund' }).click();
  const refund = page.getByRole('dialog', { name: `Refund ticket #${ticket.number}` });
  await refund.getByLabel('Credits to refund').fill('6');
  await refund.getByLabel('Reason (the customer sees it)').fill('Part of it was our documentation.');
  await refund.getByRole('button', { name: 'Refund 6 credits' }).click();
  await expect(refund.getByText('Refund at most the 5 credits charged.')).toBeVisible();
  await refund.getByLabel('Credits to refund').fill('2');
  await refund.getByRole('button', { name: 'Refund 2 credits' }).click();
  await expect(refund).toBeHidden();
  await expect(page.getByTestId('customer-balance')).toHaveText('7 credits');
  await expect(page.getByRole('region', { name: 'Audit trail' }).getByText('2 credits refunded — Part of it was our documentation.')).toBeVisible();

  await page.getByRole('button', { name: 'Resolve' }).click();
  const dialog = page.getByRole('dialog', { name: `Resolve ticket #${ticket.number}` });
  await expect(dialog.getByText('3 credits were charged; nothing more will be.', { exact: false })).toBeVisible();
  await dialog.getByRole('button', { name: 'Resolve ticket' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('region', { name: 'Audit trail' }).getByText('Resolved.', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Resolve' })).toHaveCount(0);
  expect(await ticketRow(ticket.number)).toMatchObject({ status: 'resolved', charged_credits: 3 });
  expect(await balanceOf(customer.accountId)).toBe(7);
});

test('an upgrade is assessed between two released versions; above the customer\'s ceiling it becomes a quote', async ({ page, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('cust'));
  await giveCredits(customer.accountId, 100);
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Please bring us up to date', preApproved: true });

  await signIn(page, engineer.email, `/staff/tickets/${ticket.number}`);
  await page.getByRole('button', { name: 'Assess' }).click();
  const dialog = page.getByRole('dialog', { name: `Assess ticket #${ticket.number}` });
  await dialog.getByRole('radio', { name: /^Upgrade/ }).check();
  // The database prices the choice and words what is missing or wrong; nothing can be committed until it can.
  await expect(dialog.getByText(/needs the current and the target version from the release list/)).toBeVisible();
  await dialog.getByLabel('Current version').selectOption('4.3.9');
  await dialog.getByLabel('Target version').selectOption('4.3.1');
  await expect(dialog.getByText('4.3.1 is not after 4.3.9.')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Assess', exact: true })).toBeDisabled();
  await dialog.getByLabel('Current version').selectOption('4.3.1');
  await dialog.getByLabel('Target version').selectOption('4.3.9');
  await expect(dialog.getByText('Upgrade 4.3.1 → 4.3.9: 50 credits from the release list')).toBeVisible();
  await expect(dialog.getByText(/Quote sent: the customer is asked to confirm 50 credits/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Assess and send quote' }).click();
  await expect(dialog).toBeHidden();
  expect(await ticketRow(ticket.number)).toMatchObject({ status: 'awaiting_confirmation', quoted_credits: 50, charged_credits: 0 });
  expect(await balanceOf(customer.accountId), 'nothing charged above the ceiling').toBe(100);
});
