/**
 * The mail functions on a deployment that lacks their settings (as hosted Supabase before the secrets
 * are set): they say what is missing with a 503, and use up nothing — no claimed mail, no attempt.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startThrowawayStack } from '../local/tooling/throwaway-stack.ts';

let stack: Awaited<ReturnType<typeof startThrowawayStack>>;
let db: pg.Client;

beforeAll(async () => {
  stack = await startThrowawayStack({
    label: 'mail-unconfigured',
    supabaseDir: join(import.meta.dirname, '..'),
    // No catcher, so no local SMTP_URL; the signing key set empty, as a secret that was never filled in.
    configOverlay: { local_smtp: { enabled: false } },
    functionsEnv: { MAILGUN_WEBHOOK_SIGNING_KEY: '' },
  });
  db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
  await db.query(`do $$ begin
    execute 'alter table app.mail_outbox disable trigger user';
    if to_regclass('cron.job') is not null then execute 'update cron.job set active = false'; end if;
  end $$`);
}, 240_000);

afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

it('send-mail without SMTP_URL answers 503 and claims nothing', async () => {
  const [{ id }] = (await db.query<{ id: string }>('select id from public.profiles limit 1')).rows as [{ id: string }];
  await db.query(
    `insert into app.mail_outbox (dedupe_key, kind, user_id, to_email, data) values ('low_balance:unconfigured', 'low_balance', $1, 'someone@example.com', '{}')`,
    [id],
  );
  const response = await fetch(`${stack.apiUrl}/functions/v1/send-mail`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.keys.serviceRoleKey}` },
    body: '{}',
  });
  expect(response.status).toBe(503);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('mail_not_configured');
  expect(body.error.message).toMatch(/SMTP_URL is not set/);
  const rows = (await db.query("select status, attempts from app.mail_outbox where dedupe_key = 'low_balance:unconfigured'")).rows;
  expect(rows).toEqual([{ status: 'pending', attempts: 0 }]);
});

it('inbound-email without its signing key answers 503, whatever is posted', async () => {
  const response = await fetch(`${stack.apiUrl}/functions/v1/inbound-email`, {
    method: 'POST',
    body: new URLSearchParams({ recipient: 'reply+0123456789abcdefghij@reply.pro-portal.test', timestamp: '1', token: 'x', signature: 'y' }),
  });
  expect(response.status).toBe(503);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe('inbound_not_configured');
});
