/**
 * The two Vault secrets Supabase's guide to scheduling Edge Functions reads, `project_url` and
 * `service_role_key`, kept equal to this stack's on every start: a stack may run on any port (tests
 * pick free ones), so SQL that calls the project's functions (pg_cron + pg_net) reads the URL from
 * Vault rather than writing it down. On hosted Supabase a developer creates them once, e.g.
 * `select vault.create_secret('https://<ref>.supabase.co', 'project_url');`.
 */
import type pg from 'pg';

export const PROJECT_URL_SECRET = 'project_url';
export const SERVICE_ROLE_KEY_SECRET = 'service_role_key';

const UPSERT_SQL = `
insert into vault.secrets (name, secret, description)
values ($1, $2, $3)
on conflict (name) where name is not null
do update set secret = excluded.secret, updated_at = now()
where vault.secrets.secret is distinct from excluded.secret`;

export async function upsertStackSecrets(client: pg.ClientBase, apiUrl: string, serviceRoleKey: string): Promise<void> {
  await client.query(UPSERT_SQL, [PROJECT_URL_SECRET, apiUrl, "The local stack's API URL (set by the stack at start)"]);
  await client.query(UPSERT_SQL, [SERVICE_ROLE_KEY_SECRET, serviceRoleKey, "The local stack's service role key (set by the stack at start)"]);
}
