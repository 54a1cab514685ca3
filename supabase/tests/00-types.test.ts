/**
 * `src/lib/database.types.ts` is generated (issue 3, item 7): regenerated in memory exactly as
 * `npm run db:types` does — Supabase's generator over a scratch database with every migration applied —
 * and compared with the committed file. Not against the run's shared stack: the stack's own conformance
 * fixtures add `conf_*` objects to its `public` schema, which the app's types must not contain.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateDatabaseTypes, startScratchDb, type ScratchDb } from '@pro-portal/supabase-local';
import { TYPES_FILE } from './types-file.ts';

let db: ScratchDb;

beforeAll(async () => {
  db = await startScratchDb();
});

afterAll(async () => {
  await db?.stop();
});

it('the committed database types match the migrations (run `npm run db:types` if not)', async () => {
  const generated = await generateDatabaseTypes(db.dbUrl);
  const committed = readFileSync(TYPES_FILE, 'utf8');
  expect(generated, 'the generator produced types for the public schema').toContain('create_ticket: {');
  expect(committed, `${relative(process.cwd(), TYPES_FILE)} is stale: run npm run db:types`).toBe(generated);
}, 120_000);
