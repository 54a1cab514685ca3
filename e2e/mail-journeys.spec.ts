/**
 * Notification mail end to end, read through the catcher's Mailpit API as a person reads their inbox:
 * nobody calls the mail worker here — each event's mail goes out because the database asked for it
 * after commit (pg_net → send-mail → SMTP). The quote mail's Confirm button leads to the charge, a reply
 * sent by mail lands in the engineer's thread, and the unsubscribe link stops that kind of mail.
 */
import type { Browser } from '@playwright/test';
import { assess, buyCredits, expect, test, type Person } from './customer-fixtures';
import { linkIn, mailTo, sendMailAs } from './mail';
import { balanceOf, signIn, sql, ticketRow } from './staff-helpers';

async function accountOf(customer: Person) {
  const [row] = await sql<{ account_id: string }>("select account_id from public.account_members where user_id = $1 and role = 'owner'", [customer.id]);
  return row!.account_id;
}

async function openTicket(customer: Person, subject: string, preApproved: boolean) {
  const { data, error } = await customer.client.rpc('create_ticket', { p_subject: subject, p_body: `Details of ${subject}.`, p_pre_approved: preApproved });
  if (error) throw error;
  return { id: data.id, number: data.number };
}

async function answer(engineer: Person, ticketId: string, body: string) {
  await engineer.client.rpc('post_message', { p_ticket_id: ticketId, p_body: body }).throwOnError();
}

/** A page signed in as the engineer, in a context of its own (the customer fixture signs in its page). */
async function engineerPage(browser: Browser, engineer: Person, next: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, engineer.email, next);
  return page;
}

test('the quote mail’s Confirm button opens the ticket, and confirming there charges the quote', async ({ page, customer, engineer }) => {
  await buyCredits(customer, 50);
  const account = await accountOf(customer);
  const ticket = await openTicket(customer, 'Quote by mail', false);
  await assess(engineer, ticket.number, 'investigation');

  const mail = await mailTo(customer.email, /quote=confirm/);
  expect(mail.Subject).toContain(`#${ticket.number}`);
  const confirm = linkIn(mail, /quote=confirm/);
  expect(new URL(confirm).origin, 'the button leads to the app').toBe(new URL(process.env.E2E_BASE_URL!).origin);
  expect(linkIn(mail, /quote=decline/)).toContain(`/portal/tickets/${ticket.number}`);

  await page.goto(confirm);
  const dialog = page.getByRole('dialog', { name: 'Confirm 20 credits?' });
  await expect(dialog).toBeVisible();
  expect(await balanceOf(account), 'following the link charges nothing').toBe(50);
  await dialog.getByRole('button', { name: 'Yes, confirm 20 credits' }).click();
  await expect(page.getByText('Confirmed: 20 credits charged.')).toBeVisible();
  expect(await balanceOf(account)).toBe(30);
  expect((await ticketRow(ticket.number)).status).not.toBe('awaiting_confirmation');
  // The engineer who quoted hears of it by mail too.
  await mailTo(engineer.email, new RegExp(`#${ticket.number}.*quote confirmed`, 'i'));
});

test('a customer answers the engineer’s mail from their mail client; the engineer reads it in the thread', async ({ browser, customer, engineer }) => {
  await buyCredits(customer, 50);
  const ticket = await openTicket(customer, 'Reply by mail', true);
  await assess(engineer, ticket.number, 'question');
  await answer(engineer, ticket.id, 'Restart the print spooler, then try again.');

  const mail = await mailTo(customer.email, /Restart the print spooler/);
  const replyTo = mail.ReplyTo[0]?.Address ?? '';
  expect(replyTo, 'the mail says where a reply goes').toMatch(/^reply\+[^@]+@/);
  await sendMailAs(
    customer.email,
    replyTo,
    `Re: ${mail.Subject}`,
    [
      'That worked, the printer prints again. Thank you!',
      '',
      '-- ',
      'Cora, sent from the office',
      '',
      `On ${new Date().toDateString()}, Pro Portal wrote:`,
      '> Restart the print spooler, then try again.',
    ].join('\n'),
  );

  const staffPage = await engineerPage(browser, engineer, `/staff/tickets/${ticket.number}`);
  await expect(async () => {
    await staffPage.reload();
    await expect(staffPage.getByText('That worked, the printer prints again. Thank you!')).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  // Quoted history and the signature were left out of the thread.
  await expect(staffPage.getByText('Cora, sent from the office')).toHaveCount(0);
  const [message] = await sql<{ body: string }>(
    'select body from public.ticket_messages where ticket_id = $1 and author_id = $2 order by created_at desc limit 1',
    [ticket.id, customer.id],
  );
  expect(message!.body).toBe('That worked, the printer prints again. Thank you!');
  await staffPage.context().close();
});

test('the unsubscribe link in a mail stops that kind of mail, and only its mail', async ({ browser, customer, engineer }) => {
  await buyCredits(customer, 50);
  const ticket = await openTicket(customer, 'Unsubscribe by mail', true);
  await assess(engineer, ticket.number, 'question');
  await answer(engineer, ticket.id, 'First answer: check the cable.');

  const mail = await mailTo(customer.email, /First answer: check the cable/);
  const unsubscribe = linkIn(mail, /\/unsubscribe\?/);
  expect(new URL(unsubscribe).searchParams.get('kind')).toBe('answered');

  // The link is opened where the mail is read: no session needed.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(unsubscribe);
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You are unsubscribed' })).toBeVisible();
  await context.close();
  const [preference] = await sql<{ delivery: string }>(
    "select delivery from public.notification_preferences where user_id = $1 and kind = 'answered'",
    [customer.id],
  );
  expect(preference?.delivery).toBe('never');

  await answer(engineer, ticket.id, 'Second answer: nobody should mail this one.');
  await engineer.client.rpc('resolve_ticket', { p_ticket_id: ticket.id }).throwOnError();
  await mailTo(customer.email, new RegExp(`#${ticket.number}.*resolved`, 'i'));
  // No mail was even queued for the second answer, so none can turn up later; the in-app notice still came.
  const queued = await sql<{ kind: string }>('select kind from app.mail_outbox where user_id = $1 and ticket_id = $2 order by id', [customer.id, ticket.id]);
  expect(queued.filter((row) => row.kind === 'answered')).toHaveLength(1);
  const [notices] = await sql<{ count: string }>("select count(*) from public.notifications where user_id = $1 and ticket_id = $2 and kind = 'answered'", [customer.id, ticket.id]);
  expect(Number(notices!.count)).toBe(2);
});
