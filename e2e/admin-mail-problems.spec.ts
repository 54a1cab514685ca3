/**
 * The admin's list of mail that did not go out. Failed rows are written straight into the outbox on the
 * database (as the worker's failures would leave them): nothing in the product makes a mail fail on demand.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import { AXE_TAGS, createUser, signIn, sql } from './staff-helpers';

async function failedMail(to: string, status: 'dead' | 'unknown', lastError: string | null) {
  const [row] = await sql<{ id: string }>(
    `insert into app.mail_outbox (dedupe_key, kind, to_email, status, attempts, last_error)
     values ('e2e:' || gen_random_uuid(), 'quote_ready', $1, $2, $3, $4) returning id`,
    [to, status, status === 'dead' ? 6 : 1, lastError],
  );
  return Number(row!.id);
}

test('an admin sees a dead and an unknown mail, and retries the dead one after confirming', async ({ page, uniqueEmail }) => {
  const admin = await createUser(uniqueEmail('admin'), 'admin');
  const bouncing = uniqueEmail('bounce');
  const vanished = uniqueEmail('vanished');
  const dead = await failedMail(bouncing, 'dead', '550 5.1.1 mailbox unavailable');
  await failedMail(vanished, 'unknown', null);

  await signIn(page, admin.email, '/admin');
  await page.getByRole('link', { name: 'Mail problems' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mail problems' })).toBeVisible();
  const deadRow = page.getByRole('row').filter({ hasText: bouncing });
  await expect(deadRow).toContainText('Quote ready');
  await expect(deadRow).toContainText('Dead');
  await expect(deadRow).toContainText('550 5.1.1 mailbox unavailable');
  await expect(deadRow.getByRole('cell', { name: '6', exact: true })).toBeVisible();
  const unknownRow = page.getByRole('row').filter({ hasText: vanished });
  await expect(unknownRow).toContainText('The worker stopped mid-send; it may have been delivered.');
  expect((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations).toEqual([]);

  await deadRow.getByRole('button', { name: `Retry the quote ready e-mail to ${bouncing}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Send this e-mail again?' });
  await expect(dialog).toContainText(bouncing);
  // Asking changes nothing.
  expect((await sql<{ status: string }>('select status from app.mail_outbox where id = $1', [dead]))[0]?.status).toBe('dead');
  await dialog.getByRole('button', { name: 'Yes, send again' }).click();
  await expect(page.getByText(`The quote ready e-mail to ${bouncing} is queued again.`)).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: bouncing })).toHaveCount(0);
  const [after] = await sql<{ status: string; attempts: number }>('select status, attempts from app.mail_outbox where id = $1', [dead]);
  // Pending, unless a delivery worker has picked it up already.
  expect(['pending', 'sending', 'sent', 'retry']).toContain(after?.status);

  // For a mail that may have been delivered the dialog warns of a second copy.
  await unknownRow.getByRole('button', { name: /Retry/ }).click();
  await expect(page.getByRole('dialog', { name: 'Send this e-mail again?' })).toContainText('sending again can give the person a second copy');
});

test('a customer is not allowed on the mail problems page', async ({ page, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('cust'));
  await signIn(page, customer.email, '/admin/mail-problems');
  await expect(page.getByRole('heading', { name: /Not allowed/i })).toBeVisible();
});
