import AxeBuilder from '@axe-core/playwright';
import { buyCredits, expect, test } from './customer-fixtures';

const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

test('a visitor reads the product page: price range, policy, price list, packages and the upgrade calculator', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/Pro Support Credits/);
  await expect(page.getByRole('heading', { level: 1, name: 'Pro Support Credits' })).toBeVisible();
  await expect(page.getByTestId('price-range')).toHaveText('$100.00 – $500.00');
  await expect(page.getByText('Credits never expire, and they cover all of your licenses')).toBeVisible();

  const prices = page.getByRole('table', { name: /Ticket categories/ });
  await expect(prices.getByRole('row', { name: /Question/ })).toContainText('5 credits');
  await expect(prices.getByRole('row', { name: /Configuration/ })).toContainText('10 credits');
  await expect(prices.getByRole('row', { name: /Code modification/ })).toContainText('from 20 credits');

  const picker = page.getByRole('group', { name: 'Number of credits' });
  for (const credits of [25, 50, 100, 200, 300, 400, 500]) await expect(picker.getByLabel(new RegExp(`^${credits} credits`))).toBeVisible();
  await picker.getByLabel(/^100 credits/).check();
  await expect(page.getByRole('button', { name: 'Buy 100 credits' })).toBeVisible();
  await expect(page.getByText('$240.00 · $2.40 per credit')).toBeVisible();

  await page.getByLabel('From version').selectOption('4.3.1');
  await page.getByLabel('To version').selectOption('4.3.9');
  await expect(page.getByTestId('upgrade-cost')).toHaveText('50 credits');
  await page.getByLabel('To version').selectOption('4.3.2');
  await expect(page.getByTestId('upgrade-cost')).toHaveText('20 credits');
  await page.getByLabel('To version').selectOption('4.2.0');
  await expect(page.getByText('4.2.0 is not after 4.3.1.')).toBeVisible();

  // A visitor who is not signed in gets the notice instead of the review form.
  await expect(page.getByText('Only logged in customers who have purchased this product may leave a review.')).toBeVisible();
  await expect(page.getByRole('form', { name: /review/i })).toHaveCount(0);

  const { violations } = await new AxeBuilder({ page }).withTags(axeTags).analyze();
  expect(violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('a signed-in customer who has not bought anything sees the notice, not the form', async ({ page, customer }) => {
  await page.goto('/');
  await expect(page.getByRole('banner').getByText(customer.email)).toBeVisible();
  await expect(page.getByText('Only logged in customers who have purchased this product may leave a review.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Submit review' })).toHaveCount(0);
});

test('a purchaser leaves a review and sees it listed with the new average', async ({ page, customer }) => {
  await buyCredits(customer, 25);
  await page.goto('/');
  const form = page.getByRole('form', { name: 'Write a review' });
  await form.getByRole('button', { name: 'Submit review' }).click();
  await expect(form.getByText('Choose a rating from 1 to 5 stars.')).toBeVisible();

  const title = `Quick and clear ${customer.id.slice(0, 8)}`;
  await form.getByLabel('4 stars').check();
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Your review').fill('The engineer answered the same day.');
  await form.getByRole('button', { name: 'Submit review' }).click();

  await expect(page.getByText('Thank you for your review.')).toBeVisible();
  const review = page.getByRole('listitem').filter({ hasText: title });
  await expect(review).toContainText('The engineer answered the same day.');
  await expect(review).toContainText('Cora Customer');
  await expect(review).toContainText('4 out of 5 stars');
  await expect(page.getByRole('form', { name: 'Edit your review' })).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).withTags(axeTags).analyze();
  expect(violations.map((violation) => violation.id)).toEqual([]);
});

test('with no reviews the page says so; when the catalogue cannot load the visitor is told what to do', async ({ page }) => {
  await page.route(/\/rest\/v1\/reviews\?/, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '[]' }));
  await page.goto('/');
  await expect(page.getByText('There are no reviews yet.')).toBeVisible();
  await expect(page.getByText(/out of 5/)).toHaveCount(0);
  const { violations } = await new AxeBuilder({ page }).withTags(axeTags).analyze();
  expect(violations.map((violation) => violation.id)).toEqual([]);

  await page.unrouteAll();
  await page.route(/\/rest\/v1\/credit_packages\?/, (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: '{"code":"PGRST000","message":"database unavailable"}' }),
  );
  await page.reload();
  // The rest of the page stays readable; the failed part says so and offers to try again.
  await expect(page.getByRole('heading', { level: 1, name: 'Pro Support Credits' })).toBeVisible();
  await expect(page.getByRole('table', { name: /Ticket categories/ })).toBeVisible();
  const packages = page.getByRole('region', { name: 'Buy support credits' });
  await expect(packages.getByRole('alert')).toContainText('We could not load the packages');
  await expect(packages.getByRole('alert')).toContainText('Pro Portal is having trouble right now. Please try again in a minute.');
  const afterError = await new AxeBuilder({ page }).withTags(axeTags).analyze();
  expect(afterError.violations.map((violation) => violation.id)).toEqual([]);

  await page.unrouteAll();
  await packages.getByRole('button', { name: 'Try again' }).click();
  await expect(packages.getByRole('button', { name: 'Buy 50 credits' })).toBeVisible();
});

test('the package picker and Buy work from the keyboard alone', async ({ page }) => {
  await page.goto('/');
  const picker = page.getByRole('group', { name: 'Number of credits' });
  await picker.getByLabel(/^25 credits/).focus();
  await page.keyboard.press('ArrowRight');
  await expect(picker.getByLabel(/^50 credits/)).toBeChecked();
  await expect(picker.getByLabel(/^50 credits/)).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Buy 50 credits' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/login\?next=%2Fcheckout%2Fstart%2F/);
});
