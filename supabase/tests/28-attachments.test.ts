/**
 * Ticket attachments (issue 15) through supabase-js as the app sends them: begin_attachment decides
 * everything about a file (who, name, type, limits) and writes a pending row; Storage accepts the upload
 * only for that row (policies on storage.objects); complete_attachment checks the stored object; readers
 * are decided by the table's policy, which the bucket's read policy asks. Checks read the database as
 * `postgres`, never through the RLS under test.
 */
import { randomUUID } from 'node:crypto';
import type { PostgrestError, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adjustCredits,
  anonClient,
  checkInvariantsAfterAll,
  createCast,
  createPerson,
  createTicket,
  expectError,
  ok,
  type Person,
  sql,
  sqlRow,
} from './support.ts';

checkInvariantsAfterAll();

const BUCKET = 'attachments';
const MB = 1024 * 1024;

interface Begun {
  id: string;
  object_name: string;
  bucket: string;
}

interface AttachmentRow {
  id: string;
  ticket_id: string;
  message_id: string | null;
  object_name: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  internal: boolean;
  status: 'pending' | 'ready' | 'discarded';
  uploaded_by: string | null;
  completed_at: string | null;
}

let customer: Person;
let other: Person;
let engineer: Person;
let admin: Person;
let ticketId: string;

beforeAll(async () => {
  ({ customer, engineer, admin } = await createCast());
  other = await createPerson();
  await adjustCredits(admin, customer.accountId, 100);
  ticketId = (await createTicket(customer, true)).id;
});

/** Error with the reason in HINT (app.raise_error's third argument). */
function expectRefusal(result: { error: PostgrestError | null }, code: string, message: string, reason: string, what: string) {
  expectError(result, code, message, what);
  expect(result.error?.hint, `${what}: reason`).toBe(reason);
}

function begin(person: Person, ticket: string, fileName: string, contentType: string, size: number, internal?: boolean) {
  return person.client.rpc('begin_attachment', {
    p_ticket_id: ticket,
    p_file_name: fileName,
    p_content_type: contentType,
    p_size_bytes: size,
    ...(internal === undefined ? {} : { p_internal: internal }),
  });
}

async function begun(person: Person, ticket: string, fileName: string, contentType: string, size: number, internal?: boolean): Promise<Begun> {
  return ok(await begin(person, ticket, fileName, contentType, size, internal), `begin_attachment ${fileName}`) as Begun;
}

/** Uploads as the browser does: a Blob with its own type (multipart). */
function upload(client: SupabaseClient, objectName: string, text: string, contentType: string, upsert = false) {
  return client.storage.from(BUCKET).upload(objectName, new Blob([text], { type: contentType }), { contentType, upsert });
}

/** begin → upload → complete, as the customer's browser does it; returns the finished row. */
async function attach(person: Person, ticket: string, fileName: string, text: string, contentType = 'text/plain'): Promise<AttachmentRow> {
  const size = new TextEncoder().encode(text).byteLength;
  const started = await begun(person, ticket, fileName, contentType, size);
  const uploaded = await upload(person.client, started.object_name, text, contentType);
  expect(uploaded.error, `upload ${fileName}`).toBeNull();
  return ok(await person.client.rpc('complete_attachment', { p_id: started.id }), `complete ${fileName}`) as AttachmentRow;
}

const row = (id: string) => sql<AttachmentRow>('select * from public.ticket_attachments where id = $1', [id]).then((rows) => rows[0]);
const objectExists = async (name: string) =>
  (await sql<{ n: number }>("select count(*)::int as n from storage.objects where bucket_id = 'attachments' and name = $1", [name]))[0]!.n === 1;

/** The logical storage-api status of a refusal (`statusCode` in its body), e.g. '403' or '404'. */
function storageStatus(error: unknown): string | undefined {
  return (error as { statusCode?: string } | null)?.statusCode;
}

/**
 * Reads an object through a signed URL, as a link in the page does (no apikey, no Authorization). The
 * download name is appended here, encoded once: storage-js's own `download` option runs the name through
 * URLSearchParams and then encodeURI, so a name with `/`, `%` or non-ASCII characters arrives encoded twice.
 */
async function readSigned(client: SupabaseClient, objectName: string, download?: string): Promise<Response> {
  const signed = await client.storage.from(BUCKET).createSignedUrl(objectName, 60);
  expect(signed.error, 'createSignedUrl').toBeNull();
  return fetch(download === undefined ? signed.data!.signedUrl : `${signed.data!.signedUrl}&download=${encodeURIComponent(download)}`);
}

/** The file name a browser saves a download under (RFC 6266 `filename*`). */
function savedName(response: Response): string | undefined {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(response.headers.get('content-disposition') ?? '')?.[1];
  return encoded === undefined ? undefined : decodeURIComponent(encoded);
}

/** What a person can do with an object: read its bytes, sign it, see it in a listing, see its row. */
async function access(person: Person | 'anon', file: AttachmentRow) {
  const client = person === 'anon' ? anonClient() : person.client;
  const [downloaded, signed, listed, rows] = await Promise.all([
    client.storage.from(BUCKET).download(file.object_name),
    client.storage.from(BUCKET).createSignedUrl(file.object_name, 60),
    client.storage.from(BUCKET).list(file.ticket_id, { limit: 1000 }),
    client.from('ticket_attachments').select('id').eq('id', file.id),
  ]);
  return {
    download: !downloaded.error,
    sign: !signed.error,
    list: (listed.data ?? []).some((entry) => entry.name === file.id),
    row: (rows.data ?? []).length === 1,
  };
}
const ALL = { download: true, sign: true, list: true, row: true };
const NONE = { download: false, sign: false, list: false, row: false };

describe('limits', () => {
  it('are the settings, readable by signed-in people only', async () => {
    const limits = ok(await customer.client.rpc('attachment_limits'), 'attachment_limits') as {
      max_file_bytes: number;
      max_ticket_bytes: number;
      refused_extensions: string[];
      refused_types: string[];
    };
    expect(limits.max_file_bytes).toBe(25 * MB);
    expect(limits.max_ticket_bytes).toBe(200 * MB);
    expect(limits.refused_extensions).toEqual(expect.arrayContaining(['exe', 'msi', 'bat', 'cmd', 'com', 'scr', 'ps1', 'vbs', 'js', 'jar', 'app', 'dmg', 'apk', 'sh']));
    expect(limits.refused_types).toEqual(expect.arrayContaining(['application/x-msdownload', 'application/x-sh']));
    expectError(await anonClient().rpc('attachment_limits'), '42501', undefined, 'anon');
  });

  it('the bucket is private and its size limit follows the per-file setting', async () => {
    const bucket = await sqlRow<{ public: boolean; file_size_limit: string; allowed_mime_types: string[] | null }>(
      "select public, file_size_limit, allowed_mime_types from storage.buckets where id = 'attachments'",
    );
    expect(bucket).toEqual({ public: false, file_size_limit: String(25 * MB), allowed_mime_types: null });
    await sql('update app.settings set attachment_max_file_bytes = $1', [30 * MB]);
    try {
      expect((await sqlRow<{ limit: string }>("select file_size_limit as limit from storage.buckets where id = 'attachments'")).limit).toBe(String(30 * MB));
      ok(await begin(customer, ticketId, 'bigger.zip', 'application/zip', 30 * MB), 'a file within the raised limit');
    } finally {
      await sql('update app.settings set attachment_max_file_bytes = $1', [25 * MB]);
    }
    expect((await sqlRow<{ limit: string }>("select file_size_limit as limit from storage.buckets where id = 'attachments'")).limit).toBe(String(25 * MB));
  });

  it('refuses a file over the per-file limit, and accepts one exactly at it', async () => {
    const ticket = (await createTicket(customer, true)).id;
    expectRefusal(await begin(customer, ticket, 'dump.bin', 'application/octet-stream', 25 * MB + 1), '22023', 'invalid_input', 'file_too_large', 'over');
    const refused = await begin(customer, ticket, 'dump.bin', 'application/octet-stream', 25 * MB + 1);
    expect(refused.error?.details).toBe('The file is 26214401 bytes; a file may be at most 26214400 bytes.');
    expect((await begin(customer, ticket, 'dump.bin', 'application/octet-stream', 40 * MB)).error?.details).toBe('The file is 40 MB; a file may be at most 25 MB.');
    ok(await begin(customer, ticket, 'dump.bin', 'application/octet-stream', 25 * MB), 'at the limit');
    expect(await sql('select 1 from public.ticket_attachments where ticket_id = $1', [ticket])).toHaveLength(1);
  });

  it('counts unfinished uploads against the ticket limit', async () => {
    const ticket = (await createTicket(customer, true)).id;
    for (let i = 0; i < 8; i += 1) ok(await begin(customer, ticket, `part-${i}.log`, 'text/plain', 25 * MB), `part ${i}`);
    // 8 × 25 MB pending = 200 MB: the ticket is full although nothing was uploaded.
    const full = await begin(customer, ticket, 'one-more.txt', 'text/plain', 1);
    expectRefusal(full, '22023', 'invalid_input', 'ticket_full', 'one byte more');
    expect(full.error?.details).toMatch(/already holds 200 MB of files/);
    // A discarded upload frees its share.
    const [first] = await sql<{ id: string }>('select id from public.ticket_attachments where ticket_id = $1 order by created_at limit 1', [ticket]);
    ok(await customer.client.rpc('discard_attachment', { p_id: first!.id }), 'discard');
    ok(await begin(customer, ticket, 'one-more.txt', 'text/plain', 1), 'fits after a discard');
  });

  it('caps a person\'s unfinished uploads at 50, however small', async () => {
    const uploader = await createPerson();
    const ticket = (await createTicket(uploader, true)).id;
    const begins = await Promise.all(Array.from({ length: 50 }, (_, i) => begin(uploader, ticket, `empty-${i}.txt`, 'text/plain', 0)));
    expect(begins.filter((result) => result.error)).toEqual([]);
    expectRefusal(await begin(uploader, ticket, 'one-more.txt', 'text/plain', 0), 'PT409', 'invalid_state', 'too_many_uploads', '51st');
    const first = (begins[0]!.data as Begun).id;
    ok(await uploader.client.rpc('discard_attachment', { p_id: first }), 'discard one');
    ok(await begin(uploader, ticket, 'one-more.txt', 'text/plain', 0), 'room again');
  });

  it('refuses executables and scripts by extension and by type, whatever the case or trailing dots', async () => {
    for (const name of ['setup.exe', 'SETUP.EXE', 'setup.exe. . ', 'install.msi', 'run.sh', 'x.PS1', 'app.js']) {
      expectRefusal(await begin(customer, ticketId, name, 'application/octet-stream', 10), '22023', 'invalid_input', 'file_type', name);
    }
    const byType = await begin(customer, ticketId, 'innocent.bin', 'application/x-msdownload; charset=binary', 10);
    expectRefusal(byType, '22023', 'invalid_input', 'file_type', 'by type');
    expect(byType.error?.details).toBe('Files of type application/x-msdownload cannot be attached: programs and scripts are refused.');
    expectRefusal(await begin(customer, ticketId, 'a.txt', 'not a type', 10), '22023', 'invalid_input', 'content_type', 'malformed type');
    // An extension only in the middle is not the file's type.
    ok(await begin(customer, ticketId, 'notes.exe.txt', 'text/plain', 10), 'exe in the middle');
  });

  it('refuses control and direction characters and names over 255 characters; keeps everything else as given', async () => {
    for (const name of ['line\nbreak.txt', 'tab\there.txt', 'nul\u0001.txt', 'evil\u202Egnp.exe', 'c1\u0085.txt', '', '   ']) {
      expectRefusal(await begin(customer, ticketId, name, 'text/plain', 1), '22023', 'invalid_input', 'file_name', JSON.stringify(name));
    }
    const long = await begin(customer, ticketId, `${'n'.repeat(252)}.txt`, 'text/plain', 1);
    expectRefusal(long, '22023', 'invalid_input', 'file_name', '256 characters');
    expect(long.error?.details).toBe('The file name is 256 characters long; at most 255 are allowed. Rename the file and try again.');
    for (const name of [`${'n'.repeat(251)}.txt`, '../../etc/passwd', '..\\..\\boot.ini', 'Überweisung 日本語 📎 "quoted" <b>.pdf']) {
      const started = await begun(customer, ticketId, `  ${name}  `, 'application/pdf', 1);
      expect((await row(started.id))?.file_name, 'trimmed, otherwise as given').toBe(name);
      expect(started.object_name, 'the key never holds the name').toBe(`${ticketId}/${started.id}`);
    }
  });
});

describe('a customer on their own ticket', () => {
  it('begins, uploads, completes, and reads the file back through a signed URL with its own name', async () => {
    const text = 'ERROR 2026-12-04 export failed\n';
    const started = await begun(customer, ticketId, 'export.log', 'text/plain', text.length);
    expect(started).toEqual({ id: started.id, object_name: `${ticketId}/${started.id}`, bucket: 'attachments' });
    expect((await row(started.id))?.status).toBe('pending');
    expect((await upload(customer.client, started.object_name, text, 'text/plain')).error).toBeNull();
    const done = ok(await customer.client.rpc('complete_attachment', { p_id: started.id }), 'complete') as AttachmentRow;
    expect(done).toMatchObject({ status: 'ready', file_name: 'export.log', size_bytes: text.length, internal: false, uploaded_by: customer.userId });
    expect(done.completed_at).not.toBeNull();
    // Completing again (a retried request) returns the same row.
    expect(ok(await customer.client.rpc('complete_attachment', { p_id: started.id }), 'again')).toEqual(done);

    const response = await readSigned(customer.client, started.object_name, 'export.log');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(text);
    expect(savedName(response)).toBe('export.log');
    const downloaded = await customer.client.storage.from(BUCKET).download(started.object_name);
    expect(await downloaded.data?.text()).toBe(text);
    expect(await access(customer, done)).toEqual(ALL);
  });

  it('a ../ name is stored under the ticket key and comes back under its own name', async () => {
    const done = await attach(customer, ticketId, '../../../etc/passwd', 'root:x:0:0');
    expect(done.object_name).toBe(`${ticketId}/${done.id}`);
    expect(done.file_name).toBe('../../../etc/passwd');
    const response = await readSigned(customer.client, done.object_name, done.file_name);
    expect(await response.text()).toBe('root:x:0:0');
    expect(savedName(response)).toBe('../../../etc/passwd');
    const unicode = await attach(customer, ticketId, 'Überweisung 日本語 📎 "100%".txt', 'ü');
    const unicodeResponse = await readSigned(customer.client, unicode.object_name, unicode.file_name);
    expect(await unicodeResponse.text()).toBe('ü');
    expect(savedName(unicodeResponse)).toBe('Überweisung 日本語 📎 "100%".txt');
  });

  it('a zero-byte file works', async () => {
    const done = await attach(customer, ticketId, 'empty.txt', '');
    expect(done.size_bytes).toBe(0);
    const response = await readSigned(customer.client, done.object_name);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('a file the browser knows no type for is application/octet-stream on both sides', async () => {
    // A File with an empty type (a .log in most browsers) is sent in multipart as application/octet-stream.
    const started = await begun(customer, ticketId, 'server.log', '', 4);
    const uploaded = await customer.client.storage.from(BUCKET).upload(started.object_name, new Blob(['logs']));
    expect(uploaded.error).toBeNull();
    const done = ok(await customer.client.rpc('complete_attachment', { p_id: started.id }), 'complete') as AttachmentRow;
    expect(done.content_type).toBe('application/octet-stream');
  });

  it('a colleague on the same account reads it too', async () => {
    const colleague = await createPerson();
    await sql("insert into public.account_members (account_id, user_id, role) values ($1, $2, 'member')", [customer.accountId, colleague.userId]);
    const done = await attach(customer, ticketId, 'shared.txt', 'for the team');
    expect(await access(colleague, done)).toEqual(ALL);
  });

  it('cannot overwrite, rename or remove a file, even their own', async () => {
    const done = await attach(customer, ticketId, 'keep.txt', 'original');
    const again = await upload(customer.client, done.object_name, 'replaced', 'text/plain');
    expect(again.error, 'upload to a used key').not.toBeNull();
    const upsert = await upload(customer.client, done.object_name, 'replaced', 'text/plain', true);
    expect(storageStatus(upsert.error), 'upsert needs an UPDATE policy there is none of').toBe('403');
    const moved = await customer.client.storage.from(BUCKET).move(done.object_name, `${ticketId}/${randomUUID()}`);
    expect(moved.error, 'move').not.toBeNull();
    const removed = await customer.client.storage.from(BUCKET).remove([done.object_name]);
    expect(removed.data ?? [], 'remove removes nothing').toEqual([]);
    const response = await readSigned(customer.client, done.object_name);
    expect(await response.text()).toBe('original');
  });

  it('cannot add files to a closed ticket', async () => {
    const ticket = (await createTicket(customer, false)).id;
    ok(await customer.client.rpc('cancel_ticket', { p_ticket_id: ticket }), 'cancel');
    expectRefusal(await begin(customer, ticket, 'late.txt', 'text/plain', 1), 'PT409', 'invalid_state', 'ticket_closed', 'closed ticket');
  });
});

describe('another customer', () => {
  let file: AttachmentRow;
  let pending: Begun;
  beforeAll(async () => {
    file = await attach(customer, ticketId, 'private.txt', 'customer secrets');
    pending = await begun(customer, ticketId, 'later.txt', 'text/plain', 5);
  });

  it('cannot begin an upload on the ticket', async () => {
    expectError(await begin(other, ticketId, 'mine.txt', 'text/plain', 1), 'PT404', 'not_found', 'other begins');
  });

  it('cannot upload to its keys: a pending one, a finished one, or a guessed one', async () => {
    const onPending = await upload(other.client, pending.object_name, 'hi!!!', 'text/plain');
    expect(storageStatus(onPending.error), 'the pending key of someone else').toBe('403');
    const guessed = await upload(other.client, `${ticketId}/${randomUUID()}`, 'hi', 'text/plain');
    expect(storageStatus(guessed.error), 'a guessed key').toBe('403');
    const named = await upload(other.client, `${ticketId}/passwd`, 'hi', 'text/plain');
    expect(storageStatus(named.error), 'a guessed name').toBe('403');
    const overwrite = await upload(other.client, file.object_name, 'hacked', 'text/plain', true);
    expect(overwrite.error, 'an upsert over a finished file').not.toBeNull();
    // Signing an upload URL needs the same INSERT check.
    const signedUpload = await other.client.storage.from(BUCKET).createSignedUploadUrl(pending.object_name);
    expect(storageStatus(signedUpload.error), 'a signed upload URL').toBe('403');
    expect(await objectExists(pending.object_name), 'nothing stored').toBe(false);
    expect(await sql("select 1 from storage.objects where bucket_id = 'attachments' and name like $1 and name not in (select object_name from public.ticket_attachments)", [`${ticketId}/%`])).toEqual([]);
    const response = await readSigned(customer.client, file.object_name);
    expect(await response.text(), 'the file is unchanged').toBe('customer secrets');
  });

  it('cannot read, list or sign its objects, or see its rows; nor can anyone signed out', async () => {
    expect(await access(other, file)).toEqual(NONE);
    expect(await access('anon', file)).toEqual(NONE);
    const downloaded = await other.client.storage.from(BUCKET).download(file.object_name);
    expect(storageStatus(downloaded.error), 'invisible is not found').toBe('404');
    const signed = await other.client.storage.from(BUCKET).createSignedUrl(file.object_name, 60);
    expect(storageStatus(signed.error)).toBe('404');
    expect(await other.client.storage.from(BUCKET).exists(file.object_name)).toMatchObject({ data: false });
    const listed = await other.client.storage.from(BUCKET).list(ticketId);
    expect(listed.data ?? []).toEqual([]);
    const all = await other.client.storage.from(BUCKET).list('');
    expect((all.data ?? []).map((entry) => entry.name)).not.toContain(ticketId);
  });

  it('cannot complete, discard or attach the customer\'s upload', async () => {
    expectError(await other.client.rpc('complete_attachment', { p_id: pending.id }), 'PT404', 'not_found', 'complete');
    expectError(await other.client.rpc('discard_attachment', { p_id: pending.id }), 'PT404', 'not_found', 'discard');
    expect((await row(pending.id))?.status).toBe('pending');
  });
});

describe('staff', () => {
  it('read every file, and an internal one disappears for the customer, bytes included', async () => {
    const file = await attach(customer, ticketId, 'has-other-customers-data.csv', 'a,b\n1,2', 'text/csv');
    expect(await access(engineer, file)).toEqual(ALL);
    expect(await access(admin, file)).toEqual(ALL);
    expectError(await customer.client.rpc('set_attachment_internal', { p_id: file.id, p_internal: true }), '42501', 'forbidden', 'customer');

    ok(await engineer.client.rpc('set_attachment_internal', { p_id: file.id, p_internal: true }), 'mark internal');
    expect(await access(customer, file)).toEqual(NONE);
    expect(await access(engineer, file)).toEqual(ALL);
    expect(await access(admin, file)).toEqual(ALL);
    // The uploader cannot take back a file staff made internal either.
    expectError(await customer.client.rpc('discard_attachment', { p_id: file.id }), 'PT404', 'not_found', 'discard internal');

    ok(await admin.client.rpc('set_attachment_internal', { p_id: file.id, p_internal: false }), 'visible again');
    expect(await access(customer, file)).toEqual(ALL);
  });

  it('add files on any ticket, internal from the start when they say so; customers cannot', async () => {
    expectError(await begin(customer, ticketId, 'note.txt', 'text/plain', 1, true), '42501', 'forbidden', 'customer internal');
    const started = await begun(engineer, ticketId, 'internal-trace.txt', 'text/plain', 5, true);
    expect((await upload(engineer.client, started.object_name, 'trace', 'text/plain')).error).toBeNull();
    const done = ok(await engineer.client.rpc('complete_attachment', { p_id: started.id }), 'complete') as AttachmentRow;
    expect(done.internal).toBe(true);
    expect(await access(customer, done)).toEqual(NONE);
    expect(await access(admin, done)).toEqual(ALL);
  });

  it('do not see someone else\'s unfinished upload', async () => {
    const started = await begun(customer, ticketId, 'half.txt', 'text/plain', 4);
    expect((await upload(customer.client, started.object_name, 'half', 'text/plain')).error).toBeNull();
    const unfinished = { ...(await row(started.id))! };
    expect(await access(engineer, unfinished)).toEqual(NONE);
    expect(await access(customer, unfinished), 'the uploader sees their own').toEqual(ALL);
  });
});

describe('complete_attachment', () => {
  it('fails while the object is missing', async () => {
    const started = await begun(customer, ticketId, 'never.txt', 'text/plain', 3);
    expectRefusal(await customer.client.rpc('complete_attachment', { p_id: started.id }), 'PT409', 'invalid_state', 'not_uploaded', 'no object');
    expect((await row(started.id))?.status).toBe('pending');
  });

  it('fails when the stored size is not the declared one', async () => {
    const fewer = await begun(customer, ticketId, 'short.txt', 'text/plain', 10);
    expect((await upload(customer.client, fewer.object_name, 'five!', 'text/plain')).error).toBeNull();
    const refused = await customer.client.rpc('complete_attachment', { p_id: fewer.id });
    expectRefusal(refused, 'PT409', 'invalid_state', 'size_mismatch', 'fewer bytes');
    expect(refused.error?.details).toBe('The uploaded file has 5 bytes, not the 10 declared when it was started; discard it and add the file again.');
    expect((await row(fewer.id))?.status).toBe('pending');

    // More bytes than declared: the bucket's policy refuses the object once its size is known (the local
    // stack checks the written size; hosted storage-api may probe with none, and then complete_attachment
    // refuses it as above), and nothing is stored.
    const more = await begun(customer, ticketId, 'long.txt', 'text/plain', 3);
    const uploaded = await upload(customer.client, more.object_name, 'more than three', 'text/plain');
    expect(storageStatus(uploaded.error)).toBe('403');
    expect(await objectExists(more.object_name)).toBe(false);
    expectRefusal(await customer.client.rpc('complete_attachment', { p_id: more.id }), 'PT409', 'invalid_state', 'not_uploaded', 'nothing to complete');
    expect((await row(more.id))?.status).toBe('pending');
  });

  it('fails when the object was stored under another type than declared', async () => {
    const started = await begun(customer, ticketId, 'picture.png', 'image/png', 13);
    expect((await upload(customer.client, started.object_name, '<script>1</script>'.slice(0, 13), 'text/html')).error).toBeNull();
    expectRefusal(await customer.client.rpc('complete_attachment', { p_id: started.id }), 'PT409', 'invalid_state', 'type_mismatch', 'type');
    expect(await access(engineer, (await row(started.id))!)).toEqual(NONE);
  });
});

describe('attach_to_message', () => {
  async function message(person: Person, body = 'See the attached files', internal = false): Promise<string> {
    return (ok(
      await person.client.rpc('post_message', { p_ticket_id: ticketId, p_body: body, p_internal: internal }).single<{ id: string }>(),
      'post_message',
    )).id;
  }

  it('sends the caller\'s finished files with their own message; sending them again changes nothing', async () => {
    const [a, b] = [await attach(customer, ticketId, 'a.txt', 'A'), await attach(customer, ticketId, 'b.txt', 'B')];
    const messageId = await message(customer);
    ok(await customer.client.rpc('attach_to_message', { p_message_id: messageId, p_attachment_ids: [a.id, b.id, a.id] }), 'attach');
    ok(await customer.client.rpc('attach_to_message', { p_message_id: messageId, p_attachment_ids: [a.id] }), 'again');
    expect((await row(a.id))?.message_id).toBe(messageId);
    expect((await row(b.id))?.message_id).toBe(messageId);
    expect((await row(a.id))?.internal).toBe(false);
    // Sent files stay: the other side may have read them.
    expectRefusal(await customer.client.rpc('discard_attachment', { p_id: a.id }), 'PT409', 'invalid_state', 'sent', 'discard sent');
  });

  it('files sent with an internal note become internal', async () => {
    const started = await begun(engineer, ticketId, 'debug.txt', 'text/plain', 3);
    expect((await upload(engineer.client, started.object_name, 'dbg', 'text/plain')).error).toBeNull();
    const done = ok(await engineer.client.rpc('complete_attachment', { p_id: started.id }), 'complete') as AttachmentRow;
    const note = await message(engineer, 'Internal analysis', true);
    ok(await engineer.client.rpc('attach_to_message', { p_message_id: note, p_attachment_ids: [done.id] }), 'attach to note');
    expect((await row(done.id))?.internal).toBe(true);
    expect(await access(customer, done)).toEqual(NONE);
  });

  it('refuses what is not the caller\'s, not finished, on another ticket, sent already, or an old message', async () => {
    const mine = await attach(customer, ticketId, 'mine.txt', 'M');
    const messageId = await message(customer);
    const staffMessage = await message(engineer, 'An answer');
    expectError(await customer.client.rpc('attach_to_message', { p_message_id: staffMessage, p_attachment_ids: [mine.id] }), 'PT404', 'not_found', 'staff message');
    expectError(await engineer.client.rpc('attach_to_message', { p_message_id: staffMessage, p_attachment_ids: [mine.id] }), 'PT404', 'not_found', 'not the engineer\'s file');

    const pending = await begun(customer, ticketId, 'pending.txt', 'text/plain', 1);
    expectRefusal(await customer.client.rpc('attach_to_message', { p_message_id: messageId, p_attachment_ids: [pending.id] }), 'PT409', 'invalid_state', 'not_ready', 'pending');

    const otherTicket = (await createTicket(customer, true)).id;
    const elsewhere = await attach(customer, otherTicket, 'elsewhere.txt', 'E');
    expectRefusal(await customer.client.rpc('attach_to_message', { p_message_id: messageId, p_attachment_ids: [elsewhere.id] }), '22023', 'invalid_input', 'other_ticket', 'other ticket');

    ok(await customer.client.rpc('attach_to_message', { p_message_id: messageId, p_attachment_ids: [mine.id] }), 'attach');
    const second = await message(customer, 'Another message');
    expectRefusal(await customer.client.rpc('attach_to_message', { p_message_id: second, p_attachment_ids: [mine.id] }), 'PT409', 'invalid_state', 'attached_elsewhere', 'sent already');

    const late = await attach(customer, ticketId, 'late.txt', 'L');
    await sql("update public.ticket_messages set created_at = now() - interval '2 hours' where id = $1", [second]);
    expectRefusal(await customer.client.rpc('attach_to_message', { p_message_id: second, p_attachment_ids: [late.id] }), 'PT409', 'invalid_state', 'message_too_old', 'old message');

    expectError(await customer.client.rpc('attach_to_message', { p_message_id: messageId, p_attachment_ids: [] }), '22023', 'invalid_input', 'no files');
    // One refusal changes nothing: the valid file of the same call stays unsent.
    const fresh = await message(customer, 'Fresh');
    expectRefusal(await customer.client.rpc('attach_to_message', { p_message_id: fresh, p_attachment_ids: [late.id, pending.id] }), 'PT409', 'invalid_state', 'not_ready', 'mixed');
    expect((await row(late.id))?.message_id).toBeNull();
  });
});

describe('discard_attachment', () => {
  it('abandons an upload: the row and its object are hidden at once, and its key takes no upload', async () => {
    const started = await begun(customer, ticketId, 'abandon.txt', 'text/plain', 3);
    ok(await customer.client.rpc('discard_attachment', { p_id: started.id }), 'discard');
    ok(await customer.client.rpc('discard_attachment', { p_id: started.id }), 'discard twice');
    expect((await row(started.id))?.status).toBe('discarded');
    expect(storageStatus((await upload(customer.client, started.object_name, 'abc', 'text/plain')).error)).toBe('403');
    expectRefusal(await customer.client.rpc('complete_attachment', { p_id: started.id }), 'PT409', 'invalid_state', 'discarded', 'complete discarded');
  });

  it('takes back a finished file not yet sent with a message', async () => {
    const done = await attach(customer, ticketId, 'oops.txt', 'wrong file');
    ok(await customer.client.rpc('discard_attachment', { p_id: done.id }), 'discard');
    expect(await access(customer, done)).toEqual(NONE);
    expect(await access(engineer, done)).toEqual(NONE);
  });
});

afterAll(async () => {
  await sql('update app.settings set attachment_max_file_bytes = $1', [25 * MB]);
});
