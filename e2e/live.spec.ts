import type { Browser, Page, WebSocketRoute } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { REALTIME_SUBSCRIBE_STATES } from '@supabase/supabase-js';
import { expect, test } from './fixtures';
import { AXE_TAGS, createTicket, createUser, giveCredits, signIn, sql, type SeededUser } from './staff-helpers';

/**
 * Live screens (docs/design.md, "Live updates"): the database announces changes on private Realtime
 * channels and the pages refetch. Each test drives two browser contexts, one per person, and never
 * reloads the page whose liveness it checks.
 */

const REALTIME_SOCKET = /\/realtime\/v1\/websocket/;

/** A signed-in person in a browser context of their own. */
async function personAt(browser: Browser, user: SeededUser, path: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user.email, path);
  return { context, page };
}

const staffThread = (page: Page) => page.getByRole('region', { name: 'Conversation' }).getByRole('article');
const customerThread = (page: Page) => page.getByRole('list', { name: 'Conversation' }).getByRole('listitem');

async function staffReply(page: Page, body: string, kind: 'Send reply' | 'Add internal note' = 'Send reply') {
  await page.getByLabel('Your message (Markdown)').fill(body);
  await page.getByRole('button', { name: kind }).click();
  await expect(page.getByLabel('Your message (Markdown)')).toHaveValue('');
}

async function customerReply(page: Page, body: string) {
  await page.getByLabel('Your reply').fill(body);
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByLabel('Your reply')).toHaveValue('');
}

test('the queue shows a customer’s new ticket and the counts follow, without a reload', async ({ browser, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('live-cust'));
  const engineer = await createUser(uniqueEmail('live-eng'), 'engineer');
  const staff = await personAt(browser, engineer, `/staff?q=${encodeURIComponent(customer.email)}`);
  const client = await personAt(browser, customer, '/portal/tickets/new');
  try {
    await expect(staff.page.getByText('No tickets match these filters.')).toBeVisible();
    const newCount = staff.page.getByRole('navigation', { name: 'Tickets by status' }).getByRole('link', { name: /^New \d+$/ });
    await expect(newCount).toBeVisible();

    const subject = 'Live queue: the export button does nothing';
    await client.page.getByLabel('Subject').fill(subject);
    await client.page.getByLabel('Description').fill('Clicking Export shows a spinner forever.');
    await client.page.getByRole('group', { name: 'How do you agree to the price?' }).getByLabel(/Tell me the cost first/).check();
    await client.page.getByRole('button', { name: 'Open ticket' }).click();
    await expect(client.page.getByRole('heading', { level: 1, name: new RegExp(`^Ticket #\\d+: ${subject}$`) })).toBeVisible();

    await expect(staff.page.getByRole('table').getByRole('row').filter({ hasText: subject })).toBeVisible();
    // Other specs open and assess tickets meanwhile: the shown count converges on the database's.
    await expect
      .poll(async () => {
        const [row] = await sql<{ count: number }>("select count(*)::int as count from public.tickets where status = 'new'");
        return (await newCount.locator('span').textContent()) === String(row?.count);
      })
      .toBe(true);
  } finally {
    await staff.context.close();
    await client.context.close();
  }
});

test('customer and engineer see each other’s replies at once; an internal note never reaches the customer', async ({ browser, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('live-cust'));
  const engineer = await createUser(uniqueEmail('live-eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Live thread: login loops', preApproved: true });
  const staff = await personAt(browser, engineer, `/staff/tickets/${ticket.number}`);
  const client = await personAt(browser, customer, `/portal/tickets/${ticket.number}`);
  try {
    await staffReply(staff.page, 'Please clear the cookies for our domain and try again.');
    await expect(customerThread(client.page).filter({ hasText: 'clear the cookies' })).toBeVisible();

    await customerReply(client.page, 'Cleared them, it still loops.');
    await expect(staffThread(staff.page).filter({ hasText: 'it still loops' })).toBeVisible();

    // The note first, then a reply: once the reply is on the customer's screen, the note had its chance.
    await staffReply(staff.page, 'Looks like the SSO callback URL; checking with ops.', 'Add internal note');
    await expect(staffThread(staff.page).filter({ hasText: 'SSO callback URL' })).toContainText('internal note');
    await staffReply(staff.page, 'Found it: we fixed a redirect rule. Please try once more.');
    await expect(customerThread(client.page).filter({ hasText: 'fixed a redirect rule' })).toBeVisible();
    await expect(client.page.getByText('SSO callback URL')).toHaveCount(0);
    // Each message once, though every change is announced on ticket:<id> and on queue.
    await expect(customerThread(client.page).filter({ hasText: 'clear the cookies' })).toHaveCount(1);
    await expect(staffThread(staff.page).filter({ hasText: 'it still loops' })).toHaveCount(1);
  } finally {
    await staff.context.close();
    await client.context.close();
  }
});

test('the bell’s unread count rises as the engineer answers', async ({ browser, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('live-cust'));
  const engineer = await createUser(uniqueEmail('live-eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Live bell: invoice address', preApproved: true });
  const client = await personAt(browser, customer, '/portal');
  const staff = await personAt(browser, engineer, `/staff/tickets/${ticket.number}`);
  try {
    const bell = client.page.getByRole('banner').getByRole('link', { name: /^Notifications/ });
    await expect(bell).toBeVisible();
    await expect(client.page.getByTestId('unread-count')).toHaveCount(0);
    await staffReply(staff.page, 'The invoice address is under Settings → Billing.');
    // The header polls once a minute; this must arrive well before.
    await expect(client.page.getByTestId('unread-count')).toHaveText('1 unread', { timeout: 10_000 });
    await staffReply(staff.page, 'And the VAT number just below it.');
    await expect(client.page.getByTestId('unread-count')).toHaveText('2 unread', { timeout: 10_000 });
  } finally {
    await staff.context.close();
    await client.context.close();
  }
});

test('two engineers on one ticket see each other, the second is warned before replying, the customer sees neither', async ({
  browser,
  uniqueEmail,
}) => {
  test.setTimeout(90_000);
  const customer = await createUser(uniqueEmail('live-cust'));
  const ada = await createUser(uniqueEmail('live-ada'), 'engineer');
  const grace = await createUser(uniqueEmail('live-grace'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Live presence: PDF export is blank', preApproved: true });
  const first = await personAt(browser, ada, `/staff/tickets/${ticket.number}`);
  const second = await personAt(browser, grace, `/staff/tickets/${ticket.number}`);
  const client = await personAt(browser, customer, `/portal/tickets/${ticket.number}`);
  try {
    // Presence calls are paced (Realtime allows 5 per 30 s), so a change may take a few seconds to show.
    const slow = { timeout: 15_000 };
    await expect(first.page.getByText(`Also here: ${grace.email} (viewing)`)).toBeVisible(slow);
    await expect(second.page.getByText(`Also here: ${ada.email} (viewing)`)).toBeVisible(slow);

    await first.page.getByLabel('Your message (Markdown)').fill('Checking the PDF renderer logs now.');
    await expect(second.page.getByText(`Also here: ${ada.email} (replying)`)).toBeVisible(slow);

    // Grace starts to answer too: warned next to the composer, and asked before her reply goes out.
    await second.page.getByLabel('Your message (Markdown)').fill('Try printing to PDF from the browser meanwhile.');
    await expect(second.page.getByText(`${ada.email} is replying to this ticket right now.`)).toBeVisible();
    const axe = await new AxeBuilder({ page: second.page }).withTags(AXE_TAGS).analyze();
    expect(axe.violations, 'the presence line and the warning pass axe').toEqual([]);
    await second.page.getByRole('button', { name: 'Send reply' }).click();
    const confirm = second.page.getByRole('dialog', { name: 'Send while someone else is replying?' });
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Go back' }).click();
    await expect(confirm).toBeHidden();
    expect(await sql('select 1 from public.ticket_messages where ticket_id = $1', [ticket.id])).toHaveLength(0);
    await second.page.getByRole('button', { name: 'Send reply' }).click();
    await confirm.getByRole('button', { name: 'Send anyway' }).click();
    await expect(staffThread(second.page).filter({ hasText: 'printing to PDF' })).toBeVisible();
    await expect(customerThread(client.page).filter({ hasText: 'printing to PDF' })).toBeVisible();

    // Ada, whose composer still has her text, sees Grace as replying until Grace's composer empties and blurs.
    await second.page.getByRole('heading', { level: 1 }).click();
    await expect(first.page.getByText(`Also here: ${grace.email} (viewing)`)).toBeVisible(slow);

    // The customer's page shows no staff presence (its channel joins without presence; the database admits only staff to it).
    await expect(client.page.getByText(/Also here/)).toHaveCount(0);
    await expect(client.page.getByText(ada.email)).toHaveCount(0);
    await expect(client.page.getByText(grace.email)).toHaveCount(0);
  } finally {
    await Promise.all([first.context.close(), second.context.close(), client.context.close()]);
  }
});

test('offline: a banner, the other side’s changes meanwhile, and back online every one shows exactly once', async ({ browser, uniqueEmail }) => {
  test.setTimeout(90_000);
  const customer = await createUser(uniqueEmail('live-cust'));
  await giveCredits(customer.accountId, 50);
  const engineer = await createUser(uniqueEmail('live-eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Live offline: emails bounce', preApproved: true });
  const staff = await personAt(browser, engineer, `/staff/tickets/${ticket.number}`);

  const context = await browser.newContext();
  const sockets: WebSocketRoute[] = [];
  let refuse = false;
  const dead = new Set<WebSocketRoute>();
  await context.routeWebSocket(REALTIME_SOCKET, (ws) => {
    if (refuse) return void ws.close({ code: 1011, reason: 'no network' });
    sockets.push(ws);
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      if (!dead.has(ws)) return server.send(message);
      // The first frame written to a connection the server forgot while the laptop slept meets a reset.
      void ws.close({ code: 1011, reason: 'connection reset' });
      void server.close();
    });
    server.onMessage((message) => {
      if (!dead.has(ws)) ws.send(message);
    });
  });
  const page = await context.newPage();
  await signIn(page, customer.email, `/portal/tickets/${ticket.number}`);
  const banner = page.getByRole('status').filter({ hasText: 'You are offline.' });
  try {
    await expect(customerThread(page)).toHaveCount(1);
    await staffReply(staff.page, 'Before the trip: which mail provider do you use?');
    await expect(customerThread(page).filter({ hasText: 'which mail provider' })).toBeVisible();
    expect(sockets).toHaveLength(1);

    // The laptop sleeps: Chromium's offline mode leaves an open WebSocket open (and delivering), so the
    // socket is also silenced here, as a sleeping machine's is; new connections fail while offline.
    await context.setOffline(true);
    refuse = true;
    for (const ws of sockets) dead.add(ws);
    await expect(banner).toBeVisible();
    const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    expect(axe.violations, 'the banner passes axe').toEqual([]);

    await staffReply(staff.page, 'Meanwhile 1: the SPF record lacks our sender.');
    await staffReply(staff.page, 'Meanwhile 2: add include:mail.example.com to it.');
    await expect(page.getByText('Meanwhile 1')).toHaveCount(0);

    // It wakes: the network is back, the old socket is dead, new ones get through.
    refuse = false;
    await context.setOffline(false);
    await expect(customerThread(page).filter({ hasText: 'Meanwhile 1' })).toHaveCount(1);
    await expect(customerThread(page).filter({ hasText: 'Meanwhile 2' })).toHaveCount(1);
    await expect(banner).toBeHidden({ timeout: 15_000 });
    // A new socket was opened and the channel joined again: live again, no reload.
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    await staffReply(staff.page, 'After: it should deliver now.');
    await expect(customerThread(page).filter({ hasText: 'After: it should deliver now.' })).toHaveCount(1);
    // Nothing twice: the description and four replies.
    await expect(customerThread(page)).toHaveCount(5);
  } finally {
    await staff.context.close();
    await context.close();
  }
});

test('a dropped connection: the banner shows, and the rejoin catches up on what was said meanwhile, once', async ({ browser, uniqueEmail }) => {
  test.setTimeout(90_000);
  const customer = await createUser(uniqueEmail('live-cust'));
  const engineer = await createUser(uniqueEmail('live-eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Live drop: slow search', preApproved: true });
  const client = await personAt(browser, customer, `/portal/tickets/${ticket.number}`);

  // The engineer's socket goes through a route the test can cut: the server side closes, and for a while
  // reconnecting fails. No `offline` event: only the rejoin can tell the page to catch up.
  const context = await browser.newContext();
  const sockets: WebSocketRoute[] = [];
  let refuse = false;
  await context.routeWebSocket(REALTIME_SOCKET, (ws) => {
    if (refuse) return void ws.close({ code: 1011, reason: 'unreachable' });
    sockets.push(ws);
    ws.connectToServer();
  });
  const page = await context.newPage();
  await signIn(page, engineer.email, `/staff/tickets/${ticket.number}`);
  const banner = page.getByRole('status').filter({ hasText: 'You are offline.' });
  try {
    await customerReply(client.page, 'Search takes ten seconds.');
    await expect(staffThread(page).filter({ hasText: 'ten seconds' })).toBeVisible();

    refuse = true;
    for (const ws of sockets) await ws.close({ code: 1011, reason: 'network dropped' });
    await expect(banner).toBeVisible();
    await customerReply(client.page, 'Meanwhile: it is every search, not only the first.');
    await expect(page.getByText('Meanwhile: it is every search')).toHaveCount(0);

    refuse = false;
    await expect(staffThread(page).filter({ hasText: 'Meanwhile: it is every search' })).toHaveCount(1, { timeout: 20_000 });
    await expect(banner).toBeHidden();
    await expect(staffThread(page).filter({ hasText: 'ten seconds' })).toHaveCount(1);
  } finally {
    await client.context.close();
    await context.close();
  }
});

test('a reply sent while the page’s channel is still joining is not lost', async ({ browser, uniqueEmail }) => {
  const customer = await createUser(uniqueEmail('live-cust'));
  const engineer = await createUser(uniqueEmail('live-eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Live join gap: CSV import', preApproved: true });
  const staff = await personAt(browser, engineer, `/staff/tickets/${ticket.number}`);

  // The customer's page has read the thread; its join of ticket:<id> is held back until the engineer
  // has answered, as a slow join would be. The database's announcement of that answer reaches no one.
  const context = await browser.newContext();
  let releaseJoin!: () => void;
  const joinHeld = new Promise<void>((resolve) => (releaseJoin = resolve));
  let joinSeen!: () => void;
  const joinArrived = new Promise<void>((resolve) => (joinSeen = resolve));
  await context.routeWebSocket(REALTIME_SOCKET, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      if (typeof message === 'string' && message.includes(`realtime:ticket:${ticket.id}`) && message.includes('phx_join')) {
        joinSeen();
        void joinHeld.then(() => server.send(message));
      } else server.send(message);
    });
  });
  const page = await context.newPage();
  try {
    await signIn(page, customer.email, `/portal/tickets/${ticket.number}`);
    await joinArrived;
    await staffReply(staff.page, 'Sent while your page was still connecting.');
    releaseJoin();
    await expect(customerThread(page).filter({ hasText: 'Sent while your page was still connecting.' })).toHaveCount(1);
  } finally {
    await staff.context.close();
    await context.close();
  }
});

test('a private channel keeps delivering after the session’s token is refreshed', async ({ uniqueEmail }) => {
  // supabase-js hands each refreshed token to Realtime (`access_token` on every joined channel), which
  // checks the channel's permission again: the join must survive it, as the app's pages do for hours.
  const customer = await createUser(uniqueEmail('live-cust'));
  const engineer = await createUser(uniqueEmail('live-eng'), 'engineer');
  const ticket = await createTicket(customer, { subject: 'Live token refresh', preApproved: true });
  const realtime = customer.client.realtime;
  await realtime.setAuth();
  const received: unknown[] = [];
  const channel = customer.client.channel(`ticket:${ticket.id}`, { config: { private: true } });
  try {
    await new Promise<void>((resolve, reject) => {
      channel
        .on('broadcast', { event: 'changed' }, ({ payload }) => received.push(payload))
        .subscribe((status, error) => {
          if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) resolve();
          else if (status !== REALTIME_SUBSCRIBE_STATES.CLOSED) reject(error ?? new Error(status));
        });
    });
    const before = realtime.accessTokenValue;
    // A token minted in the same second as the old one could be the same token: let the clock pass it.
    const issuedAt = JSON.parse(Buffer.from(before!.split('.')[1]!, 'base64url').toString()).iat as number;
    await expect.poll(() => Date.now() / 1000 > issuedAt + 1).toBe(true);
    const { data, error } = await customer.client.auth.refreshSession();
    expect(error).toBeNull();
    // supabase-js passes the new token on by itself (TOKEN_REFRESHED), as in the browser.
    await expect.poll(() => realtime.accessTokenValue).toBe(data.session?.access_token);
    expect(data.session?.access_token).not.toBe(before);

    const reply = await engineer.client.rpc('post_message', { p_ticket_id: ticket.id, p_body: 'After the refresh.', p_internal: false });
    expect(reply.error).toBeNull();
    await expect.poll(() => received).toContainEqual(expect.objectContaining({ ticket_id: ticket.id, reason: 'message' }));
    expect(channel.state).toBe('joined');
  } finally {
    await customer.client.removeChannel(channel);
    await customer.client.removeAllChannels();
  }
});
