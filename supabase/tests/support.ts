/**
 * Shared fixtures for the database tests (supabase/tests): people in each role, credits, tickets in a
 * given state, and readers for what a step must have changed (balance, ledger, ticket, events,
 * notifications). Actions go through supabase-js as the app sends them; checks read the database as
 * `postgres` (the console), so a check never depends on the RLS it is checking.
 */
import type { PostgrestError, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, expect } from 'vitest';
import { anonClient, serviceClient, sql, uniqueEmail } from '@pro-portal/supabase-local/testing/helpers';
import { enrolTotp } from './staff-factor.ts';

export { anonClient, serviceClient, sql, stack, uniqueEmail } from '@pro-portal/supabase-local/testing/helpers';
export { enrolTotp } from './staff-factor.ts';

export type Role = 'customer' | 'engineer' | 'admin';

export interface Person {
  client: SupabaseClient;
  userId: string;
  email: string;
  /** The personal credit account made at sign-up. */
  accountId: string;
  role: Role;
  /** Staff only: the secret of their verified TOTP factor, for a test that signs them in again. */
  totpSecret?: string;
}

export const PASSWORD = 'correct-horse-battery';

/**
 * A person as the app's admin tooling makes one: created through the Auth admin API (confirmed), then —
 * for staff — promoted the way the console does it, then signed in with a password like a browser.
 * Staff then enrol a TOTP factor and verify a code, as the portal makes them, so their session is `aal2`
 * and the tests exercise staff rights; `signInWithPasswordOnly` gives the `aal1` session a stolen
 * password would.
 */
export async function createPerson(role: Role = 'customer', fullName = `Test ${role}`): Promise<Person> {
  const email = uniqueEmail(role);
  const created = await serviceClient().auth.admin.createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
    user_metadata: { full_name: fullName },
  });
  if (created.error || !created.data.user) throw new Error(`createUser failed: ${created.error?.message}`);
  const userId = created.data.user.id;
  if (role !== 'customer') await sql('update public.profiles set role = $2 where id = $1', [userId, role]);
  const client = anonClient();
  const signedIn = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (signedIn.error) throw new Error(`sign-in failed: ${signedIn.error.message}`);
  const totpSecret = role === 'customer' ? undefined : await enrolTotp(client);
  const membership = await sqlRow<{ account_id: string }>(
    "select account_id from public.account_members where user_id = $1 and role = 'owner'",
    [userId],
  );
  return { client, userId, email, accountId: membership.account_id, role, totpSecret };
}

/** A new client signed in as `person` with the password alone: `aal1`, even when they have a factor. */
export async function signInWithPasswordOnly(person: Person): Promise<SupabaseClient> {
  const client = anonClient();
  const signedIn = await client.auth.signInWithPassword({ email: person.email, password: PASSWORD });
  if (signedIn.error) throw new Error(`sign-in failed: ${signedIn.error.message}`);
  return client;
}

/** One customer, one engineer and one admin: the cast of most tests. */
export async function createCast(): Promise<{ customer: Person; engineer: Person; admin: Person }> {
  const [customer, engineer, admin] = await Promise.all([
    createPerson('customer'),
    createPerson('engineer'),
    createPerson('admin'),
  ]);
  return { customer, engineer, admin };
}

/** The result of a supabase-js call, asserted to have succeeded; returns its data. */
export function ok<R extends { data: unknown; error: PostgrestError | null }>(result: R, what: string): NonNullable<R['data']> {
  expect(result.error, `${what}: expected success`).toBeNull();
  return result.data as NonNullable<R['data']>;
}

/** A value that must be there (a row, a list item), asserted and narrowed. */
export function defined<T>(value: T | undefined, what: string): T {
  expect(value, `${what}: expected to exist`).toBeDefined();
  return value as T;
}

/** Asserts docs/design.md §5's error: SQLSTATE in `code` and the stable code in `message`. */
export function expectError(
  result: { error: PostgrestError | null },
  code: string,
  message: string | undefined,
  what: string,
): void {
  expect(result.error, `${what}: expected an error`).not.toBeNull();
  expect(result.error?.code, `${what}: SQLSTATE`).toBe(code);
  if (message !== undefined) expect(result.error?.message, `${what}: stable message code`).toBe(message);
}

/** A package of exactly `credits` (the seed has 25, 50, 100, 200, 300, 400, 500). */
export async function packageWith(credits: number): Promise<{ id: string; price_cents: number; currency: string }> {
  return sqlRow<{ id: string; price_cents: number; currency: string }>(
    'select id, price_cents, currency from public.credit_packages where credits = $1 and active order by sort_order limit 1',
    [credits],
  );
}

/**
 * A pending order inserted with the service role, price read server-side. An account has at most one
 * pending order per package, so each order here is for a private, unlisted copy of the package of
 * `credits` (same credits and price): a test can hold several pending orders at once.
 */
export async function createOrder(person: Person, credits = 25): Promise<{ id: string; credits: number; amount_cents: number }> {
  const seeded = await packageWith(credits);
  const pkg = await sqlRow<{ id: string; price_cents: number; currency: string }>(
    `insert into public.credit_packages (name, credits, price_cents, currency, active)
     values ($1, $2, $3, $4, false) returning id, price_cents, currency`,
    [`Test copy of ${credits} credits`, credits, seeded.price_cents, seeded.currency],
  );
  // As the console would: the service role may not write orders itself (only service_role_open_order
  // may, and it sells active packages only), and this order is for a package no one can buy.
  return sqlRow<{ id: string; credits: number; amount_cents: number }>(
    `insert into public.orders (account_id, user_id, package_id, credits, amount_cents, currency, status, provider)
     values ($1, $2, $3, $4, $5, $6, 'pending', 'test') returning id, credits, amount_cents`,
    [person.accountId, person.userId, pkg.id, credits, pkg.price_cents, pkg.currency],
  );
}

/** A completed purchase: pending order, then the payment provider's confirmation (service role). */
export async function buyCredits(person: Person, credits = 25): Promise<string> {
  const order = await createOrder(person, credits);
  ok(
    await serviceClient().rpc('service_role_fulfil_order', {
      p_order_id: order.id,
      p_provider_payment_id: `pay_${order.id}`,
    }),
    'service_role_fulfil_order',
  );
  return order.id;
}

/** An admin's credit adjustment (any amount, so a test can set up an exact balance). */
export async function adjustCredits(admin: Person, accountId: string, amount: number, note = 'test setup'): Promise<void> {
  ok(await admin.client.rpc('adjust_credits', { p_account_id: accountId, p_amount: amount, p_note: note, p_idempotency_key: crypto.randomUUID() }), 'adjust_credits');
}

/** A new customer whose balance an admin set to `credits` (none when 0). */
export async function createCustomerWith(admin: Person, credits: number): Promise<Person> {
  const customer = await createPerson();
  if (credits > 0) await adjustCredits(admin, customer.accountId, credits);
  return customer;
}

export interface TicketRow {
  id: string;
  number: number;
  account_id: string;
  created_by: string;
  status: string;
  category: string | null;
  quoted_credits: number | null;
  charged_credits: number;
  pre_approved: boolean;
  parent_id: string | null;
  assignee_id: string | null;
  upgrade_from: string | null;
  upgrade_to: string | null;
  subject: string;
}

export async function createTicket(
  person: Person,
  preApproved: boolean,
  extra: Record<string, unknown> = {},
): Promise<TicketRow> {
  return ok(
    await person.client
      .rpc('create_ticket', {
        p_subject: 'The export button does nothing',
        p_body: 'Since this morning, clicking Export on the orders page does nothing.',
        p_pre_approved: preApproved,
        ...extra,
      })
      .single<TicketRow>(),
    'create_ticket',
  );
}

export async function assess(
  engineer: Person,
  ticketId: string,
  category: string,
  credits: number | null = null,
): Promise<TicketRow> {
  return ok(
    await engineer.client
      .rpc('assess_ticket', { p_ticket_id: ticketId, p_category: category, p_credits: credits })
      .single<TicketRow>(),
    `assess_ticket as ${category}`,
  );
}

/** Section - readers (as the console) */

/** The one row a console query must return. */
export async function sqlRow<T>(text: string, values: unknown[] = []): Promise<T> {
  const [row] = (await sql(text, values)) as T[];
  if (!row) throw new Error(`no row from: ${text}`);
  return row;
}

export async function balance(accountId: string): Promise<number> {
  return (await sqlRow<{ balance: number }>('select balance from public.accounts where id = $1', [accountId])).balance;
}

export async function ticket(ticketId: string): Promise<TicketRow> {
  return sqlRow<TicketRow>('select * from public.tickets where id = $1', [ticketId]);
}

export interface LedgerLine {
  kind: string;
  amount: number;
  balance_after: number | null;
  ticket_id: string | null;
  order_id: string | null;
  idempotency_key: string;
}

/** An account's statement lines, oldest first (the entry on its side of each transfer). */
export async function ledger(accountId: string): Promise<LedgerLine[]> {
  return sql<LedgerLine>(
    `select t.kind::text as kind, e.amount, e.balance_after, t.ticket_id, t.order_id, t.idempotency_key
       from public.credit_entries e join public.credit_transfers t on t.id = e.transfer_id
      where e.account_id = $1 order by e.id`,
    [accountId],
  );
}

export async function notificationKinds(userId: string, ticketId?: string): Promise<string[]> {
  const rows = await sql<{ kind: string }>(
    `select kind from public.notifications
      where user_id = $1 and ($2::uuid is null or ticket_id = $2) order by created_at, id`,
    [userId, ticketId ?? null],
  );
  return rows.map((row) => row.kind);
}

export async function notifications(
  userId: string,
  kind: string,
): Promise<Array<{ id: string; ticket_id: string | null; title: string; body: string; data: Record<string, unknown> }>> {
  return sql('select * from public.notifications where user_id = $1 and kind = $2 order by created_at, id', [userId, kind]);
}

export async function eventKinds(ticketId: string): Promise<string[]> {
  const rows = await sql<{ kind: string }>('select kind from public.ticket_events where ticket_id = $1 order by created_at, id', [
    ticketId,
  ]);
  return rows.map((row) => row.kind);
}

/** Section - invariants */

/** docs/design.md §4's invariants, checked by the schema's own `app.check_invariants()`: no violations. */
export async function expectInvariants(): Promise<void> {
  const violations = await sql('select * from app.check_invariants()');
  expect(violations, 'app.check_invariants() reports no violation of docs/design.md §4').toEqual([]);
}

/** Every test file calls this once: the invariants must hold after everything it did. */
export function checkInvariantsAfterAll(): void {
  afterAll(expectInvariants);
}
