import { expect, test } from './fixtures';
import { createUser, signIn, sql } from './staff-helpers';

test('a customer sets their display name on the settings page; an e-mail address is refused', async ({ page, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('cust'));
  await signIn(page, customer.email, '/portal');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'E-mail address' })).toContainText(customer.email);

  const name = page.getByRole('textbox', { name: 'Display name' });
  await name.fill(customer.email);
  await page.getByRole('button', { name: 'Save display name' }).click();
  await expect(page.getByText('Use a name, not an e-mail address: your display name is shown on your reviews.')).toBeVisible();

  await name.fill('Riley from Acme');
  await page.getByRole('button', { name: 'Save display name' }).click();
  await expect(page.getByText('Your display name is saved.')).toBeVisible();
  const [row] = await sql<{ full_name: string }>('select full_name from public.profiles where id = $1', [customer.id]);
  expect(row?.full_name).toBe('Riley from Acme');
});
