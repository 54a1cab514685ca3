import { expect, test } from './fixtures';
import { enterSecondFactor, totpSecretOf } from './mfa';
import { createUser, signIn } from './staff-helpers';

/** Data requests the staff and admin pages make; someone without the role must trigger none of them. */
const STAFF_DATA = /\/rest\/v1\/(tickets|ticket_messages|ticket_events|accounts|account_members|credit_packages|ticket_categories|product_releases)\b|\/rest\/v1\/profiles\?(?!.*id=eq\.)/;

for (const area of ['/staff', '/admin', '/staff/tickets/1001'] as const) {
  test(`a customer opening ${area} sees "Not allowed" and no data`, async ({ page, uniqueEmail }) => {
    const customer = await createUser(uniqueEmail('cust'));
    await signIn(page, customer.email, '/portal');
    const requested: string[] = [];
    page.on('request', (request) => {
      if (STAFF_DATA.test(request.url())) requested.push(request.url());
    });
    await page.goto(area);
    await expect(page.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();
    await expect(page.getByRole('table')).toHaveCount(0);
    expect(requested).toEqual([]);
  });
}

test('an engineer may work the queue but not open the admin pages', async ({ page, uniqueEmail }) => {
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  await signIn(page, engineer.email, '/staff');
  await expect(page.getByRole('heading', { level: 1, name: 'Support queue' })).toBeVisible();
  await page.goto('/admin');
  await expect(page.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();
  await expect(page.getByText('This area is for administrators.')).toBeVisible();
});

test('a visitor who is not signed in is sent to sign in and comes back', async ({ page, uniqueEmail }) => {
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/login\?next=%2Fstaff$/);
  await page.getByLabel('Email', { exact: true }).fill(engineer.email);
  await page.getByLabel('Password', { exact: true }).fill('Pro-portal-e2e-2026!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await enterSecondFactor(page, totpSecretOf(engineer.email)!);
  await expect(page.getByRole('heading', { level: 1, name: 'Support queue' })).toBeVisible();
});

test("a customer's pages never download staff or admin code; staff see the links to it", async ({ page, uniqueEmail }) => {
  const scripts: Promise<string>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') scripts.push(response.text().catch(() => ''));
  });
  const customer = await createUser(uniqueEmail('cust'));
  await signIn(page, customer.email, '/portal');
  await page.goto('/portal/tickets');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Tickets' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Queue' })).toHaveCount(0);
  const code = (await Promise.all(scripts)).join('\n');
  expect(code).toContain('My portal');
  for (const staffOnly of ['Support queue', 'Split into a new ticket', 'Confirm the adjustment', 'Credit adjustments']) {
    expect(code, staffOnly).not.toContain(staffOnly);
  }

  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  const admin = await createUser(uniqueEmail('admin'), 'admin');
  await signIn(page, admin.email, '/portal');
  await nav.getByRole('link', { name: 'Queue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Support queue' })).toBeVisible();
  await nav.getByRole('link', { name: 'Admin' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Administration' })).toBeVisible();
});
