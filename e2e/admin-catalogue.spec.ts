import { expect, test } from './fixtures';
import { createTicket, createUser, signIn, sql } from './staff-helpers';

/**
 * Admin changes that every visitor sees: the product page's price range and the release list. The
 * `catalogue-changes` project (playwright.config.ts) runs this file after all other specs, so none of
 * them reads the product page while a change is in place.
 */

test('a package price change shows in the product page range', async ({ page, uniqueEmail }, testInfo) => {
  const admin = await createUser(uniqueEmail('admin'), 'admin');
  // A package of this test's own, off sale, so the seeded packages (and other specs' ranges) stay put
  // until this test puts it on sale — and back off sale right after.
  const name = `E2E ${testInfo.workerIndex}-${Date.now().toString(36)}`;
  const [pkg] = await sql<{ id: string }>(
    'insert into public.credit_packages (name, credits, price_cents, active, sort_order) values ($1, 999, 100000, false, 900) returning id',
    [name],
  );
  try {
    await signIn(page, admin.email, '/admin');
    const packages = page.getByRole('region', { name: 'Credit packages' });
    await expect(packages.getByText('orders already created keep the price they were created with', { exact: false })).toBeVisible();
    const price = packages.getByLabel(`Price of ${name} in dollars`);
    await expect(price).toHaveValue('1000.00');

    await price.fill('12.345');
    await packages.getByRole('button', { name: `Save ${name}` }).click();
    await expect(packages.getByRole('alert')).toHaveText('Enter a price like 100 or 99.50.');

    await price.fill('7654.50');
    await packages.getByLabel(`${name} is on sale`).check();
    await packages.getByRole('button', { name: `Save ${name}` }).click();
    await expect(packages.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
    const [row] = await sql<{ price_cents: number; active: boolean }>('select price_cents, active from public.credit_packages where id = $1', [pkg!.id]);
    expect(row).toEqual({ price_cents: 765450, active: true });

    await page.goto('/');
    await expect(page.getByTestId('price-range')).toHaveText(/– \$7,654\.50$/);
  } finally {
    await sql('update public.credit_packages set active = false where id = $1', [pkg!.id]);
  }
});

test('adding a release changes the upgrade cost', async ({ page, uniqueEmail }, testInfo) => {
  const admin = await createUser(uniqueEmail('admin'), 'admin');
  const version = `${60 + testInfo.workerIndex}.${Date.now() % 10000}`;
  const cost = async () => {
    const { data, error } = await admin.client.rpc('upgrade_cost', { p_from: '4.3.9', p_to: version });
    return error ? error.details : data;
  };
  expect(await cost()).toBe(`Unknown version ${version}.`);

  await signIn(page, admin.email, '/admin');
  const releases = page.getByRole('region', { name: 'Product releases' });
  await releases.getByLabel('New version').fill('four');
  await releases.getByRole('button', { name: 'Add release' }).click();
  await expect(releases.getByText('Enter a version like 4.4.3.')).toBeVisible();
  await releases.getByLabel('New version').fill(version);
  await releases.getByLabel('Released on').fill('2026-11-27');
  await releases.getByRole('button', { name: 'Add release' }).click();
  await expect(releases.getByRole('listitem').last()).toContainText(version);

  // Steps from 4.3.9 to the new release in release order; 20 + 5 per step after two.
  const [{ steps }] = (await sql<{ steps: number }>(
    `select count(*)::int as steps from public.product_releases
     where position > (select position from public.product_releases where version = '4.3.9')
       and position <= (select position from public.product_releases where version = $1)`,
    [version],
  )) as [{ steps: number }];
  expect(steps).toBeGreaterThanOrEqual(4);
  expect(await cost()).toBe(20 + 5 * (steps - 2));
});

test('moving a release earlier swaps it with its neighbour in one step', async ({ page, uniqueEmail }, testInfo) => {
  const admin = await createUser(uniqueEmail('admin'), 'admin');
  // Two releases of this test's own after the newest, so the seeded order stays put.
  const stamp = Date.now() % 10000;
  const [earlier, later] = [`${70 + testInfo.workerIndex}.${stamp}.1`, `${70 + testInfo.workerIndex}.${stamp}.2`];
  await sql('insert into public.product_releases (version) values ($1), ($2)', [earlier, later]);
  const order = async () =>
    (await sql<{ version: string }>('select version from public.product_releases where version in ($1, $2) order by position', [earlier, later])).map(
      (row) => row.version,
    );
  try {
    expect(await order()).toEqual([earlier, later]);
    await signIn(page, admin.email, '/admin');
    const releases = page.getByRole('region', { name: 'Product releases' });
    await releases.getByRole('button', { name: `Move ${later} earlier` }).click();
    await expect.poll(order).toEqual([later, earlier]);
    // The list shows the new order once it refreshes.
    await expect
      .poll(async () => {
        const items = await releases.getByRole('listitem').allTextContents();
        return items.findIndex((text) => text.includes(later)) < items.findIndex((text) => text.includes(earlier));
      })
      .toBe(true);
    await expect(releases.getByRole('alert')).toHaveCount(0);
  } finally {
    await sql('delete from public.product_releases where version in ($1, $2)', [earlier, later]);
  }
});

test('a category price change reaches the staff pages already open in the same tab', async ({ page, uniqueEmail }) => {
  const admin = await createUser(uniqueEmail('admin'), 'admin');
  const customer = await createUser(uniqueEmail('customer'));
  const ticket = await createTicket(customer, { subject: 'Which setting sends the order emails?', preApproved: false });
  const [{ credits: before }] = (await sql<{ credits: number }>("select credits from public.ticket_categories where code = 'question'")) as [{ credits: number }];
  try {
    await signIn(page, admin.email, `/staff/tickets/${ticket.number}`);
    const dialog = page.getByRole('dialog', { name: `Assess ticket #${ticket.number}` });
    await page.getByRole('button', { name: 'Assess' }).click();
    await expect(dialog.getByRole('radio', { name: `Question (level 1) — ${before} credits`, exact: false })).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Within the app (no reload): the staff page's price list is still in the tab's cache.
    await page.getByRole('link', { name: 'Admin' }).click();
    const categories = page.getByRole('region', { name: 'Ticket categories' });
    await categories.getByLabel('Credits of Question').fill(String(before + 1));
    await categories.getByRole('button', { name: 'Save Question' }).click();
    await expect(categories.getByRole('status')).toHaveText('Saved.');

    await page.goBack();
    await page.getByRole('button', { name: 'Assess' }).click();
    await expect(dialog.getByRole('radio', { name: `Question (level 1) — ${before + 1} credits`, exact: false })).toBeVisible();
  } finally {
    await sql("update public.ticket_categories set credits = $1 where code = 'question'", [before]);
  }
});
