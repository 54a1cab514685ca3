import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';

const supabaseChunk = /\/assets\/supabase-js-[^/]*\.js$/;

test('the home page reads the catalogue with plain fetch and does not download supabase-js for a signed-out visitor', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Pro Support Credits' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(requested.filter((url) => supabaseChunk.test(url))).toEqual([]);
  // The catalogue and reviews are read with plain fetch (anon key); nothing touches Auth or functions.
  expect(requested.filter((url) => /\/(auth|functions)\/v1\//.test(url))).toEqual([]);
  expect(requested.filter((url) => /\/rest\/v1\//.test(url)).length).toBeGreaterThan(0);

  // The sign-in page does fetch it (so the check above is looking for the right file).
  const clientChunk = page.waitForRequest(supabaseChunk);
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).click();
  await clientChunk;
});

test('an unknown address shows a page-not-found message', async ({ page }) => {
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page).toHaveTitle(/Page not found/);
});

for (const width of [1280, 375]) {
  for (const path of ['/', '/login', '/signup', '/reset-password', '/no-such-page']) {
    test(`${path} has no accessibility violations at ${width}px`, async ({ page }) => {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect(violations.map(({ id, nodes }) => `${id}: ${nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
      // Nothing scrolls sideways on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    });
  }
}
