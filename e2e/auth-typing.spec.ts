/**
 * What a person types into the sign-in and sign-up forms is never lost, however late the code behind
 * the page arrives. Each test types at once, with no wait for the network to settle, while a chunk is
 * held back the way a slow connection would hold it.
 */
import type { Page } from '@playwright/test';
import { createPerson, deletePerson, type Person } from './customer-fixtures';
import { expect, test, TEST_PASSWORD } from './fixtures';
import { confirmSignUpByMail } from './mail';

const supabaseChunk = /\/assets\/supabase-js-[^/]*\.js$/;
const routeChunk = (name: 'login' | 'signup') => new RegExp(`/assets/${name}-[^/]*\\.js$`);

/** Holds back the matching requests until `release()`; `requested` settles when the first one is made. */
async function holdBack(page: Page, url: RegExp) {
  let release = () => {};
  let requested = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const seen = new Promise<void>((resolve) => (requested = resolve));
  await page.route(url, async (route) => {
    requested();
    await released;
    await route.continue();
  });
  return { release, requested: seen };
}

let person: Person | undefined;
test.afterEach(async () => {
  if (person) await deletePerson(person);
  person = undefined;
});

test('typing at once on a cold sign-up page, while supabase-js is still loading, is kept and signs up', async ({ page, uniqueEmail }) => {
  const email = uniqueEmail('early-typist');
  const client = await holdBack(page, supabaseChunk);
  await page.goto('/signup');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await client.requested;

  const loaded = page.waitForResponse(supabaseChunk);
  client.release();
  await loaded;
  await page.waitForLoadState('networkidle'); // the session provider has heard from supabase-js by now
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(email);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue(TEST_PASSWORD);

  await page.getByRole('button', { name: 'Create account' }).click();
  await confirmSignUpByMail(page, email);
  await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();
  await expect(page.getByRole('banner').getByText(email)).toBeVisible();
});

test('typing at once on a cold sign-in page, while supabase-js is still loading, is kept and signs in', async ({ page, uniqueEmail }) => {
  person = await createPerson(uniqueEmail('early-signer'), 'Early Signer');
  const client = await holdBack(page, supabaseChunk);
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await client.requested;

  const loaded = page.waitForResponse(supabaseChunk);
  client.release();
  await loaded;
  await page.waitForLoadState('networkidle');
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(person.email);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue(person.password);

  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();
});

// The sign-in and sign-up forms look alike. Until the next page's code is in, the router keeps the old
// page on screen: what is typed there must not go into a form that is about to be replaced.
test('typing right after "Create an account", before the sign-up page has arrived, ends up in the sign-up form', async ({ page, uniqueEmail }) => {
  const email = uniqueEmail('quick-switcher');
  const signupPage = await holdBack(page, routeChunk('signup'));
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();

  await page.getByRole('main').getByRole('link', { name: 'Create an account' }).click();
  await signupPage.requested;
  const typing = (async () => {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  })();
  // The page's code arrives while the person is typing (or about to).
  setTimeout(signupPage.release, 500);
  await typing;

  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(email);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await confirmSignUpByMail(page, email);
  await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();
});

test('typing right after "Sign in", before the sign-in page has arrived, ends up in the sign-in form', async ({ page, uniqueEmail }) => {
  person = await createPerson(uniqueEmail('quick-returner'), 'Quick Returner');
  const loginPage = await holdBack(page, routeChunk('login'));
  await page.goto('/signup');
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeVisible();

  await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
  await loginPage.requested;
  const typing = (async () => {
    await page.getByLabel('Email', { exact: true }).fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill(person.password);
  })();
  setTimeout(loginPage.release, 500);
  await typing;

  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(person.email);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();
});
