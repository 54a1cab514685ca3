import AxeBuilder from '@axe-core/playwright';
import { createPerson, deletePerson } from './customer-fixtures';
import { expect, test, TEST_PASSWORD } from './fixtures';
import { confirmSignUpByMail, firstLink, latestMailTo, mailCount } from './mail';

test('signing in with a wrong password says so in words', async ({ page, uniqueEmail }) => {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(uniqueEmail('nobody'));
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('That email and password do not match an account');
  await expect(page).toHaveURL(/\/login$/);
});

test('signing up mails a confirmation link that signs the new account in; a second sign-up looks the same and mails nothing', async ({ page, uniqueEmail }) => {
  const email = uniqueEmail('confirm');
  const header = page.getByRole('banner');
  await page.goto('/signup');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Check your inbox' })).toContainText(`We sent a confirmation link to ${email}`);
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map(({ id }) => id)).toEqual([]);

  const mail = await latestMailTo(email);
  expect(mail.Subject).toBe('Confirm your email address');
  await page.goto(firstLink(mail));
  await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();
  await expect(header.getByText(email)).toBeVisible();
  await header.getByRole('button', { name: 'Sign out' }).click();
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();

  // The address is taken now: Auth answers as for a new one, so the page cannot tell anyone otherwise.
  await page.goto('/signup');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Check your inbox' })).toContainText(`We sent a confirmation link to ${email}`);
  await page.waitForTimeout(500);
  expect(await mailCount(email)).toBe(1);
  // The used link does not sign in twice: the sign-in page says so.
  await page.goto(firstLink(mail));
  await expect(page.getByRole('alert')).toContainText('That link did not work');
});

test('"Send the link again" says how long to wait when it is too soon, then sends a new link that works', async ({ page, uniqueEmail }) => {
  const email = uniqueEmail('resender');
  await page.goto('/signup');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  const first = await latestMailTo(email);

  // Auth's answer within max_frequency, whenever the click happens to land.
  await page.route('**/auth/v1/resend*', (route) =>
    route.fulfill({
      status: 429,
      contentType: 'application/json',
      headers: {
        'x-supabase-api-version': '2024-01-01',
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'x-supabase-api-version',
      },
      body: JSON.stringify({ code: 'over_email_send_rate_limit', message: 'For security purposes, you can only request this after 37 seconds.' }),
    }),
  );
  await page.getByRole('button', { name: 'Send the link again' }).click();
  await expect(page.getByRole('alert')).toHaveText('We just sent an email to this address. You can ask for another in 37 seconds.');
  await page.unroute('**/auth/v1/resend*');

  await page.waitForTimeout(1100); // the project's max_frequency is 1 s
  await page.getByRole('button', { name: 'Send the link again' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'We sent another link' })).toContainText(email);
  const second = await latestMailTo(email, { count: 2 });
  expect(firstLink(second)).not.toBe(firstLink(first));
  await page.goto(firstLink(second));
  await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();
});

test('a forgotten password: the mailed link opens the reset page, the new password is saved and signs in', async ({ page, uniqueEmail }) => {
  const person = await createPerson(uniqueEmail('forgetful'), 'Forgetful Person');
  try {
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email', { exact: true }).fill(person.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Check your email' })).toBeVisible();

    const mail = await latestMailTo(person.email);
    expect(mail.Subject).toBe('Reset your password');
    await page.goto(firstLink(mail));
    await expect(page.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeVisible();
    await page.getByLabel('New password', { exact: true }).fill('A-new-e2e-password-2026!');
    await page.getByRole('button', { name: /Save/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Password changed' })).toBeVisible();
    await expect(page.getByRole('banner').getByText(person.email)).toBeVisible();
    // The account's owner is told, whoever changed it.
    expect((await latestMailTo(person.email, { count: 2 })).Subject).toBe('Your password was changed');

    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/login');
    await page.getByLabel('Email', { exact: true }).fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill('A-new-e2e-password-2026!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();
  } finally {
    await deletePerson(person);
  }
});

test('the sign-up form checks its fields before calling the server', async ({ page }) => {
  await page.goto('/signup');
  await page.getByLabel('Email', { exact: true }).fill('not-an-email');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByLabel('Email', { exact: true })).toHaveAccessibleDescription(/Enter an email address like/);
  await expect(page.getByLabel('Email', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Password', { exact: true })).toHaveAccessibleDescription(/Use at least 8 characters/);
});

test('asking for a password reset confirms without saying whether the account exists', async ({ page, uniqueEmail }) => {
  const email = uniqueEmail('reset');
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveTitle(/Reset your password/);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Check your email' })).toContainText(
    `If an account exists for ${email}`,
  );
});

test('the signed-in header fits a phone screen and passes axe', async ({ page, uniqueEmail }) => {
  const email = uniqueEmail('phone');
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/signup');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await confirmSignUpByMail(page, email);
  await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();
  await expect(page.getByRole('banner').getByRole('button', { name: 'Sign out' })).toBeInViewport();

  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map(({ id, nodes }) => `${id}: ${nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
});
