import { expect, test } from './fixtures';
import { createTicket, createUser, signIn } from './staff-helpers';

// Staff may read every account (the queue needs it); their own /portal must still show only their own.
for (const role of ['engineer', 'admin'] as const) {
  test(`an ${role} opening the customer portal sees only their own tickets`, async ({ page, uniqueEmail }) => {
    const customer = await createUser(uniqueEmail('cust'));
    const theirs = await createTicket(customer, { subject: 'Another customer’s private question', preApproved: false });
    const staff = await createUser(uniqueEmail(role), role);

    await signIn(page, staff.email, '/portal');
    await expect(page.getByRole('heading', { level: 1, name: 'Your portal' })).toBeVisible();
    await expect(page.getByText('No activity yet')).toBeVisible();

    await page.goto('/portal/tickets');
    await expect(page.getByText('You have no tickets yet')).toBeVisible();
    await expect(page.getByText('Another customer’s private question')).toHaveCount(0);

    await page.goto(`/portal/tickets/${theirs.number}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Ticket not found' })).toBeVisible();
  });
}
