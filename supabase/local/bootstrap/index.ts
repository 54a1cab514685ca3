/**
 * Prepares a fresh cluster the way Supabase's image does: roles, `auth`, `extensions`, event triggers,
 * then what every start ensures (prepareDatabase).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asSuperuser, type PostgresServer } from '../postgres/index.ts';

const FILES = ['roles.sql', 'auth.sql', 'event-triggers.sql'];

/** PostgREST's in-database settings (PostgREST.Config.Database, dbSettingsNames). */
const PGRST_SETTINGS = [
  'db_aggregates_enabled', 'client_error_verbosity', 'db_anon_role', 'db_pre_config', 'db_extra_search_path', 'db_max_rows',
  'db_plan_enabled', 'db_pre_request', 'db_prepared_statements', 'db_root_spec', 'db_schemas', 'db_tx_end',
  'db_hoisted_tx_settings', 'jwt_aud', 'jwt_role_claim_key', 'jwt_secret', 'jwt_secret_is_base64', 'jwt_cache_max_lifetime',
  'openapi_mode', 'openapi_security_active', 'openapi_server_proxy_uri', 'server_cors_allowed_origins',
  'server_trace_header', 'server_timing_enabled', 'url_use_legacy_target_names',
];

export async function bootstrap(server: PostgresServer): Promise<void> {
  await asSuperuser(server, async (client) => {
    await client.query('begin');
    for (const file of FILES) {
      await client.query(readFileSync(join(import.meta.dirname, file), 'utf8'));
    }
    await client.query('commit');
  });
  await prepareDatabase(server);
}

/**
 * What Supabase's image has beside the project's migrations and the stack adds on every start, as it
 * may be missing from a database made by an older stack: Auth's multi-factor and flow-state tables, Vault, Database Webhooks' schema, the
 * `storage` schema, the `realtime` schema and `postgres`'s admin option on `authenticator`.
 */
export async function prepareDatabase(server: PostgresServer): Promise<void> {
  await asSuperuser(server, async (client) => {
    await client.query('begin');
    await client.query(readFileSync(join(import.meta.dirname, '..', 'extensions', 'prepare.sql'), 'utf8'));
    await client.query(readFileSync(join(import.meta.dirname, 'auth-mfa.sql'), 'utf8'));
    await client.query(readFileSync(join(import.meta.dirname, 'auth-flow-state.sql'), 'utf8'));
    await client.query(readFileSync(join(import.meta.dirname, 'storage.sql'), 'utf8'));
    await client.query(readFileSync(join(import.meta.dirname, 'realtime.sql'), 'utf8'));
    await client.query(readFileSync(join(import.meta.dirname, 'realtime-publication.sql'), 'utf8'));
    // As hosted: `postgres` administers `authenticator` and may set PostgREST's settings on it
    // (`alter role authenticator set pgrst.…`), which a non-superuser may do for a parameter Postgres
    // does not know only with SET granted on it (hosted grants it through supautils). Granting again
    // is a no-op.
    await client.query('grant authenticator to postgres with admin option, inherit true');
    await client.query(`grant set on parameter ${PGRST_SETTINGS.map((name) => `pgrst.${name}`).join(', ')} to postgres`);
    await client.query('commit');
  });
}
