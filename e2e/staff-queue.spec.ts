import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import { AXE_TAGS, createTicket, createUser, giveCredits, signIn } from './staff-helpers';

test('the queue counts, filters, searches and moves with j/k/Enter', async ({ page, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('cust'));
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  const first = await createTicket(customer, { subject: 'Queue first ticket', preApproved: true });
  const second = await createTicket(customer, { subject: 'Queue second ticket', preApproved: true });

  await signIn(page, engineer.email, '/staff');
  await expect(page.getByRole('heading', { level: 1, name: 'Support queue' })).toBeVisible();
  const counts = page.getByRole('navigation', { name: 'Tickets by status' });
  await expect(counts.getByRole('link', { name: /^New \d+$/ })).toBeVisible();

  // Search by customer email: just this customer's two tickets, oldest first.
  await page.getByRole('searchbox', { name: 'Search' }).fill(customer.email);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=/);
  const links = page.getByRole('table').getByRole('link');
  await expect(links).toHaveText([`#${first.number}`, `#${second.number}`]);

  // Search by number.
  await page.getByRole('searchbox', { name: 'Search' }).fill(`#${second.number}`);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(links).toHaveText([`#${second.number}`]);

  // Subject words, with the "mine" filter: nothing is assigned to this engineer yet.
  await page.getByRole('searchbox', { name: 'Search' }).fill('Queue second');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(links.filter({ hasText: `#${second.number}` })).toBeVisible();
  await page.getByLabel('Assignee').selectOption('mine');
  await expect(page.getByText('No tickets match these filters.')).toBeVisible();
  await page.getByLabel('Assignee').selectOption('');

  // Keyboard: j focuses the first ticket, j the next, k back, Enter opens it.
  await page.getByRole('searchbox', { name: 'Search' }).fill(customer.email);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(links).toHaveCount(2);
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('j');
  await expect(links.first()).toBeFocused();
  await page.keyboard.press('j');
  await expect(links.nth(1)).toBeFocused();
  await page.keyboard.press('k');
  await expect(links.first()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/staff/tickets/${first.number}$`));

  // Assign to me: the "mine" filter now finds it.
  await page.getByRole('button', { name: 'Assign to me' }).click();
  await expect(page.getByRole('button', { name: 'Assign to me' })).toHaveCount(0);
  await page.goto(`/staff?assignee=mine&q=${encodeURIComponent(customer.email)}`);
  await expect(links).toHaveText([`#${first.number}`]);
});

test('the queue passes axe', async ({ page, uniqueEmail }) => {
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  await signIn(page, engineer.email, '/staff');
  await expect(page.getByRole('table')).toBeVisible();
  expect((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations).toEqual([]);
});

test('the ticket view with each dialog open passes axe, and focus returns after each', async ({ page, uniqueEmail }) => {
  // Six axe runs on a shared two-core machine: give it the slow-test budget.
  test.slow();
  const customer = await createUser(uniqueEmail('cust'));
  await giveCredits(customer.accountId, 100);
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  // Agreed in advance up to 50 credits, so the 50-credit upgrade is charged at once and Refund has something to refund.
  const ticket = await createTicket(customer, {
    subject: 'Accessibility check ticket',
    preApproved: true,
    upgradeFrom: '4.3.1',
    upgradeTo: '4.3.9',
    preApprovalCeiling: 50,
  });

  await signIn(page, engineer.email, `/staff/tickets/${ticket.number}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Accessibility check ticket');
  expect((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations).toEqual([]);

  // Assess, with the upgrade price from the ticket's versions (4.3.1 → 4.3.9 = 8 releases = 50 credits).
  await page.getByRole('button', { name: 'Assess' }).click();
  let dialog = page.getByRole('dialog', { name: `Assess ticket #${ticket.number}` });
  await dialog.getByRole('radio', { name: /^Upgrade/ }).check();
  await expect(dialog.getByText('Price: 50 credits')).toBeVisible();
  expect((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations).toEqual([]);
  await dialog.getByRole('button', { name: 'Assess and charge 50 credits' }).click();
  await expect(dialog).toBeHidden();

  for (const [button, title] of [
    ['Re-categorize', 'Re-categorize'],
    ['Split', 'Split'],
    ['Refund', 'Refund'],
    ['Resolve', 'Resolve'],
  ] as const) {
    await page.getByRole('toolbar', { name: 'Ticket actions' }).getByRole('button', { name: button, exact: true }).click();
    dialog = page.getByRole('dialog', { name: `${title} ticket #${ticket.number}` });
    await expect(dialog).toBeVisible();
    expect((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations, `${title} dialog`).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    // Focus returns to the button that opened it.
    await expect(page.getByRole('toolbar', { name: 'Ticket actions' }).getByRole('button', { name: button, exact: true })).toBeFocused();
  }
});
