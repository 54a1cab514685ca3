import { expect, test, TEST_PASSWORD } from './fixtures';
import { confirmSignUpByMail } from './mail';

test('a visitor signs up from Buy, pays 50 credits through the test provider and sees the balance', async ({ page, uniqueEmail }) => {
  const email = uniqueEmail('buyer');
  await page.goto('/');
  await page.getByRole('group', { name: 'Number of credits' }).getByLabel(/^50 credits/).check();
  await page.getByRole('button', { name: 'Buy 50 credits' }).click();

  // Not signed in: sign in first, or create an account, and come back to the purchase.
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByRole('link', { name: 'Create an account' }).click();
  // Typing while the page switches is auth-typing.spec.ts's subject; this journey types into the form it arrived at.
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeVisible();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  // The confirmation link signs the new account in and carries on with the purchase.
  await confirmSignUpByMail(page, email);

  await expect(page).toHaveURL(/\/checkout\/test\//);
  await expect(page.getByText('Test mode — no real payment')).toBeVisible();
  await expect(page).toHaveTitle(/Test payment/);
  await page.getByRole('button', { name: 'Pay $160.00' }).click();

  await expect(page).toHaveURL(/\/checkout\/success\?order_id=/);
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you — your credits are in' })).toBeVisible();
  await expect(page.getByTestId('new-balance')).toHaveText('50 credits');

  await page.getByRole('link', { name: 'Go to your portal' }).click();
  await expect(page.getByTestId('balance')).toContainText('50');
});

test('canceling on the test payment page adds nothing', async ({ page, uniqueEmail }) => {
  const email = uniqueEmail('canceler');
  await page.goto('/signup');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await confirmSignUpByMail(page, email);
  await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();

  await page.getByRole('banner').getByRole('link', { name: 'Credits', exact: true }).click();
  await page.getByRole('group', { name: 'Number of credits' }).getByLabel(/^25 credits/).check();
  await page.getByRole('button', { name: 'Buy 25 credits' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Payment canceled' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to your portal' }).click();
  await expect(page.getByTestId('balance')).toContainText('0');
});
