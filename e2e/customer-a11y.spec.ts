import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { assess, buyCredits, expect, test } from './customer-fixtures';

const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function expectNoViolations(page: Page, width: number) {
  const { violations } = await new AxeBuilder({ page }).withTags(axeTags).analyze();
  expect(violations.map(({ id, nodes }) => `${id}: ${nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

// Each of these visits seven or more pages cold and runs axe on each: ~20 s on an idle 2-core machine,
// 30 s and more while other suites share it — over Playwright's default timeout, which is per test.
const SEVERAL_PAGES_TIMEOUT = 90_000;

for (const width of [1280, 375]) {
  test(`customer routes when empty pass axe at ${width}px`, async ({ page, customer }) => {
    test.setTimeout(SEVERAL_PAGES_TIMEOUT);
    await page.setViewportSize({ width, height: 900 });
    for (const [path, heading] of [
      ['/portal', 'Your portal'],
      ['/portal/tickets', 'Your tickets'],
      ['/portal/tickets/new', 'Open a ticket'],
      ['/portal/credits', 'Credits'],
      ['/portal/notifications', 'Notifications'],
      ['/portal/settings', 'Settings'],
      ['/portal/tickets/999999', 'Ticket not found'],
      ['/checkout/cancel', 'Payment canceled'],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      await expect(page.getByRole('status', { name: /Loading/ })).toHaveCount(0);
      await expectNoViolations(page, width);
    }
    // Error states: a form with its messages, and a checkout that cannot start.
    await page.goto('/portal/tickets/new');
    await page.getByRole('button', { name: 'Open ticket' }).click();
    await expect(page.getByText('The subject needs at least 3 characters.')).toBeVisible();
    await expectNoViolations(page, width);
    await page.goto('/checkout/start/00000000-0000-4000-8000-000000000000');
    await expect(page.getByRole('alert')).toContainText('There is no such credit package');
    await expectNoViolations(page, width);
    void customer;
  });

  test(`customer routes with data and an open dialog pass axe at ${width}px`, async ({ page, customer, engineer }) => {
    test.setTimeout(SEVERAL_PAGES_TIMEOUT);
    await page.setViewportSize({ width, height: 900 });
    await buyCredits(customer, 25);
    const { data: quoted } = await customer.client
      .rpc('create_ticket', { p_subject: 'Quoted ticket', p_body: 'A `code` question\n\n```\nlet x = 1;\n```', p_pre_approved: false })
      .throwOnError();
    await assess(engineer, quoted.number, 'investigation');
    const { data: waiting } = await customer.client
      .rpc('create_ticket', { p_subject: 'Big upgrade', p_body: 'Upgrade', p_pre_approved: true, p_upgrade_from: '4.2.0', p_upgrade_to: '4.4.2', p_pre_approval_ceiling: 1000 })
      .throwOnError();
    await assess(engineer, waiting.number, 'upgrade');

    for (const [path, heading] of [
      ['/portal', 'Your portal'],
      ['/portal/tickets', 'Your tickets'],
      ['/portal/credits', 'Credits'],
      ['/portal/notifications', 'Notifications'],
      [`/portal/tickets/${waiting.number}`, `Ticket #${waiting.number}: Big upgrade`],
      [`/portal/tickets/${quoted.number}`, `Ticket #${quoted.number}: Quoted ticket`],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      await expect(page.getByRole('status', { name: /Loading/ })).toHaveCount(0);
      await expectNoViolations(page, width);
    }
    await page.getByRole('button', { name: 'Confirm 20 credits' }).click();
    await expect(page.getByRole('dialog', { name: 'Confirm 20 credits?' })).toBeVisible();
    await expectNoViolations(page, width);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
    await expect(page.getByRole('button', { name: 'Confirm 20 credits' })).toBeFocused();

    await page.goto('/portal/credits');
    await page.getByRole('link', { name: /Receipt/ }).first().click();
    await expect(page.getByRole('heading', { level: 1, name: 'Receipt' })).toBeVisible();
    await expectNoViolations(page, width);
  });
}

test('checkout pages pass axe: the test payment page and the success page', async ({ page, customer }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Buy 50 credits' }).click();
  await expect(page.getByText('Test mode — no real payment')).toBeVisible();
  await expectNoViolations(page, 1280);
  await page.getByRole('button', { name: 'Pay $160.00' }).click();
  await expect(page.getByTestId('new-balance')).toHaveText('50 credits');
  await expectNoViolations(page, 1280);
  void customer;
});
