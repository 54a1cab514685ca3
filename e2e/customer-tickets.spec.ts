import { assess, buyCredits, expect, test } from './customer-fixtures';
import type { Page } from '@playwright/test';

async function openTicket(
  page: Page,
  input: { subject: string; body: string; consent: 'advance' | 'cost-first'; upgrade?: [string, string]; ceiling?: string },
) {
  await page.goto('/portal/tickets/new');
  await expect(page).toHaveTitle(/Open a ticket/);
  await page.getByLabel('Subject').fill(input.subject);
  await page.getByLabel('Description').fill(input.body);
  await page
    .getByRole('group', { name: 'How do you agree to the price?' })
    .getByLabel(input.consent === 'advance' ? /I agree in advance with the assessment/ : /Tell me the cost first/)
    .check();
  if (input.ceiling !== undefined) {
    const ceiling = page.getByLabel('Most credits to take without asking me');
    await expect(ceiling, 'the default ceiling is shown').toHaveValue('20');
    await ceiling.fill(input.ceiling);
  }
  if (input.upgrade) {
    await page.getByLabel('From version').selectOption(input.upgrade[0]);
    await page.getByLabel('To version').selectOption(input.upgrade[1]);
  }
  await page.getByRole('button', { name: 'Open ticket' }).click();
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(`^Ticket #\\d+: ${input.subject}$`) })).toBeVisible();
  return Number(/\/portal\/tickets\/(\d+)$/.exec(page.url())?.[1]);
}

test('a pre-approved ticket is charged as soon as the engineer assesses it', async ({ page, customer, engineer }) => {
  await buyCredits(customer, 25);
  const number = await openTicket(page, {
    subject: 'Mail settings',
    body: 'Our **SMTP** settings:\n\n```\nhost = mail.example.com\n```',
    consent: 'advance',
  });
  await expect(page.getByText('Waiting for assessment').first()).toBeVisible();
  await expect(page.locator('pre code')).toHaveText('host = mail.example.com');
  await expect(page.getByText('SMTP', { exact: true })).toHaveJSProperty('tagName', 'STRONG');

  await assess(engineer, number, 'configuration');
  await page.reload();
  await expect(page.getByText('In progress').first()).toBeVisible();
  await expect(page.getByText('Charged: 10 credits')).toBeVisible();
  await expect(page.getByText('10 credits charged.')).toBeVisible();
  await page.goto('/portal');
  await expect(page.getByTestId('balance')).toContainText('15');
});

test('a ceiling typed before the default arrives is the one the ticket keeps', async ({ page, customer }) => {
  await buyCredits(customer, 25);
  // Hold the default back until the customer has typed their own ceiling.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/rpc/default_pre_approval_ceiling*', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/portal/tickets/new');
  await expect(page).toHaveTitle(/Open a ticket/);
  await page.getByLabel('Subject').fill('Typed ceiling');
  await page.getByLabel('Description').fill('Keep my ceiling.');
  await page.getByRole('group', { name: 'How do you agree to the price?' }).getByLabel(/I agree in advance with the assessment/).check();
  const ceiling = page.getByLabel('Most credits to take without asking me');
  await ceiling.fill('7');

  const answered = page.waitForResponse('**/rpc/default_pre_approval_ceiling*');
  release();
  await answered;
  // Let React render what the answer changed before reading the field.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
  await expect(ceiling).toHaveValue('7');

  await page.getByRole('button', { name: 'Open ticket' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Ticket #\d+: Typed ceiling$/ })).toBeVisible();
  await expect(page.getByText('Agreed in advance with the assessment up to 7 credits', { exact: true })).toBeVisible();
});

test('a cost-first ticket shows the quote; confirming it charges and the balance drops', async ({ page, customer, engineer }) => {
  await buyCredits(customer, 50);
  const number = await openTicket(page, { subject: 'Slow reports', body: 'Reports take minutes.', consent: 'cost-first' });
  await assess(engineer, number, 'investigation');

  await page.goto('/portal');
  const needing = page.getByRole('region', { name: 'Tickets that need you' });
  await expect(needing).toContainText(`#${number} Slow reports`);
  await expect(needing).toContainText('Confirm or decline the quote of 20 credits.');
  await needing.getByRole('link', { name: `#${number} Slow reports` }).click();

  const quote = page.getByRole('region', { name: 'Please confirm the price' });
  await expect(quote).toContainText('Investigation for 20 credits');
  await expect(quote.getByTestId('balance-after')).toHaveText('30 credits');
  await quote.getByRole('button', { name: 'Confirm 20 credits' }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm 20 credits?' });
  await expect(dialog).toContainText('(50 → 30)');
  await dialog.getByRole('button', { name: 'Yes, confirm 20 credits' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Confirmed: 20 credits charged.')).toBeVisible();
  await expect(page.getByText('Charged: 20 credits')).toBeVisible();
  await expect(page.getByText('Quote of 20 credits confirmed.')).toBeVisible();

  await page.getByRole('banner').getByRole('link', { name: 'Credits', exact: true }).click();
  await expect(page.getByTestId('balance')).toContainText('30');
});

test('a quote re-priced while the customer reads the dialog: the dialog says so and asks at the new price', async ({ page, customer, engineer }) => {
  await buyCredits(customer, 50);
  const number = await openTicket(page, { subject: 'Mail relay', body: 'Relay refuses mail.', consent: 'cost-first' });
  await assess(engineer, number, 'configuration');
  await page.reload();
  const quote = page.getByRole('region', { name: 'Please confirm the price' });
  await expect(quote).toContainText('Configuration for 10 credits');
  await quote.getByRole('button', { name: 'Confirm 10 credits' }).click();
  await expect(page.getByRole('dialog', { name: 'Confirm 10 credits?' })).toBeVisible();

  // The engineer re-prices while the customer reads the dialog; the page is live, so the news arrives.
  const { data: row } = await engineer.client.from('tickets').select('id').eq('number', number).single().throwOnError();
  await engineer.client
    .rpc('reassess_ticket', { p_ticket_id: row.id, p_category: 'investigation', p_reason: 'It is the database server' })
    .throwOnError();

  const again = page.getByRole('dialog', { name: 'Confirm 20 credits?' });
  await expect(again, 'the dialog now asks for the new price').toBeVisible();
  await expect(again.getByRole('alert')).toContainText('it now costs 20 credits, not 10');
  await expect(quote).toContainText('Investigation for 20 credits');
  const { data: unchanged } = await engineer.client.from('tickets').select('status, charged_credits').eq('id', row.id).single().throwOnError();
  expect(unchanged, 'nothing charged at the old price').toEqual({ status: 'awaiting_confirmation', charged_credits: 0 });

  await again.getByRole('button', { name: 'Yes, confirm 20 credits' }).click();
  await expect(page.getByText('Confirmed: 20 credits charged.')).toBeVisible();
});

test('a quote re-priced unseen (no live connection) is not charged at the old price: the dialog asks again', async ({ page, customer, engineer }) => {
  // Without live updates the page still shows the old price when the customer says yes.
  await page.routeWebSocket(/\/realtime\/v1\/websocket/, (ws) => void ws.close({ code: 1011, reason: 'no live updates in this test' }));
  await buyCredits(customer, 50);
  const number = await openTicket(page, { subject: 'Mail relay, unseen', body: 'Relay refuses mail.', consent: 'cost-first' });
  await assess(engineer, number, 'configuration');
  await page.reload();
  const quote = page.getByRole('region', { name: 'Please confirm the price' });
  await expect(quote).toContainText('Configuration for 10 credits');
  await quote.getByRole('button', { name: 'Confirm 10 credits' }).click();

  const { data: row } = await engineer.client.from('tickets').select('id').eq('number', number).single().throwOnError();
  await engineer.client
    .rpc('reassess_ticket', { p_ticket_id: row.id, p_category: 'investigation', p_reason: 'It is the database server' })
    .throwOnError();

  await page.getByRole('dialog', { name: 'Confirm 10 credits?' }).getByRole('button', { name: 'Yes, confirm 10 credits' }).click();
  const again = page.getByRole('dialog', { name: 'Confirm 20 credits?' });
  await expect(again, 'the dialog now asks for the new price').toBeVisible();
  await expect(again.getByRole('alert')).toContainText('now costs 20 credits, not 10');
  await expect(quote).toContainText('Investigation for 20 credits');
  const { data: unchanged } = await engineer.client.from('tickets').select('status, charged_credits').eq('id', row.id).single().throwOnError();
  expect(unchanged, 'nothing charged at the old price').toEqual({ status: 'awaiting_confirmation', charged_credits: 0 });

  await again.getByRole('button', { name: 'Yes, confirm 20 credits' }).click();
  await expect(page.getByText('Confirmed: 20 credits charged.')).toBeVisible();
});

test('a pre-approved upgrade is charged at once only within the ceiling the customer set', async ({ page, customer, engineer }) => {
  await buyCredits(customer, 100);
  const within = await openTicket(page, {
    subject: 'Upgrade within the ceiling',
    body: 'Upgrade please.',
    consent: 'advance',
    ceiling: '60',
    upgrade: ['4.3.1', '4.3.9'],
  });
  await assess(engineer, within, 'upgrade');
  await page.reload();
  await expect(page.getByText('Charged: 50 credits')).toBeVisible();

  const above = await openTicket(page, { subject: 'Upgrade above the ceiling', body: 'Upgrade please.', consent: 'advance', upgrade: ['4.3.1', '4.3.9'] });
  await assess(engineer, above, 'upgrade');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Please confirm the price' })).toContainText('for 50 credits');
});

test('a quote larger than the balance leads to buying more, and the ticket continues', async ({ page, customer, engineer }) => {
  await buyCredits(customer, 25);
  const number = await openTicket(page, {
    subject: 'Upgrade to 4.3.9',
    body: 'Please upgrade us.',
    consent: 'advance',
    ceiling: '50',
    upgrade: ['4.3.1', '4.3.9'],
  });
  await assess(engineer, number, 'upgrade');
  await page.reload();

  const needed = page.getByRole('region', { name: 'Awaiting credits: buy 25 more' });
  await expect(needed).toContainText('This ticket costs 50 credits and your balance is 25.');
  await needed.getByRole('button', { name: 'Buy 25 credits' }).click();
  await page.getByRole('button', { name: 'Pay $100.00' }).click();
  await expect(page.getByTestId('new-balance')).toHaveText('0 credits');
  await page.getByRole('link', { name: 'Continue where you left off' }).click();

  await expect(page).toHaveURL(new RegExp(`/portal/tickets/${number}$`));
  await expect(page.getByText('In progress').first()).toBeVisible();
  await expect(page.getByText('Charged: 50 credits')).toBeVisible();
  await expect(page.getByText('50 credits charged automatically when credits arrived.')).toBeVisible();
});

test('a reply shows in the thread as safe Markdown; a ticket can be canceled before any charge', async ({ page, customer }) => {
  await openTicket(page, { subject: 'Dashboard totals', body: 'Totals per region?', consent: 'cost-first' });
  await page.getByLabel('Your reply').fill('<img src=x onerror="window.pwned=1"> and <script>window.pwned=2</script> **bold**');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText('Reply sent.')).toBeVisible();
  await expect(page.getByText('<img src=x onerror="window.pwned=1"> and <script>window.pwned=2</script>', { exact: false })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await expect(page.locator('main img')).toHaveCount(0);

  await page.getByRole('button', { name: 'Cancel ticket' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel the ticket' }).click();
  await expect(page.getByText('Ticket #', { exact: false }).and(page.getByText('is canceled.'))).toBeVisible();
  await expect(page.getByText('Canceled', { exact: true }).first()).toBeVisible();
  await expect(page.getByText('This ticket is closed.')).toBeVisible();
  void customer;
});

test('the ticket list filters by status and searches subjects', async ({ page, customer }) => {
  await openTicket(page, { subject: 'Alpha question', body: 'A', consent: 'cost-first' });
  await openTicket(page, { subject: 'Beta question', body: 'B', consent: 'advance' });
  await page.goto('/portal/tickets');
  await expect(page.getByRole('link', { name: /Alpha question/ })).toBeVisible();
  await page.getByLabel('Search').fill('beta');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/q=beta/);
  await expect(page.getByRole('link', { name: /Beta question/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /Alpha question/ })).toHaveCount(0);
  await page.getByLabel('Status').selectOption('resolved');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('No tickets match')).toBeVisible();
  void customer;
});

test('declining a quote closes the ticket without charging', async ({ page, customer, engineer }) => {
  await buyCredits(customer, 25);
  const number = await openTicket(page, { subject: 'Custom report', body: 'Can you build a report?', consent: 'cost-first' });
  await assess(engineer, number, 'code_modification', 40);
  await page.reload();
  const quote = page.getByRole('region', { name: 'Please confirm the price' });
  await expect(quote).toContainText('Code modification for 40 credits');
  await expect(quote.getByTestId('balance-after')).toHaveText('not enough — 15 credits short');
  await quote.getByRole('button', { name: 'Decline' }).click();
  const dialog = page.getByRole('dialog', { name: 'Decline the quote?' });
  await dialog.getByLabel('Reason (optional)').fill('Too expensive for us');
  await dialog.getByRole('button', { name: 'Decline and close the ticket' }).click();
  await expect(page.getByText('Quote declined. The ticket is closed.')).toBeVisible();
  await expect(page.getByText('Quote declined — Too expensive for us.')).toBeVisible();
  await expect(page.getByText('Charged: 0 credits')).toBeVisible();
});

test('a split ticket links to its new ticket and back', async ({ page, customer, engineer }) => {
  const { data: parent } = await customer.client
    .rpc('create_ticket', { p_subject: 'Two questions', p_body: 'Export, and also SSO?', p_pre_approved: false })
    .throwOnError();
  const { data: child } = await engineer.client
    .rpc('split_ticket', { p_ticket_id: parent.id, p_subject: 'Single sign-on', p_body: 'Moved from the first ticket.' })
    .throwOnError();

  await page.goto(`/portal/tickets/${parent.number}`);
  const related = page.getByRole('navigation', { name: 'Related tickets' });
  await expect(related).toContainText(`ticket #${child.number}: Single sign-on`);
  await expect(page.getByText(`A separate question was moved to ticket #${child.number}.`)).toBeVisible();
  await related.getByRole('link', { name: `ticket #${child.number}: Single sign-on` }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Ticket #${child.number}: Single sign-on` })).toBeVisible();
  await page.getByRole('navigation', { name: 'Related tickets' }).getByRole('link', { name: `ticket #${parent.number}: Two questions` }).click();
  await expect(page).toHaveURL(new RegExp(`/portal/tickets/${parent.number}$`));
});
