import { expect, test, TEST_PASSWORD } from './fixtures';
import { confirmSignUpByMail } from './mail';

test('a new customer signs up, signs out, signs back in and stays signed in across a reload', async ({
  page,
  uniqueEmail,
}) => {
  const email = uniqueEmail('smoke');
  const header = page.getByRole('banner');

  // Sign up from the home page.
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Pro Support Credits' })).toBeVisible();
  await header.getByRole('link', { name: 'Sign up' }).click();
  await expect(page).toHaveTitle(/Create your account/);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();

  // The address must be confirmed: the link in the mail signs the new customer in, into the portal.
  await confirmSignUpByMail(page, email);
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();
  await expect(header.getByText(email)).toBeVisible();

  // Sign out: the header offers signing in again, and the portal is closed to the signed-out visitor.
  await header.getByRole('button', { name: 'Sign out' }).click();
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(header.getByText(email)).toBeHidden();
  await page.goto('/portal');
  await expect(page).toHaveURL(/\/login\?next=%2Fportal$/);

  // Sign in again; the login page returns to where the visitor was going.
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(header.getByText(email)).toBeVisible();

  // The session is kept in localStorage, so it survives a reload.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();
  await expect(header.getByText(email)).toBeVisible();
  await expect(header.getByRole('button', { name: 'Sign out' })).toBeVisible();
});
