/**
 * supabase/schemas/ is the schema; the migrations are how a database gets there. Built both ways from
 * the same bootstrapped database, the two must not differ in anything a migration sets: objects,
 * privileges, comments, and the rows the product needs. And the diff tool that writes migrations from
 * the schema files must be able to build every one of our objects (`npm run db:diff`).
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  applySchema,
  diffSchemas,
  schemaFiles,
  startScratchServer,
  unlistedSchemaFiles,
  type ScratchServer,
} from '@pro-portal/supabase-local';

const SUPABASE_DIR = join(import.meta.dirname, '..');

/** Rows the schema itself provides (not the seed's): they must come out the same both ways. */
const REQUIRED_ROWS = [
  'select name, system_code, balance from public.accounts where system_code is not null order by system_code',
  'select * from app.settings',
  'select * from app.mail_kinds order by kind',
  'select jobname, schedule, command, username, active from cron.job order by jobname',
];

let server: ScratchServer;
let fromMigrations: string;
let fromSchema: string;

async function rows(url: string, query: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(query)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  server = await startScratchServer();
  fromMigrations = await server.createDatabase('from_migrations');
  fromSchema = await server.createDatabase('from_schema');
  await Promise.all([applyMigrations(fromMigrations, SUPABASE_DIR), applySchema(fromSchema, SUPABASE_DIR)]);
}, 120_000);
afterAll(() => server?.stop());

describe('supabase/schemas and supabase/migrations', () => {
  it('build the same schema', async () => {
    expect((await diffSchemas(fromMigrations, fromSchema)).statements).toEqual([]);
    expect((await diffSchemas(fromSchema, fromMigrations)).statements).toEqual([]);
  });

  it('provide the same required rows', async () => {
    for (const query of REQUIRED_ROWS) {
      const [migrated, declared] = await Promise.all([rows(fromMigrations, query), rows(fromSchema, query)]);
      expect(declared, query).toEqual(migrated);
      expect(declared.length, query).toBeGreaterThan(0);
    }
  });
});

describe('supabase/schemas', () => {
  it('lists every file in config.toml, so none is left out of a diff', () => {
    expect(unlistedSchemaFiles(SUPABASE_DIR)).toEqual([]);
  });

  it('defines each object in one file', () => {
    const defined = new Map<string, string[]>();
    const statement =
      /^\s*create\s+(?:or\s+replace\s+)?(function|table|type|schema|policy|trigger|(?:unique\s+)?index)\s+("[^"]+"|[\w.]+)(\s+on\s+[\w.]+)?/gim;
    for (const path of schemaFiles(SUPABASE_DIR)) {
      for (const match of readFileSync(path, 'utf8').matchAll(statement)) {
        const object = `${match[1]!.toLowerCase().replace(/^unique\s+/, '')} ${match[2]}${match[3] ?? ''}`;
        defined.set(object, [...(defined.get(object) ?? []), relative(SUPABASE_DIR, path)]);
      }
    }
    expect(defined.size).toBeGreaterThan(50);
    const twice = [...defined].filter(([, files]) => new Set(files).size > 1);
    expect(twice).toEqual([]);
  });

  it('can be built from nothing by the diff that writes migrations', async () => {
    const empty = await server.createDatabase('from_diff');
    const client = new pg.Client({ connectionString: empty });
    await client.connect();
    try {
      await client.query((await diffSchemas(empty, fromSchema)).sql);
    } finally {
      await client.end();
    }
    expect((await diffSchemas(empty, fromSchema)).statements).toEqual([]);
  });
});
