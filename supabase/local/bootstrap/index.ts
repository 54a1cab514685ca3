/**
 * Prepares a fresh cluster the way Supabase's image does: roles, `auth`, `extensions`, event triggers,
 * then what every start ensures (prepareDatabase).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asSuperuser, type PostgresServer } from '../postgres/index.ts';

const FILES = ['roles.sql', 'auth.sql', 'event-triggers.sql'];

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
 * may be missing from a database made by an older stack: Auth's multi-factor tables, Vault, Database Webhooks' schema, the
 * `storage` schema and the `realtime` schema.
 */
export async function prepareDatabase(server: PostgresServer): Promise<void> {
  await asSuperuser(server, async (client) => {
    await client.query('begin');
    await client.query(readFileSync(join(import.meta.dirname, '..', 'extensions', 'prepare.sql'), 'utf8'));
    await client.query(readFileSync(join(import.meta.dirname, 'auth-mfa.sql'), 'utf8'));
    await client.query(readFileSync(join(import.meta.dirname, 'storage.sql'), 'utf8'));
    await client.query(readFileSync(join(import.meta.dirname, 'realtime.sql'), 'utf8'));
    await client.query(readFileSync(join(import.meta.dirname, 'realtime-publication.sql'), 'utf8'));
    await client.query('commit');
  });
}
