/**
 * Fixtures for the payment tests (checkout-*.test.ts). Unlike the other database tests these start
 * stacks of their own: the suite's shared stack serves test fixture functions, and the payment
 * functions must run with a payment configuration of their own (test provider, or Stripe against the
 * fake Stripe API in fake-stripe.ts). Actions go through supabase-js and plain HTTP as the app and
 * Stripe send them; checks read the database as `postgres`, so they never depend on the RLS under test.
 */
import { join } from 'node:path';
import { createClient, FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { startThrowawayStack, type RunningStack } from '@pro-portal/supabase-local';
import { enrolTotp } from './staff-factor.ts';

export const SITE_URL = 'http://app.pro-portal.test';
const PASSWORD = 'correct-horse-battery';
const noPersistence = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

export interface PaymentStack {
  running: RunningStack;
  apiUrl: string;
  /** The throwaway data directory (Postgres's files are in `<dataDir>/postgres`). */
  dataDir: string;
  anonClient(): SupabaseClient;
  serviceClient(): SupabaseClient;
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export interface PaymentStackOptions {
  /** Passed to the stack: awaited before it restarts a Postgres that died, so a test can hold the outage. */
  beforePostgresRestart?: () => Promise<void>;
}

/** A fresh stack serving supabase/functions with the given function environment, in a throwaway data dir. */
export async function startPaymentStack(functionsEnv: Record<string, string>, options: PaymentStackOptions = {}): Promise<PaymentStack> {
  const running = await startThrowawayStack({
    label: 'checkout',
    supabaseDir: join(import.meta.dirname, '..'),
    functionsEnv: { SITE_URL, ...functionsEnv },
    beforePostgresRestart: options.beforePostgresRestart,
  });
  // Boot each function's worker now (a preflight needs no JWT), inside beforeAll's generous timeout: on
  // a fresh machine the first boot downloads stripe and supabase-js from the npm registry.
  for (const name of ['checkout', 'test-payment', 'stripe-webhook']) {
    const preflight = await fetch(`${running.apiUrl}/functions/v1/${name}`, { method: 'OPTIONS' });
    if (!preflight.ok) {
      await running.stop();
      throw new Error(`function ${name} did not boot: ${preflight.status} ${await preflight.text()}`);
    }
  }
  const pool = new pg.Pool({ connectionString: running.dbUrl, max: 4 });
  // An idle connection dies with the server when a test kills Postgres; the pool drops it and the next
  // query connects afresh. Unheard, that 'error' event would be an uncaught exception failing the run.
  pool.on('error', () => {});
  return {
    running,
    apiUrl: running.apiUrl,
    dataDir: running.dataDir,
    anonClient: () => createClient(running.apiUrl, running.keys.anonKey, noPersistence),
    serviceClient: () => createClient(running.apiUrl, running.keys.serviceRoleKey, noPersistence),
    sql: async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await pool.query<T>(text, values)).rows,
    async stop() {
      await pool.end();
      await running.stop();
    },
  };
}

export interface Customer {
  client: SupabaseClient;
  userId: string;
  email: string;
  accountId: string;
}

let counter = 0;

/** A confirmed user made through the Auth admin API, signed in with a password like a browser. */
export async function createUser(stack: PaymentStack, role: 'customer' | 'engineer' | 'admin' = 'customer'): Promise<Customer> {
  counter += 1;
  const email = `${role}-${process.pid}-${Date.now()}-${counter}@example.test`;
  const created = await stack.serviceClient().auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
  if (created.error || !created.data.user) throw new Error(`createUser failed: ${created.error?.message}`);
  const userId = created.data.user.id;
  if (role !== 'customer') await stack.sql('update public.profiles set role = $2 where id = $1', [userId, role]);
  const client = stack.anonClient();
  const signedIn = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (signedIn.error) throw new Error(`sign-in failed: ${signedIn.error.message}`);
  // Staff rights need a second factor.
  if (role !== 'customer') await enrolTotp(client);
  const [membership] = await stack.sql<{ account_id: string }>(
    "select account_id from public.account_members where user_id = $1 and role = 'owner'",
    [userId],
  );
  if (!membership) throw new Error(`no personal account for ${email}`);
  return { client, userId, email, accountId: membership.account_id };
}

export interface FunctionAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** Calls an edge function as the app does (`functions.invoke`) and returns the status and JSON body, error or not. */
export async function invoke<T = Record<string, unknown>>(
  client: SupabaseClient,
  name: string,
  body: unknown,
): Promise<FunctionAnswer<T>> {
  const { data, error, response } = await client.functions.invoke(name, { body: body as Record<string, unknown> });
  if (error) {
    if (!(error instanceof FunctionsHttpError)) throw error;
    const res = error.context as Response;
    return { status: res.status, body: (await res.json()) as T };
  }
  return { status: response?.status ?? 200, body: data as T };
}

export interface PackageRow {
  id: string;
  name: string;
  credits: number;
  price_cents: number;
  currency: string;
}

/** The active seed package of exactly `credits` (the seed sells 25, 50, 100, 200, 300, 400, 500). */
export async function packageWith(stack: PaymentStack, credits: number): Promise<PackageRow> {
  const [row] = await stack.sql<PackageRow>(
    'select id, name, credits, price_cents, currency from public.credit_packages where credits = $1 and active order by sort_order limit 1',
    [credits],
  );
  if (!row) throw new Error(`no active package of ${credits} credits in the seed`);
  return row;
}

export interface OrderRow {
  id: string;
  account_id: string;
  user_id: string;
  package_id: string;
  credits: number;
  amount_cents: number;
  currency: string;
  status: 'pending' | 'paid' | 'failed';
  provider: 'test' | 'stripe';
  provider_session_id: string | null;
  provider_payment_id: string | null;
  paid_at: Date | null;
}

export async function orderRow(stack: PaymentStack, orderId: string): Promise<OrderRow> {
  const [row] = await stack.sql<OrderRow>('select * from public.orders where id = $1', [orderId]);
  if (!row) throw new Error(`order ${orderId} does not exist`);
  return row;
}

export async function balanceOf(stack: PaymentStack, accountId: string): Promise<number> {
  const [row] = await stack.sql<{ balance: number }>('select balance from public.accounts where id = $1', [accountId]);
  if (!row) throw new Error(`account ${accountId} does not exist`);
  return row.balance;
}

/** `select count(*) …` as a number. */
export async function countOf(stack: PaymentStack, text: string, values: unknown[] = []): Promise<number> {
  const [row] = await stack.sql<{ count: string }>(text, values);
  return Number(row?.count);
}

/** The purchase transfers recorded for an order (a paid order has exactly one). */
export async function purchaseTransfers(stack: PaymentStack, orderId: string) {
  return stack.sql<{ amount: number; to_account_id: string; idempotency_key: string }>(
    "select amount, to_account_id, idempotency_key from public.credit_transfers where order_id = $1 and kind = 'purchase'",
    [orderId],
  );
}

export async function notificationsOf(stack: PaymentStack, userId: string, kind: string) {
  return stack.sql<{ title: string; body: string; data: Record<string, unknown> }>(
    'select title, body, data from public.notifications where user_id = $1 and kind = $2 order by created_at',
    [userId, kind],
  );
}
