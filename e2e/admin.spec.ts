import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import { AXE_TAGS, balanceOf, createTicket, createUser, giveCredits, signIn, sql, ticketRow } from './staff-helpers';

test('the admin pages pass axe', async ({ page, uniqueEmail }) => {
  const admin = await createUser(uniqueEmail('admin'), 'admin');
  await signIn(page, admin.email, '/admin');
  await expect(page.getByRole('heading', { level: 1, name: 'Administration' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Users and roles' }).getByRole('listitem').first()).toBeVisible();
  expect((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations).toEqual([]);
});

test('promote a customer to engineer', async ({ page, uniqueEmail }) => {
  const admin = await createUser(uniqueEmail('admin'), 'admin');
  const person = await createUser(uniqueEmail('promote'));

  await signIn(page, admin.email, '/admin');
  const users = page.getByRole('region', { name: 'Users and roles' });
  await users.getByRole('searchbox', { name: 'Find by email' }).fill(person.email);
  await users.getByRole('button', { name: 'Find' }).click();
  const row = users.getByRole('listitem').filter({ hasText: person.email });
  await expect(row.getByRole('combobox', { name: `Role of ${person.email}` })).toHaveValue('customer');
  await row.getByRole('combobox', { name: `Role of ${person.email}` }).selectOption('engineer');
  await row.getByRole('button', { name: `Save role of ${person.email}` }).click();
  // The button is disabled while the call is in flight as well as after it: ask the database until it has landed.
  await expect(row.getByRole('button', { name: `Save role of ${person.email}` })).toBeDisabled();
  await expect
    .poll(async () => (await sql<{ role: string }>('select role from public.profiles where id = $1', [person.id]))[0]?.role)
    .toBe('engineer');

  // The admin cannot change their own role (the database refuses; the page says why).
  await users.getByRole('searchbox', { name: 'Find by email' }).fill(admin.email);
  await users.getByRole('button', { name: 'Find' }).click();
  const self = users.getByRole('listitem').filter({ hasText: admin.email });
  await self.getByRole('combobox').selectOption('customer');
  await self.getByRole('button', { name: `Save role of ${admin.email}` }).click();
  await expect(self.getByRole('alert')).toHaveText('You cannot change your own role; ask another administrator.');
});

test('adjust credits with a required note; a ticket waiting for credits is charged', async ({ page, uniqueEmail }) => {
  const admin = await createUser(uniqueEmail('admin'), 'admin');
  const engineer = await createUser(uniqueEmail('eng'), 'engineer');
  const customer = await createUser(uniqueEmail('cust'));
  const ticket = await createTicket(customer, { subject: 'Waiting for credits', preApproved: true });
  const assessed = await engineer.client.rpc('assess_ticket', { p_ticket_id: ticket.id, p_category: 'configuration' });
  expect(assessed.data?.status).toBe('awaiting_credits');

  await signIn(page, admin.email, '/admin');
  const section = page.getByRole('region', { name: 'Credit adjustments' });
  await section.getByLabel('Customer email').fill(customer.email);
  await section.getByRole('button', { name: 'Find account' }).click();
  await expect(section.getByText('balance 0 credits')).toBeVisible();
  await section.getByLabel('Credits (+ to add, − to remove)').fill('25');
  await section.getByRole('button', { name: 'Review adjustment' }).click();
  await expect(section.getByText('A note of at least 3 characters is required', { exact: false })).toBeVisible();
  await section.getByLabel('Note (required; shown on the statement)').fill('Goodwill for the outage');
  await section.getByRole('button', { name: 'Review adjustment' }).click();

  const dialog = page.getByRole('dialog', { name: 'Confirm the adjustment' });
  await expect(dialog).toContainText(`Add 25 credits to ${customer.email}: balance 0 → 25.`);
  expect((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations).toEqual([]);
  await dialog.getByRole('button', { name: 'Confirm adjustment' }).click();
  await expect(dialog).toBeHidden();
  await expect(section.getByText('Added 25 credits.')).toBeVisible();
  // 25 added, 10 taken at once by the ticket that was waiting.
  await expect(section.getByText('balance 15 credits')).toBeVisible();
  expect(await balanceOf(customer.accountId)).toBe(15);
  expect(await ticketRow(ticket.number)).toMatchObject({ status: 'in_progress', charged_credits: 10 });
});

test('a double click on Confirm adjustment applies the adjustment once', async ({ page, uniqueEmail }) => {
  const admin = await createUser(uniqueEmail('admin'), 'admin');
  const customer = await createUser(uniqueEmail('cust'));

  await signIn(page, admin.email, '/admin');
  const section = page.getByRole('region', { name: 'Credit adjustments' });
  await section.getByLabel('Customer email').fill(customer.email);
  await section.getByRole('button', { name: 'Find account' }).click();
  await expect(section.getByText('balance 0 credits')).toBeVisible();
  await section.getByLabel('Credits (+ to add, − to remove)').fill('30');
  await section.getByLabel('Note (required; shown on the statement)').fill('Refund of the double charge');
  await section.getByRole('button', { name: 'Review adjustment' }).click();

  const dialog = page.getByRole('dialog', { name: 'Confirm the adjustment' });
  await dialog.getByRole('button', { name: 'Confirm adjustment' }).dblclick();
  await expect(dialog).toBeHidden();
  await expect(section.getByText('Added 30 credits.')).toBeVisible();
  const rows = await sql<{ n: number }>(
    `select count(*)::int as n from public.credit_entries e join public.credit_transfers t on t.id = e.transfer_id
      where e.account_id = $1 and t.kind = 'adjustment'`,
    [customer.accountId],
  );
  expect(rows[0]?.n, 'one ledger row').toBe(1);
  expect(await balanceOf(customer.accountId), 'applied once').toBe(30);
});

test('payment problems: an admin resolves a mismatched payment event and records the refund of an order that could not be credited', async ({ page, uniqueEmail }) => {
  const admin = await createUser(uniqueEmail('admin'), 'admin');
  const customer = await createUser(uniqueEmail('full'));
  const eventId = `evt_e2e_${Date.now()}`;
  await sql("insert into public.payment_events (id, type, problem) values ($1, 'checkout.session.completed', 'The session cs_x is for 1 minor units, but order o costs 1000.')", [eventId]);
  // A customer at the maximum balance pays for 25 more: the order fails with its payment to refund.
  await giveCredits(customer.accountId, 1_000_000);
  const [order] = await sql<{ id: string }>(
    `insert into public.orders (account_id, user_id, package_id, credits, amount_cents, currency, provider)
     select $1, $2, id, credits, price_cents, currency, 'test' from public.credit_packages where credits = 25 and active limit 1
     returning id`,
    [customer.accountId, customer.id],
  );
  await sql("select public.service_role_fulfil_order($1, 'pay_e2e_full')", [order!.id]);

  await signIn(page, admin.email, '/admin');
  const section = page.getByRole('region', { name: 'Payment problems' });
  const event = section.getByRole('listitem').filter({ hasText: eventId });
  await expect(event).toContainText('is for 1 minor units');
  await event.getByLabel(`What was done (event ${eventId})`).fill('Refunded the stray payment in Stripe');
  await event.getByRole('button', { name: 'Mark resolved' }).click();
  await expect(event).toBeHidden();
  expect((await sql('select resolution_note from public.payment_events where id = $1', [eventId]))[0]).toEqual({
    resolution_note: 'Refunded the stray payment in Stripe',
  });

  const failed = section.getByRole('listitem').filter({ hasText: `Order ${order!.id}` });
  await expect(failed).toContainText('above the maximum balance of 1000000 credits');
  await failed.getByLabel(`What was done (order ${order!.id})`).fill('Refunded in Stripe');
  await failed.getByRole('button', { name: 'Mark refunded' }).click();
  await expect(failed).toBeHidden();
  expect((await sql('select refunded_at is not null as refunded from public.orders where id = $1', [order!.id]))[0]).toEqual({ refunded: true });
  expect(await balanceOf(customer.accountId), 'nothing credited').toBe(1_000_000);
});
