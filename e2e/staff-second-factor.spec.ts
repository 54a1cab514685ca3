/**
 * Staff's second factor in the browser: an engineer without a factor is sent to set one up after the
 * password (QR code and key, then a code), and later sign-ins ask only for the code. A wrong code says
 * so and lets nothing through; until the code is right, every signed-in page sends staff back to that
 * step. Customers never see it.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { mailCount, mailTo } from './mail';
import { codeFor } from './mfa';
import { AXE_TAGS, createUser, signIn, sql } from './staff-helpers';

const PASSWORD = 'Pro-portal-e2e-2026!';

async function signInWithPassword(page: Page, email: string, next: string) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A wrong code for a secret: the current one with its last digit changed. */
const wrongCode = (secret: string) => {
  const code = codeFor(secret);
  return `${code.slice(0, 5)}${(Number(code[5]) + 5) % 10}`;
};

test('an engineer without a factor sets one up after the password, then gets in with its code; a wrong code is refused', async ({ page, uniqueEmail }) => {
  // Made staff the way the console does, with no factor yet (like the demo engineer).
  const engineer = await createUser(uniqueEmail('mfa-eng'));
  await sql("update public.profiles set role = 'engineer' where id = $1", [engineer.id]);

  await signInWithPassword(page, engineer.email, '/staff');
  await expect(page).toHaveURL(/\/second-factor\?next=%2Fstaff$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Set up your authenticator app' })).toBeVisible();
  const qr = page.getByRole('img', { name: 'QR code that adds Pro Portal to your authenticator app' });
  await expect(qr).toBeVisible();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
  const secret = (await page.getByLabel('Key for manual entry').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations).toEqual([]);

  // Not six digits: said in the field, nothing sent.
  await page.getByLabel('6-digit code').fill('12');
  await page.getByRole('button', { name: 'Turn on and continue' }).click();
  await expect(page.getByText('Enter the 6 digits your authenticator app shows.')).toBeVisible();
  await expect(page.getByLabel('6-digit code')).toBeFocused();

  await page.getByLabel('6-digit code').fill(wrongCode(secret));
  await page.getByRole('button', { name: 'Turn on and continue' }).click();
  await expect(page.getByRole('alert')).toContainText('That code is not right.');
  await expect(page).toHaveURL(/\/second-factor/);
  const [factor] = await sql<{ status: string }>('select status from auth.mfa_factors where user_id = $1', [engineer.id]);
  expect(factor?.status, 'a wrong code verifies nothing').toBe('unverified');

  await page.getByLabel('6-digit code').fill(codeFor(secret));
  await page.getByRole('button', { name: 'Turn on and continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Support queue' })).toBeVisible();
  await expect(page).toHaveURL(/\/staff$/);
  // A factor added to a staff account is what a takeover looks like: its owner is told, once.
  const notice = await mailTo(engineer.email, /verification method was added/);
  expect(notice.Subject).toBe('A new verification method was added to your account');

  // The next sign-in asks only for the code.
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await signInWithPassword(page, engineer.email, '/staff');
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your code' })).toBeVisible();
  await expect(page.getByText('Enter the 6-digit code from your authenticator app.')).toBeVisible();
  await expect(page.getByRole('img', { name: /QR code/ })).toHaveCount(0);
  expect((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations).toEqual([]);

  // At aal1 every signed-in page, the portal included, leads back here.
  await page.goto('/portal');
  await expect(page).toHaveURL(/\/second-factor\?next=%2Fportal$/);
  await page.goto('/staff/tickets/1001');
  await expect(page).toHaveURL(/\/second-factor\?next=%2Fstaff%2Ftickets%2F1001$/);

  await page.getByLabel('6-digit code').fill(wrongCode(secret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toContainText('That code is not right.');
  await page.getByLabel('6-digit code').fill(codeFor(secret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/staff\/tickets\/1001$/);
  expect(await mailCount(engineer.email), 'signing in with the factor sends no further notice').toBe(1);
});

test('staff at the second-factor step may sign out instead', async ({ page, uniqueEmail }) => {
  const admin = await createUser(uniqueEmail('mfa-admin'));
  await sql("update public.profiles set role = 'admin' where id = $1", [admin.id]);
  await signInWithPassword(page, admin.email, '/admin');
  await expect(page.getByRole('heading', { level: 1, name: 'Set up your authenticator app' })).toBeVisible();
  await page.getByRole('main').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
});

test('a customer never sees the second-factor step', async ({ page, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('mfa-cust'));
  await signIn(page, customer.email, '/portal');
  await expect(page).toHaveURL(/\/portal$/);
  await page.goto('/second-factor');
  await expect(page).toHaveURL(/\/portal$/);
});
