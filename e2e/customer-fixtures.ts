/**
 * Fixtures of the customer journeys: people made through the Auth admin API (worker-unique emails),
 * credits bought the way the payment functions buy them (a pending order fulfilled by the service-role
 * SQL function), an engineer whose role is set with SQL as an admin would in the console, and a page
 * already signed in as the customer.
 */
import { createClient, type Session, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import type { Database } from '../src/lib/database.types';
import { expect, test as base, TEST_PASSWORD, uniqueEmail } from './fixtures';
import { enrolTotp } from './mfa';

type Client = SupabaseClient<Database>;

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through e2e/global-setup.ts (npm run e2e).`);
  return value;
};

export const apiUrl = () => env('E2E_API_URL');
const anonKey = () => env('E2E_ANON_KEY');

const clientOptions = { auth: { persistSession: false, autoRefreshToken: false } } as const;

export const serviceClient = (): Client => createClient<Database>(apiUrl(), env('E2E_SERVICE_ROLE_KEY'), clientOptions);

export type Person = { id: string; email: string; password: string; client: Client; session: Session };

/** A confirmed user, signed in through supabase-js. */
export async function createPerson(email: string, fullName: string): Promise<Person> {
  const admin = serviceClient();
  const { data, error } = await admin.auth.admin.createUser({
    email,
    password: TEST_PASSWORD,
    email_confirm: true,
    user_metadata: { full_name: fullName },
  });
  if (error) throw error;
  const client = createClient<Database>(apiUrl(), anonKey(), clientOptions);
  const signedIn = await client.auth.signInWithPassword({ email, password: TEST_PASSWORD });
  if (signedIn.error) throw signedIn.error;
  return { id: data.user.id, email, password: TEST_PASSWORD, client, session: signedIn.data.session };
}

export async function deletePerson(person: Pick<Person, 'id'>) {
  // Ledger rows are append-only and keep their account: people with history stay; that is fine in a
  // throwaway stack. Deleting is best effort so a failed test still reports its own failure.
  await serviceClient().auth.admin.deleteUser(person.id).catch(() => undefined);
}

/** Buys a package for the person as the checkout + payment functions would (order, then fulfil). */
export async function buyCredits(person: Pick<Person, 'id'>, credits: number) {
  const admin = serviceClient();
  const { data: pkg } = await admin.from('credit_packages').select('id').eq('credits', credits).single().throwOnError();
  const { data: order } = await admin
    .rpc('service_role_open_order', { p_user_id: person.id, p_package_id: pkg.id, p_provider: 'test' })
    .single<{ id: string }>()
    .throwOnError();
  await admin.rpc('service_role_fulfil_order', { p_order_id: order.id, p_provider_payment_id: `e2e:${order.id}` }).throwOnError();
  return order.id;
}

/**
 * Makes the person staff as the console does, then enrols their second factor (staff rights need aal2):
 * `person.client` and `person.session` become aal2.
 */
export async function makeStaff(person: Person, role: 'engineer' | 'admin' = 'engineer') {
  await setRole(person.id, role);
  await enrolTotp(person.client, person.email);
  const { data } = await person.client.auth.getSession();
  if (!data.session) throw new Error('no session after the second factor');
  person.session = data.session;
}

export async function setRole(userId: string, role: 'engineer' | 'admin') {
  const db = new pg.Client({ connectionString: env('E2E_DB_URL') });
  await db.connect();
  try {
    await db.query('update public.profiles set role = $1 where id = $2', [role, userId]);
  } finally {
    await db.end();
  }
}

/** The storage entry supabase-js reads its session from (see src/lib/auth-storage.ts). */
export const storageKey = () => `sb-${new URL(apiUrl()).hostname.split('.')[0] ?? 'local'}-auth-token`;

type Fixtures = {
  /** A new customer with no credits, and the page signed in as them. */
  customer: Person;
};
type WorkerFixtures = {
  /** A support engineer, to assess tickets through the API. */
  engineer: Person;
};

export const test = base.extend<Fixtures, WorkerFixtures>({
  engineer: [
    async ({}, use, workerInfo) => {
      const person = await createPerson(uniqueEmail(workerInfo, 'engineer'), 'Eve Engineer');
      await makeStaff(person);
      await use(person);
      await deletePerson(person);
    },
    { scope: 'worker' },
  ],
  customer: async ({ page }, use, testInfo) => {
    const person = await createPerson(uniqueEmail(testInfo, 'customer'), 'Cora Customer');
    await page.addInitScript(
      ([key, session]) => {
        if (!window.sessionStorage.getItem('e2e-signed-out')) window.localStorage.setItem(key, session);
      },
      [storageKey(), JSON.stringify(person.session)] as const,
    );
    await use(person);
  },
});

/** The engineer assesses a ticket (by number) as the staff route would. */
export async function assess(engineer: Person, number: number, category: string, credits?: number) {
  const { data: ticket } = await engineer.client.from('tickets').select('id').eq('number', number).single().throwOnError();
  const { data } = await engineer.client
    .rpc('assess_ticket', { p_ticket_id: ticket.id, p_category: category, ...(credits !== undefined && { p_credits: credits }) })
    .throwOnError();
  return data;
}

export { expect };
