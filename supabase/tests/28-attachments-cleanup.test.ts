/**
 * The cleanup of abandoned uploads (issue 15), on a stack of its own serving supabase/functions: the
 * cleanup-attachments edge function, called as the database calls it (the service role), removes through
 * Storage the objects of uploads nobody finished within a day, of discarded ones and of objects with no
 * row, then deletes those rows; finished files and recent uploads stay. pg_cron asks for it every hour
 * through pg_net.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThrowawayStack } from '../local/tooling/throwaway-stack.ts';

const PASSWORD = 'correct-horse-battery';
const noPersistence = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

type Stack = Awaited<ReturnType<typeof startThrowawayStack>>;
let stack: Stack;
let pool: pg.Pool;
let service: SupabaseClient;
let customer: SupabaseClient;
let customerToken: string;
let ticketId: string;

const sql = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await pool.query<T>(text, values)).rows;

function ok<T>(result: { data: T; error: unknown }, what: string): T {
  if (result.error) throw new Error(`${what}: ${JSON.stringify(result.error)}`);
  return result.data;
}

function cleanup(token = stack.keys.serviceRoleKey): Promise<Response> {
  return fetch(`${stack.apiUrl}/functions/v1/cleanup-attachments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, apikey: stack.keys.anonKey, 'Content-Type': 'application/json' },
    body: '{}',
  });
}

/** begin_attachment as the customer, and optionally the upload; returns the row's id and key. */
async function started(text: string | null, name = 'upload.txt'): Promise<{ id: string; object_name: string }> {
  const size = text === null ? 5 : new TextEncoder().encode(text).byteLength;
  const begun = ok(
    await customer.rpc('begin_attachment', { p_ticket_id: ticketId, p_file_name: name, p_content_type: 'text/plain', p_size_bytes: size }),
    'begin_attachment',
  ) as { id: string; object_name: string };
  if (text !== null) {
    const uploaded = await customer.storage.from('attachments').upload(begun.object_name, new Blob([text], { type: 'text/plain' }));
    if (uploaded.error) throw new Error(`upload: ${uploaded.error.message}`);
  }
  return begun;
}

const age = (id: string) => sql("update public.ticket_attachments set created_at = now() - interval '25 hours' where id = $1", [id]);
const rowStatus = async (id: string) => (await sql<{ status: string }>('select status from public.ticket_attachments where id = $1', [id]))[0]?.status;
const objectRow = async (name: string) =>
  (await sql("select 1 from storage.objects where bucket_id = 'attachments' and name = $1", [name])).length === 1;
/** Whether Storage still serves the bytes (the file, not just its row). */
const served = async (name: string) => !(await service.storage.from('attachments').download(name)).error;

beforeAll(async () => {
  stack = await startThrowawayStack({ label: 'attachments-cleanup', supabaseDir: join(import.meta.dirname, '..') });
  pool = new pg.Pool({ connectionString: stack.dbUrl, max: 4 });
  pool.on('error', () => {});
  // The test runs the cleanup itself; the hourly job would race it.
  await sql("update cron.job set active = false where jobname = 'cleanup-attachments'");
  // Boot the function now, inside beforeAll's timeout.
  expect((await fetch(`${stack.apiUrl}/functions/v1/cleanup-attachments`, { method: 'OPTIONS' })).ok, 'the function boots').toBe(true);

  service = createClient(stack.apiUrl, stack.keys.serviceRoleKey, noPersistence);
  const email = `cleanup-${Date.now()}@example.com`;
  const created = await service.auth.admin.createUser({ email, password: PASSWORD, email_confirm: true, user_metadata: { full_name: 'Cleanup' } });
  if (created.error) throw created.error;
  customer = createClient(stack.apiUrl, stack.keys.anonKey, noPersistence);
  const signedIn = await customer.auth.signInWithPassword({ email, password: PASSWORD });
  if (signedIn.error) throw signedIn.error;
  customerToken = signedIn.data.session.access_token;
  ticketId = ok(
    await customer.rpc('create_ticket', { p_subject: 'Logs attached', p_body: 'See the files.', p_pre_approved: false }).single<{ id: string }>(),
    'create_ticket',
  )!.id;
}, 240_000);

afterAll(async () => {
  await pool?.end();
  await stack?.stop();
});

describe('cleanup-attachments', () => {
  it('refuses every caller but the service role', async () => {
    for (const [who, token] of [['a customer', customerToken], ['the anon key', stack.keys.anonKey]] as const) {
      const response = await cleanup(token);
      expect(response.status, who).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code, who).toBe('forbidden');
    }
  });

  it('removes what was abandoned over a day ago, objects first, and nothing else', async () => {
    const abandoned = await started('never completed');
    await age(abandoned.id);
    const neverUploaded = await started(null);
    await age(neverUploaded.id);
    const discarded = await started('thrown away');
    ok(await customer.rpc('discard_attachment', { p_id: discarded.id }), 'discard');
    await age(discarded.id);
    // An object with no row (its ticket was deleted, say), a day old.
    const orphan = `${ticketId}/${randomUUID()}`;
    ok(await service.storage.from('attachments').upload(orphan, new Blob(['orphan'], { type: 'text/plain' })), 'orphan upload');
    await sql("update storage.objects set created_at = now() - interval '25 hours' where bucket_id = 'attachments' and name = $1", [orphan]);

    const recent = await started('still uploading');
    const finished = await started('kept for ever');
    ok(await customer.rpc('complete_attachment', { p_id: finished.id }), 'complete');
    await age(finished.id);
    for (const name of [abandoned.object_name, discarded.object_name, orphan, recent.object_name, finished.object_name]) {
      expect(await served(name), `${name} is there before`).toBe(true);
    }

    const response = await cleanup();
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toEqual({ removed: 3, forgotten: 3 });

    for (const [what, file] of [['abandoned', abandoned], ['never uploaded', neverUploaded], ['discarded', discarded]] as const) {
      expect(await rowStatus(file.id), `${what}: row`).toBeUndefined();
      expect(await objectRow(file.object_name), `${what}: object row`).toBe(false);
      expect(await served(file.object_name), `${what}: bytes`).toBe(false);
    }
    expect(await objectRow(orphan), 'orphan').toBe(false);
    expect(await rowStatus(recent.id), 'a recent upload stays pending').toBe('pending');
    expect(await served(recent.object_name)).toBe(true);
    expect(await rowStatus(finished.id), 'a finished file stays').toBe('ready');
    expect(await served(finished.object_name)).toBe(true);

    const again = await cleanup();
    expect(await again.json(), 'nothing left to do').toEqual({ removed: 0, forgotten: 0 });
  });

  it('the hourly job asks for it through pg_net with the service role key from Vault', async () => {
    const [job] = await sql<{ schedule: string; command: string; username: string }>(
      "select schedule, command, username from cron.job where jobname = 'cleanup-attachments'",
    );
    expect(job).toEqual({ schedule: '17 * * * *', command: 'select app.request_attachment_cleanup()', username: 'postgres' });
    const client = await pool.connect();
    try {
      await client.query('begin');
      const before = (await client.query<{ id: string | null }>('select max(id) as id from net.http_request_queue')).rows[0]!.id ?? '0';
      await client.query('select app.request_attachment_cleanup()');
      const { rows } = await client.query<{ url: string; headers: Record<string, string> }>(
        'select url, headers from net.http_request_queue where id > $1',
        [before],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.url).toBe(`${stack.apiUrl}/functions/v1/cleanup-attachments`);
      expect(rows[0]!.headers.Authorization).toBe(`Bearer ${stack.keys.serviceRoleKey}`);
    } finally {
      await client.query('rollback');
      client.release();
    }
  });
});
