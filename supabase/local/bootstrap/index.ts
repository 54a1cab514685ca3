/** Prepares a fresh cluster the way Supabase's image does: roles, `auth`, `extensions`, event triggers. */
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
}
