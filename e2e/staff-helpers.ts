/**
 * Data for the staff and admin specs, seeded through the same APIs the product uses: users through
 * the auth admin API (worker-unique emails), roles and credits through SQL on E2E_DB_URL (the way the
 * console sets them), tickets through supabase-js as the customer.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { expect, type Page } from '@playwright/test';
import pg from 'pg';
import type { Database } from '../src/lib/database.types';
import { TEST_PASSWORD } from './fixtures';
import { enrolTotp, enterSecondFactor, totpSecretOf } from './mfa';

type Role = 'customer' | 'engineer' | 'admin';
export type Client = SupabaseClient<Database>;

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the specs through Playwright's global setup.`);
  return value;
};

export async function sql<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: env('E2E_DB_URL') });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const newClient = (key: string): Client =>
  createClient<Database>(env('E2E_API_URL'), key, { auth: { persistSession: false, autoRefreshToken: false } });

export type SeededUser = { id: string; email: string; accountId: string; client: Client };

/**
 * A user with a role, signed in through supabase-js (for API steps the customer would take). Staff enrol
 * a TOTP factor and verify it, so their client is aal2 (staff rights need it) and `signIn` can pass the
 * browser's second-factor step.
 */
export async function createUser(email: string, role: Role = 'customer'): Promise<SeededUser> {
  const admin = newClient(env('E2E_SERVICE_ROLE_KEY'));
  const { data, error } = await admin.auth.admin.createUser({ email, password: TEST_PASSWORD, email_confirm: true });
  if (error) throw error;
  const id = data.user.id;
  if (role !== 'customer') await sql('update public.profiles set role = $1 where id = $2', [role, id]);
  const [member] = await sql<{ account_id: string }>(
    "select account_id from public.account_members where user_id = $1 and role = 'owner'",
    [id],
  );
  const client = newClient(env('E2E_ANON_KEY'));
  const signIn = await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
  if (signIn.error) throw signIn.error;
  if (role !== 'customer') await enrolTotp(client, email);
  return { id, email, accountId: member!.account_id, client };
}

/** Credits for an account through adjust_credits, acting as the seeded admin (as PostgREST would run it). */
export async function giveCredits(accountId: string, amount: number) {
  const client = new pg.Client({ connectionString: env('E2E_DB_URL') });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(
      // aal2: the admin's rights need a second factor, as the API would have it after a TOTP code.
      `select set_config('request.jwt.claims',
         json_build_object('sub', (select id from public.profiles where email = 'admin@example.com'), 'role', 'authenticated', 'aal', 'aal2')::text, true)`,
    );
    await client.query("select public.adjust_credits($1, $2, 'e2e credits', gen_random_uuid()::text)", [accountId, amount]);
    await client.query('commit');
  } finally {
    await client.end();
  }
}

export async function balanceOf(accountId: string): Promise<number> {
  const [row] = await sql<{ balance: number }>('select balance from public.accounts where id = $1', [accountId]);
  return row!.balance;
}

export async function createTicket(
  customer: SeededUser,
  input: { subject: string; body?: string; preApproved: boolean; upgradeFrom?: string; upgradeTo?: string; preApprovalCeiling?: number },
) {
  const { data, error } = await customer.client.rpc('create_ticket', {
    p_subject: input.subject,
    p_body: input.body ?? `Details of "${input.subject}".`,
    p_pre_approved: input.preApproved,
    ...(input.upgradeFrom && { p_upgrade_from: input.upgradeFrom, p_upgrade_to: input.upgradeTo }),
    ...(input.preApprovalCeiling && { p_pre_approval_ceiling: input.preApprovalCeiling }),
  });
  if (error) throw error;
  return data;
}

export async function ticketRow(number: number) {
  const [row] = await sql<{ status: string; charged_credits: number; category: string | null; quoted_credits: number | null }>(
    'select status, charged_credits, category, quoted_credits from public.tickets where number = $1',
    [number],
  );
  return row!;
}

/** Signs in through the login page (and, for staff, the second-factor step) and lands on `next`. */
export async function signIn(page: Page, email: string, next: string) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const secret = totpSecretOf(email);
  if (secret) await enterSecondFactor(page, secret);
  await expect(page.getByRole('banner').getByText(email)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${next.replace(/[/?]/g, (c) => `\\${c}`)}`));
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
