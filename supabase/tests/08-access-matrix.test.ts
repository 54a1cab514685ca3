/**
 * The access matrix: every exposed table and function × {anon, customer, another customer, engineer,
 * admin, the same engineer and admin signed in with their password alone (aal1: no second factor), service
 * role} × {select, insert, update, delete, execute}, generated into tests from the two tables below. To extend it, add a row (the coverage test fails until every exposed table and function
 * has one) and, for a new table or function, its fixture in `tableSpecs` / `functionSpecs`.
 *
 * The rows act on data owned by "customer", so "other" is another customer looking at it. Staff rights need
 * aal2, so "eng_aal1" and "admin_aal1" are customers of their own personal accounts: their cells are
 * "other"'s.
 * ✓ = allowed: select returns the row, a write changes exactly that row, a function succeeds.
 * · = denied: 42501 (no privilege or refused by the function), PT404 (not visible), or — for RLS-filtered
 *     select/update/delete — zero rows, with the row unchanged.
 * A SQLSTATE (e.g. PT403) = the call is allowed through but refused with that code.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  anonClient,
  assess,
  buyCredits,
  checkInvariantsAfterAll,
  createCast,
  createOrder,
  createPerson,
  createTicket,
  defined,
  ok,
  packageWith,
  type Person,
  serviceClient,
  signInWithPasswordOnly,
  sql,
  sqlRow,
} from './support.ts';

checkInvariantsAfterAll();

// prettier-ignore
const TABLES = `
  table                     | op     | anon | customer | other | engineer | admin | eng_aal1 | admin_aal1 | service
  profiles                  | select |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  profiles                  | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  profiles                  | update |  ·   |    ✓     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  profiles                  | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  accounts                  | select |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  accounts                  | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  accounts                  | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  accounts                  | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  account_members           | select |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  account_members           | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  account_members           | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  account_members           | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  credit_packages           | select |  ✓   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ✓
  credit_packages           | insert |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  credit_packages           | update |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  credit_packages           | delete |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  ticket_categories         | select |  ✓   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ✓
  ticket_categories         | insert |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  ticket_categories         | update |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  ticket_categories         | delete |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  product_releases          | select |  ✓   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ✓
  product_releases          | insert |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  product_releases          | update |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  product_releases          | delete |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  orders                    | select |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  orders                    | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  orders                    | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  orders                    | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  credit_transfers          | select |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  credit_transfers          | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  credit_transfers          | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  credit_transfers          | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  credit_entries            | select |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  credit_entries            | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  credit_entries            | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  credit_entries            | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  tickets                   | select |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  tickets                   | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  tickets                   | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  tickets                   | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  ticket_messages           | select |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  ticket_messages:internal  | select |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  ticket_messages           | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  ticket_messages           | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  ticket_messages           | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  ticket_events             | select |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  ticket_events:internal    | select |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  ticket_events             | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  ticket_events             | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  ticket_events             | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  notifications             | select |  ·   |    ✓     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  notifications             | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  notifications             | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  notifications             | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  reviews                   | select |  ✓   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ✓
  reviews                   | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  reviews                   | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  reviews                   | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  payment_events            | select |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  payment_events            | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  payment_events            | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  payment_events            | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  notification_preferences  | select |  ·   |    ✓     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  notification_preferences  | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  notification_preferences  | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  notification_preferences  | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  ticket_attachments        | select |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  ticket_attachments:internal | select |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ✓
  ticket_attachments:pending | select |  ·   |    ✓     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  ticket_attachments        | insert |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  ticket_attachments        | update |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  ticket_attachments        | delete |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
`;

// prettier-ignore
const FUNCTIONS = `
  function                  | anon | customer | other | engineer | admin | eng_aal1 | admin_aal1 | service
  upgrade_cost              |  ✓   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ✓
  default_pre_approval_ceiling |  ·   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ·
  create_ticket             |  ·   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ·
  confirm_quote             |  ·   |    ✓     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  decline_quote             |  ·   |    ✓     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  cancel_ticket             |  ·   |    ✓     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  post_message              |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  submit_review             |  ·   |    ✓     | PT403 |  PT403   | PT403 |   PT403  |   PT403   |    ·
  mark_notifications_read   |  ·   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ·
  assess_ticket             |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  reassess_ticket           |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  split_ticket              |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  resolve_ticket            |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  assign_ticket             |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  refund_ticket             |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  preview_quote             |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  staff_queue               |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  staff_queue_counts        |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  adjust_credits            |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  admin_mark_order_refunded |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  admin_resolve_payment_event |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  set_user_role             |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  move_release              |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  service_role_fulfil_order |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  service_role_fail_order   |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  service_role_open_order   |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  service_role_settle_test_order |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  service_role_attach_checkout_session |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  record_payment_event      |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  my_notification_preferences |  ·   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ·
  set_notification_preference |  ·   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ·
  unsubscribe_by_token      |  ✓   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ✓
  admin_mail_failures       |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  admin_retry_mail          |  ·   |    ·     |   ·   |    ·     |   ✓   |   ·      |   ·       |    ·
  service_role_claim_mail   |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  service_role_mail_sent    |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  service_role_mail_failed  |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  service_role_build_digests |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  service_role_reply_by_email |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  attachment_limits         |  ·   |    ✓     |   ✓   |    ✓     |   ✓   |   ✓      |   ✓       |    ·
  begin_attachment          |  ·   |    ✓     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  complete_attachment       |  ·   |    ✓     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  attach_to_message         |  ·   |    ✓     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  set_attachment_internal   |  ·   |    ·     |   ·   |    ✓     |   ✓   |   ·      |   ·       |    ·
  discard_attachment        |  ·   |    ✓     |   ·   |    ·     |   ·   |   ·      |   ·       |    ·
  service_role_stale_attachments |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
  service_role_forget_attachments |  ·   |    ·     |   ·   |    ·     |   ·   |   ·      |   ·       |    ✓
`;

const ACTORS = ['anon', 'customer', 'other', 'engineer', 'admin', 'eng_aal1', 'admin_aal1', 'service'] as const;
type Actor = (typeof ACTORS)[number];
type Op = 'select' | 'insert' | 'update' | 'delete';
/** 'allow', 'deny', or the SQLSTATE a call is refused with. */
type Expected = string;

function parse(text: string): Array<{ row: [string, ...string[]]; cells: Record<Actor, Expected> }> {
  const lines = text.trim().split('\n').slice(1);
  return lines.map((line) => {
    const columns = line.split('|').map((cell) => cell.trim());
    const cellsText = columns.slice(-ACTORS.length);
    if (cellsText.length !== ACTORS.length || columns.length <= ACTORS.length) throw new Error(`bad matrix row: ${line}`);
    const cells = Object.fromEntries(
      ACTORS.map((actor, index) => {
        const mark = cellsText[index] ?? '';
        return [actor, mark === '✓' ? 'allow' : mark === '·' ? 'deny' : mark];
      }),
    ) as Record<Actor, Expected>;
    return { row: columns.slice(0, -ACTORS.length) as [string, ...string[]], cells };
  });
}

const tableRows = parse(TABLES).flatMap(({ row: [name, op = ''], cells }) =>
  ACTORS.map((actor) => ({ name, op: op as Op, actor, expected: cells[actor] })),
);
const functionRows = parse(FUNCTIONS).flatMap(({ row: [name], cells }) =>
  ACTORS.map((actor) => ({ name, actor, expected: cells[actor] })),
);

/** Section - fixtures */

let customer: Person;
let other: Person;
let engineer: Person;
let admin: Person;
/** The same engineer and admin signed in with their password alone (aal1), as a stolen password would. */
let engineerAal1: SupabaseClient;
let adminAal1: SupabaseClient;
let reviewTarget: Person;
const ids = {} as Record<
  | 'order'
  | 'pendingOrder'
  | 'ticket'
  | 'message'
  | 'internalMessage'
  | 'review'
  | 'transfer'
  | 'notification'
  | 'paymentEvent'
  | 'package'
  | 'attachment'
  | 'internalAttachment'
  | 'pendingAttachment',
  string
>;
let entryId: number;
let eventId: number;
let internalEventId: number;

function client(actor: Actor): SupabaseClient {
  switch (actor) {
    case 'anon':
      return anonClient();
    case 'service':
      return serviceClient();
    case 'customer':
      return customer.client;
    case 'other':
      return other.client;
    case 'engineer':
      return engineer.client;
    case 'admin':
      return admin.client;
    case 'eng_aal1':
      return engineerAal1;
    case 'admin_aal1':
      return adminAal1;
  }
}

beforeAll(async () => {
  ({ customer, engineer, admin } = await createCast());
  [other, reviewTarget] = await Promise.all([createPerson(), createPerson()]);
  [engineerAal1, adminAal1] = await Promise.all([signInWithPasswordOnly(engineer), signInWithPasswordOnly(admin)]);
  ids.order = await buyCredits(customer, 25);
  await adjustCredits(admin, customer.accountId, 1000);
  ids.pendingOrder = (await createOrder(customer, 25)).id;
  const created = await createTicket(customer, true);
  ids.ticket = created.id;
  await assess(engineer, created.id, 'configuration');
  ok(await engineer.client.rpc('assign_ticket', { p_ticket_id: created.id, p_assignee_id: admin.userId }), 'assign');
  ids.message = ok(
    await customer.client.rpc('post_message', { p_ticket_id: created.id, p_body: 'Customer message' }).single<{ id: string }>(),
    'message',
  ).id;
  ids.internalMessage = ok(
    await engineer.client
      .rpc('post_message', { p_ticket_id: created.id, p_body: 'Staff note', p_internal: true })
      .single<{ id: string }>(),
    'internal note',
  ).id;
  ids.review = ok(
    await customer.client.rpc('submit_review', { p_rating: 5, p_title: 'Matrix review', p_body: 'Fine.' }).single<{ id: string }>(),
    'review',
  ).id;
  const transfer = await sqlRow<{ id: string }>('select id from public.credit_transfers where order_id = $1', [ids.order]);
  ids.transfer = transfer.id;
  ({ id: entryId } = await sqlRow<{ id: number }>('select id from public.credit_entries where transfer_id = $1 and account_id = $2', [
    transfer.id,
    customer.accountId,
  ]));
  ({ id: eventId } = await sqlRow<{ id: number }>("select id from public.ticket_events where ticket_id = $1 and kind = 'created'", [
    created.id,
  ]));
  ({ id: internalEventId } = await sqlRow<{ id: number }>(
    "select id from public.ticket_events where ticket_id = $1 and kind = 'assigned'",
    [created.id],
  ));
  const notice = await sqlRow<{ id: string }>('select id from public.notifications where user_id = $1 limit 1', [customer.userId]);
  ids.notification = notice.id;
  ids.paymentEvent = `evt_matrix_${randomUUID()}`;
  await sql("insert into public.payment_events (id, type) values ($1, 'checkout.session.completed')", [ids.paymentEvent]);
  ids.package = (await packageWith(25)).id;
  ids.attachment = await attachmentOf(customer, 'ready');
  ids.internalAttachment = await attachmentOf(customer, 'ready', true);
  ids.pendingAttachment = await attachmentOf(customer, 'pending');
  // One preference row of the customer's (the functions below add more, after the table cells ran).
  await sql("insert into public.notification_preferences (user_id, kind, delivery) values ($1, 'charged', 'daily')", [customer.userId]);
});

/** Catalogue rows the matrix added (inserts it allowed, disposables it denied) go; the seed stays as it was. */
afterAll(async () => {
  await sql("delete from public.credit_packages where name like 'Matrix %' or name = 'Disposable'");
  await sql("delete from public.ticket_categories where name in ('Matrix', 'Disposable')");
  await sql("delete from public.product_releases where version like '9.%'");
});

/**
 * An attachment row of the customer's on the matrix ticket, written as the console would; 'pending' ones
 * also get their object row (its bytes do not matter to the functions, which read the row).
 */
async function attachmentOf(person: Person, status: 'ready' | 'pending', internal = false, withObject = false): Promise<string> {
  const row = await sqlRow<{ id: string; object_name: string }>(
    `insert into public.ticket_attachments (id, ticket_id, account_id, object_name, file_name, content_type, size_bytes, internal, status, uploaded_by, completed_at)
     select g, t.id, t.account_id, t.id || '/' || g, 'matrix.txt', 'text/plain', 1, $2::boolean, $3::text, $4::uuid,
            case when $3::text = 'ready' then now() end
     from gen_random_uuid() g, public.tickets t where t.id = $1::uuid
     returning id, object_name`,
    [ids.ticket, internal, status, person.userId],
  );
  if (withObject) {
    await sql(`insert into storage.objects (bucket_id, name, metadata) values ('attachments', $1, '{"size": 1, "mimetype": "text/plain"}')`, [row.object_name]);
  }
  return row.id;
}

interface TableSpec {
  key: string;
  /** The key of the row select/update act on. */
  target: () => string | number;
  /** A row to insert as this actor (valid where the cell allows it). */
  insert: (actor: Actor) => Record<string, unknown>;
  patch: () => Record<string, unknown>;
  /** A fresh row for delete cells, when deleting the shared target would hurt other cells. */
  disposable?: () => Promise<string>;
}

const uniqueVersion = () => `9.${Math.floor(Math.random() * 9000) + 1000}.${Math.floor(Math.random() * 9000) + 1000}`;

const tableSpecs: Record<string, TableSpec> = {
  profiles: {
    key: 'id',
    target: () => customer.userId,
    insert: () => ({ id: randomUUID(), email: 'forged@example.test', full_name: 'Forged' }),
    patch: () => ({ full_name: `Matrix ${randomUUID().slice(0, 6)}` }),
  },
  accounts: {
    key: 'id',
    target: () => customer.accountId,
    insert: () => ({ name: 'Forged wallet', balance: 1_000_000 }),
    patch: () => ({ balance: 1_000_000 }),
  },
  account_members: {
    key: 'account_id',
    target: () => customer.accountId,
    insert: () => ({ account_id: customer.accountId, user_id: other.userId, role: 'owner' }),
    patch: () => ({ role: 'member' }),
  },
  credit_packages: {
    key: 'id',
    target: () => ids.package,
    insert: () => ({ name: `Matrix ${randomUUID()}`, credits: 1, price_cents: 1, active: false }),
    patch: () => ({ name: '25 credits' }),
    disposable: async () => {
      const row = await sqlRow<{ id: string }>(
        "insert into public.credit_packages (name, credits, price_cents, active) values ('Disposable', 1, 1, false) returning id",
      );
      return row.id;
    },
  },
  ticket_categories: {
    key: 'code',
    target: () => 'question',
    insert: () => ({ code: `m_${randomUUID().slice(0, 8)}`, level: 1, name: 'Matrix', credits: 1 }),
    patch: () => ({ name: 'Question' }),
    disposable: async () => {
      const code = `d_${randomUUID().slice(0, 8)}`;
      await sql("insert into public.ticket_categories (code, level, name, credits) values ($1, 1, 'Disposable', 1)", [code]);
      return code;
    },
  },
  product_releases: {
    key: 'version',
    target: () => '4.3.1',
    insert: () => ({ version: uniqueVersion() }),
    patch: () => ({ version: '4.3.1' }),
    disposable: async () => {
      const version = uniqueVersion();
      await sql('insert into public.product_releases (version) values ($1)', [version]);
      return version;
    },
  },
  orders: {
    key: 'id',
    target: () => ids.order,
    insert: () => ({
      account_id: customer.accountId,
      user_id: customer.userId,
      package_id: ids.package,
      credits: 25,
      amount_cents: 10_000,
      currency: 'usd',
      status: 'pending',
      provider: 'test',
    }),
    patch: () => ({ provider_session_id: `cs_matrix_${randomUUID()}` }),
    disposable: async () => (await createOrder(customer, 25)).id,
  },
  credit_transfers: {
    key: 'id',
    target: () => ids.transfer,
    insert: () => ({
      from_account_id: customer.accountId,
      to_account_id: other.accountId,
      amount: 1,
      kind: 'adjustment',
      idempotency_key: `forged:${randomUUID()}`,
    }),
    patch: () => ({ amount: 1000 }),
  },
  credit_entries: {
    key: 'id',
    target: () => entryId,
    insert: () => ({ transfer_id: ids.transfer, account_id: customer.accountId, amount: 1000, balance_after: 1000 }),
    patch: () => ({ amount: 1000 }),
  },
  tickets: {
    key: 'id',
    target: () => ids.ticket,
    insert: () => ({ account_id: customer.accountId, created_by: customer.userId, subject: 'Forged', body: 'x', pre_approved: true }),
    patch: () => ({ status: 'resolved', charged_credits: 0 }),
  },
  ticket_messages: {
    key: 'id',
    target: () => ids.message,
    insert: () => ({ ticket_id: ids.ticket, account_id: customer.accountId, author_id: customer.userId, body: 'Forged' }),
    patch: () => ({ body: 'Edited' }),
  },
  'ticket_messages:internal': {
    key: 'id',
    target: () => ids.internalMessage,
    insert: () => ({}),
    patch: () => ({}),
  },
  ticket_events: {
    key: 'id',
    target: () => eventId,
    insert: () => ({ ticket_id: ids.ticket, account_id: customer.accountId, kind: 'resolved' }),
    patch: () => ({ kind: 'canceled' }),
  },
  'ticket_events:internal': {
    key: 'id',
    target: () => internalEventId,
    insert: () => ({}),
    patch: () => ({}),
  },
  notifications: {
    key: 'id',
    target: () => ids.notification,
    insert: () => ({ user_id: customer.userId, kind: 'credits_added', title: 'Forged', body: '' }),
    patch: () => ({ title: 'Edited' }),
  },
  reviews: {
    key: 'id',
    target: () => ids.review,
    insert: () => ({ author_id: reviewTarget.userId, author_name: 'Forged', rating: 5, title: 'Forged', body: 'Forged' }),
    patch: () => ({ rating: 1 }),
  },
  notification_preferences: {
    key: 'user_id',
    target: () => customer.userId,
    insert: () => ({ user_id: customer.userId, kind: 'resolved', delivery: 'never' }),
    patch: () => ({ delivery: 'never' }),
  },
  ticket_attachments: {
    key: 'id',
    target: () => ids.attachment,
    insert: () => ({
      ticket_id: ids.ticket,
      account_id: customer.accountId,
      object_name: `${ids.ticket}/forged`,
      file_name: 'forged.txt',
      content_type: 'text/plain',
      size_bytes: 1,
    }),
    patch: () => ({ internal: true, status: 'pending', completed_at: null }),
    disposable: () => attachmentOf(customer, 'ready'),
  },
  'ticket_attachments:internal': {
    key: 'id',
    target: () => ids.internalAttachment,
    insert: () => ({}),
    patch: () => ({}),
  },
  'ticket_attachments:pending': {
    key: 'id',
    target: () => ids.pendingAttachment,
    insert: () => ({}),
    patch: () => ({}),
  },
  payment_events: {
    key: 'id',
    target: () => ids.paymentEvent,
    insert: () => ({ id: `evt_${randomUUID()}`, type: 'checkout.session.completed' }),
    patch: () => ({ processed_at: new Date().toISOString() }),
  },
};

function tableOf(name: string): string {
  return name.split(':')[0] ?? name;
}

async function snapshot(name: string, key: string, value: string | number): Promise<unknown> {
  const rows = await sql(`select to_jsonb(t) as row from public.${tableOf(name)} t where ${key} = $1`, [value]);
  return rows[0]?.row;
}

function classify(
  error: { code?: string } | null,
  rows: number | null,
): Expected {
  if (error) return error.code === '42501' || error.code === 'PT404' ? 'deny' : `error ${error.code}`;
  return rows === 0 ? 'deny' : 'allow';
}

describe('tables', () => {
  it.each(tableRows.map((row) => [row.name, row.op, row.actor, row.expected, row] as const))(
    '%s %s as %s: %s',
    async (_name, _op, _actor, _expected, { name, op, actor, expected }) => {
    const spec = defined(tableSpecs[name], `a fixture for ${name}`);
    const table = tableOf(name);
    const api = client(actor).from(table);
    if (op === 'select') {
      const result = await api.select(spec.key).eq(spec.key, spec.target());
      expect(classify(result.error, result.data?.length ?? null), `${actor} selects from ${name}`).toBe(expected);
      if (expected === 'allow') expect(result.data, 'exactly the target row').toHaveLength(1);
      return;
    }
    if (op === 'insert') {
      const result = await api.insert(spec.insert(actor));
      const outcome = result.error ? (result.error.code === '42501' ? 'deny' : `error ${result.error.code}`) : 'allow';
      expect(outcome, `${actor} inserts into ${name}${result.error ? ` (${result.error.message})` : ''}`).toBe(expected);
      return;
    }
    const target = op === 'delete' && spec.disposable ? await spec.disposable() : spec.target();
    const before = await snapshot(name, spec.key, target);
    expect(before, `the ${name} row exists before`).toBeDefined();
    const result =
      op === 'update'
        ? await api.update(spec.patch()).eq(spec.key, target).select(spec.key)
        : await api.delete().eq(spec.key, target).select(spec.key);
    const outcome = classify(result.error, result.data?.length ?? null);
    expect(outcome, `${actor} ${op}s ${name}`).toBe(expected);
    const after = await snapshot(name, spec.key, target);
    if (outcome === 'deny') expect(after, `a denied ${op} leaves the row as it was`).toEqual(before);
    if (outcome === 'allow' && op === 'delete') expect(after, 'the row is gone').toBeUndefined();
    },
  );
});

/** Section - functions: each cell gets fresh state and the arguments for its call. */

type Args = Record<string, unknown>;

async function assessedTicket(): Promise<string> {
  const created = await createTicket(customer, true);
  await assess(engineer, created.id, 'question');
  return created.id;
}

async function quotedTicket(): Promise<string> {
  const created = await createTicket(customer, false);
  await assess(engineer, created.id, 'configuration');
  return created.id;
}

const functionSpecs: Record<string, (actor: Actor) => Promise<Args>> = {
  upgrade_cost: async () => ({ p_from: '4.3.1', p_to: '4.3.9' }),
  default_pre_approval_ceiling: async () => ({}),
  create_ticket: async () => ({ p_subject: 'Matrix ticket', p_body: 'Body', p_pre_approved: false }),
  confirm_quote: async () => ({ p_ticket_id: await quotedTicket(), p_credits: 10 }),
  decline_quote: async () => ({ p_ticket_id: await quotedTicket() }),
  cancel_ticket: async () => ({ p_ticket_id: (await createTicket(customer, false)).id }),
  post_message: async () => ({ p_ticket_id: ids.ticket, p_body: 'Matrix message' }),
  submit_review: async () => ({ p_rating: 4, p_title: 'Matrix review', p_body: 'Fine.' }),
  mark_notifications_read: async () => ({ p_ids: null }),
  assess_ticket: async () => ({ p_ticket_id: (await createTicket(customer, true)).id, p_category: 'question' }),
  reassess_ticket: async () => ({ p_ticket_id: await assessedTicket(), p_category: 'configuration', p_reason: 'More work' }),
  split_ticket: async () => ({ p_ticket_id: ids.ticket, p_subject: 'Split question', p_body: 'Another issue' }),
  resolve_ticket: async () => ({ p_ticket_id: await assessedTicket() }),
  assign_ticket: async () => ({ p_ticket_id: (await createTicket(customer, true)).id, p_assignee_id: engineer.userId }),
  refund_ticket: async () => ({ p_ticket_id: await assessedTicket(), p_credits: 1, p_reason: 'Matrix refund', p_idempotency_key: randomUUID() }),
  preview_quote: async () => ({ p_ticket_id: (await createTicket(customer, true)).id, p_category: 'question' }),
  staff_queue: async () => ({ p_status: 'all', p_search: customer.email }),
  staff_queue_counts: async () => ({}),
  adjust_credits: async () => ({ p_account_id: customer.accountId, p_amount: 1, p_note: 'Matrix adjustment', p_idempotency_key: randomUUID() }),
  // A paid order that could not be credited: its buyer is at the maximum balance.
  admin_mark_order_refunded: async () => {
    const full = await createPerson();
    await adjustCredits(admin, full.accountId, 1_000_000);
    const order = await createOrder(full, 25);
    await serviceClient().rpc('service_role_fulfil_order', { p_order_id: order.id, p_provider_payment_id: 'pay_matrix_full' }).throwOnError();
    return { p_order_id: order.id, p_note: 'Refunded in the provider dashboard' };
  },
  admin_resolve_payment_event: async () => {
    const eventId = `evt_matrix_${randomUUID()}`;
    await sql("insert into public.payment_events (id, type, problem) values ($1, 'checkout.session.completed', 'Amount mismatch')", [eventId]);
    return { p_event_id: eventId, p_note: 'Refunded in the provider dashboard' };
  },
  set_user_role: async () => ({ p_user_id: reviewTarget.userId, p_role: 'customer' }),
  // Two releases of the matrix's own after the seed (afterAll removes 9.*), so a move never reorders the seed.
  move_release: async () => {
    const [earlier, later] = [uniqueVersion(), uniqueVersion()];
    await sql('insert into public.product_releases (version) values ($1)', [earlier]);
    await sql('insert into public.product_releases (version) values ($1)', [later]);
    return { p_version: later, p_direction: 'up' };
  },
  service_role_fulfil_order: async () => ({ p_order_id: (await createOrder(customer, 25)).id, p_provider_payment_id: 'pay_matrix' }),
  service_role_fail_order: async () => ({ p_order_id: (await createOrder(customer, 25)).id, p_reason: 'expired' }),
  service_role_open_order: async () => ({
    p_user_id: customer.userId,
    p_package_id: (await packageWith(50)).id,
    p_provider: 'test',
  }),
  service_role_settle_test_order: async () => ({
    p_user_id: customer.userId,
    p_order_id: (await createOrder(customer, 25)).id,
    p_outcome: 'canceled',
  }),
  service_role_attach_checkout_session: async () => {
    const order = await createOrder(customer, 25);
    await sql("update public.orders set provider = 'stripe' where id = $1", [order.id]);
    return { p_order_id: order.id, p_session_id: `cs_matrix_${randomUUID()}` };
  },
  // An event of a type nobody acts on: allowed means recorded, so a fresh id for each call.
  record_payment_event: async () => ({ p_event: { id: `evt_matrix_${randomUUID()}`, type: 'customer.created', data: { object: {} } } }),
  my_notification_preferences: async () => ({}),
  // A kind of each caller's own audience (staff choose staff mails), so allowed means stored. Choosing how
  // one's own mail arrives is no staff right, so staff at aal1 may do it too.
  set_notification_preference: async (actor) => ({
    p_kind: ['engineer', 'admin', 'eng_aal1', 'admin_aal1'].includes(actor) ? 'new_ticket' : 'answered',
    p_delivery: 'daily',
  }),
  unsubscribe_by_token: async () => ({ p_token: await mailToken('unsubscribe'), p_kind: 'resolved' }),
  admin_mail_failures: async () => ({}),
  admin_retry_mail: async () => ({ p_id: await matrixMail('dead') }),
  // The service role's claim takes the oldest due mail: the one made here, due long ago, so the matrix
  // never takes another test's mail.
  service_role_claim_mail: async (actor) => {
    if (actor === 'service') await matrixMail('pending');
    return { p_limit: 1 };
  },
  service_role_mail_sent: async () => ({ p_id: await matrixMail('sending'), p_provider_id: 'matrix' }),
  service_role_mail_failed: async () => ({ p_id: await matrixMail('sending'), p_error: '451 later', p_permanent: false }),
  service_role_build_digests: async () => ({}),
  service_role_reply_by_email: async () => ({
    p_token: await mailToken('reply'),
    p_from: customer.email,
    p_text: 'Matrix reply',
    p_message_id: `<${randomUUID()}@matrix.test>`,
  }),
  attachment_limits: async () => ({}),
  begin_attachment: async () => ({ p_ticket_id: ids.ticket, p_file_name: 'matrix.txt', p_content_type: 'text/plain', p_size_bytes: 1 }),
  complete_attachment: async () => ({ p_id: await attachmentOf(customer, 'pending', false, true) }),
  // The customer's fresh message and a finished file of theirs.
  attach_to_message: async () => ({
    p_message_id: ok(
      await customer.client.rpc('post_message', { p_ticket_id: ids.ticket, p_body: 'Matrix files' }).single<{ id: string }>(),
      'message',
    ).id,
    p_attachment_ids: [await attachmentOf(customer, 'ready')],
  }),
  set_attachment_internal: async () => ({ p_id: await attachmentOf(customer, 'ready'), p_internal: true }),
  discard_attachment: async () => ({ p_id: await attachmentOf(customer, 'pending') }),
  service_role_stale_attachments: async () => ({ p_limit: 1 }),
  service_role_forget_attachments: async () => ({ p_ids: [] }),
};

async function mailToken(purpose: 'unsubscribe' | 'reply'): Promise<string> {
  const row = await sqlRow<{ token: string }>('select app.mail_token($1, $2, $3) as token', [
    purpose,
    customer.userId,
    purpose === 'reply' ? ids.ticket : null,
  ]);
  return row.token;
}

/** An outbox row of the matrix's own in a given state, due long ago. */
async function matrixMail(status: string): Promise<number> {
  const row = await sqlRow<{ id: number }>(
    `insert into app.mail_outbox (dedupe_key, kind, user_id, to_email, status, attempts, next_attempt_at, locked_until)
     values ($1, 'resolved', $2, lower($3), $4, 1, '1990-01-01', case when $4 = 'sending' then now() + interval '1 hour' end)
     returning id::int as id`,
    [`matrix:${randomUUID()}`, customer.userId, customer.email, status],
  );
  return row.id;
}

describe('functions', () => {
  it.each(functionRows.map((row) => [row.name, row.actor, row.expected, row] as const))(
    '%s as %s: %s',
    async (_name, _actor, _expected, { name, actor, expected }) => {
    const setup = defined(functionSpecs[name], `a fixture for ${name}`);
    const result = await client(actor).rpc(name, await setup(actor));
    const outcome = result.error
      ? result.error.code === '42501' || result.error.code === 'PT404'
        ? 'deny'
        : result.error.code
      : 'allow';
    expect(outcome, `${actor} executes ${name}${result.error ? ` (${result.error.message}: ${result.error.details})` : ''}`).toBe(
      expected,
    );
    },
  );
});

/** The stack's own conformance suite adds `conf_*` tables and functions to the same database; they are not Pro Portal's. */
const CONFORMANCE_FIXTURE = /^conf_/;

describe('coverage', () => {
  it('every table in public has matrix rows for select, insert, update and delete', async () => {
    const tables = await sql<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' and table_type in ('BASE TABLE', 'VIEW') order by 1",
    );
    const covered = new Set(tableRows.map((row) => `${tableOf(row.name)}:${row.op}`));
    const missing = tables.filter(({ name }) => !CONFORMANCE_FIXTURE.test(name)).flatMap(({ name }) =>
      (['select', 'insert', 'update', 'delete'] as const).filter((op) => !covered.has(`${name}:${op}`)).map((op) => `${name} ${op}`),
    );
    expect(missing, 'tables or operations without a row in the matrix').toEqual([]);
  });

  it('every function callable through the API has a matrix row', async () => {
    const functions = await sql<{ name: string }>(
      `select distinct p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.prorettype <> 'trigger'::regtype and p.prokind = 'f' order by 1`,
    );
    const covered = new Set(functionRows.map((row) => row.name));
    expect(
      functions.map((row) => row.name).filter((name) => !covered.has(name) && !CONFORMANCE_FIXTURE.test(name)),
      'functions without a row in the matrix',
    ).toEqual([]);
  });
});
