/**
 * Realtime through the gateway as supabase-js uses it: the Phoenix socket (join, leave, heartbeat,
 * malformed frames), broadcast between clients with `self` and `ack`, the REST broadcast endpoints,
 * broadcasts from the database delivered after commit and in commit order, private channels authorized
 * by RLS on realtime.messages (policies created here, as a project's migration would), presence, and
 * tokens checked at connect and at join.
 */
import { request } from 'node:http';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../core/jwt.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { stack as project } from './helpers.ts';

let running: Awaited<ReturnType<typeof startThrowawayStack>>;
const clients: SupabaseClient[] = [];
const noPersistence = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };

function client(key = running.keys.anonKey): SupabaseClient {
  const made = createClient(running.apiUrl, key, noPersistence);
  clients.push(made);
  return made;
}

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const db = new pg.Client({ connectionString: running.dbUrl });
  await db.connect();
  try {
    return (await db.query<T>(text, values)).rows;
  } finally {
    await db.end();
  }
}

let users = 0;
async function signedIn(): Promise<{ client: SupabaseClient; id: string; token: string }> {
  const email = `realtime-${process.pid}-${++users}@example.test`;
  const created = await client(running.keys.serviceRoleKey).auth.admin.createUser({ email, password: 'correct-horse-battery', email_confirm: true });
  if (created.error) throw new Error(`creating a user failed: ${created.error.message}`);
  const made = client();
  const { data, error } = await made.auth.signInWithPassword({ email, password: 'correct-horse-battery' });
  if (error || !data.user || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  await made.realtime.setAuth(data.session.access_token);
  return { client: made, id: data.user.id, token: data.session.access_token };
}

/** The first status subscribe() reports, with the error text when it is not SUBSCRIBED. */
function subscribe(channel: RealtimeChannel): Promise<{ status: string; error?: string }> {
  return new Promise((resolve) => {
    let done = false;
    channel.subscribe((status, error) => {
      if (done) return;
      done = true;
      resolve({ status, error: error?.message });
    });
  });
}

function collect(channel: RealtimeChannel, event: string): unknown[] {
  const seen: unknown[] = [];
  channel.on('broadcast', { event }, (message) => seen.push(message.payload));
  return seen;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let topicCount = 0;
const topic = (name: string) => `${name}-${++topicCount}`;

/** A raw socket (v2 unless asked), for what supabase-js never sends. */
async function rawSocket(apikey = running.keys.anonKey, vsn = '2.0.0'): Promise<{ ws: WebSocket; frames: unknown[]; send(frame: unknown): void }> {
  const ws = new WebSocket(`${running.apiUrl.replace('http', 'ws')}/realtime/v1/websocket?apikey=${apikey}&vsn=${vsn}`);
  const frames: unknown[] = [];
  ws.addEventListener('message', (event) => {
    if (typeof event.data === 'string') frames.push(JSON.parse(event.data));
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('error', reject);
  });
  return { ws, frames, send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)) };
}

/** The HTTP answer to an upgrade request, as a browser would never show it. */
function upgradeAnswer(query: string): Promise<{ status: number; body: string }> {
  const url = new URL(`${running.apiUrl}/realtime/v1/websocket?${query}`);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, body: '' });
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  running = await startThrowawayStack({
    label: 'realtime',
    supabaseDir: project.supabaseDir,
    configOverlay: { auth: { rate_limit: { sign_in_sign_ups: 100000 } } },
    // Realtime waits 5 s before a join error and 2 s before a refused connect; the tests need not.
    realtimeLimits: { joinErrorDelayMs: 100, connectErrorDelayMs: 100 },
  });
}, 120_000);

afterAll(async () => {
  for (const made of clients) await made.removeAllChannels();
  await running?.stop();
});

describe('the socket', () => {
  it('joins with the reply Realtime sends, and leaves', async () => {
    const socket = await rawSocket();
    socket.send(['1', '1', 'realtime:room', 'phx_join', { config: { broadcast: { self: false }, presence: { key: '' }, postgres_changes: [], private: false } }]);
    await until(() => socket.frames.length > 0);
    expect(socket.frames[0]).toEqual(['1', '1', 'realtime:room', 'phx_reply', { status: 'ok', response: { postgres_changes: [] } }]);
    socket.send(['1', '2', 'realtime:room', 'phx_leave', {}]);
    await until(() => socket.frames.length >= 3);
    expect(socket.frames.slice(1, 3)).toEqual([
      ['1', '2', 'realtime:room', 'phx_reply', { status: 'ok', response: {} }],
      ['1', '1', 'realtime:room', 'phx_close', {}],
    ]);
    socket.ws.close();

    const channel = client().channel(topic('room'));
    expect(await subscribe(channel)).toEqual({ status: 'SUBSCRIBED', error: undefined });
    expect(await channel.unsubscribe()).toBe('ok');
  });

  it('answers heartbeats, and answers malformed frames and unknown events without closing', async () => {
    const socket = await rawSocket();
    socket.send('not json');
    socket.send('{"an":"object, not an array"}');
    socket.send([null, '1', 'realtime:nowhere', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }]);
    socket.ws.send(new Uint8Array([9, 9, 9]));
    socket.send(['2', '2', 'realtime:room', 'phx_join', {}]);
    socket.send(['2', '3', 'realtime:room', 'no_such_event', {}]);
    socket.send([null, '4', 'phoenix', 'heartbeat', {}]);
    await until(() => socket.frames.length >= 3);
    expect(socket.frames).toEqual([
      [null, '1', 'realtime:nowhere', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }],
      ['2', '2', 'realtime:room', 'phx_reply', { status: 'ok', response: { postgres_changes: [] } }],
      [null, '4', 'phoenix', 'phx_reply', { status: 'ok', response: {} }],
    ]);
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    socket.ws.close();
  });

  it('refuses a join without a sub-topic, and a bad access token, with Realtime\'s reasons', async () => {
    const socket = await rawSocket();
    socket.send(['1', '1', 'realtime:', 'phx_join', {}]);
    const expired = await signJwt({ role: 'anon', exp: Math.floor(Date.now() / 1000) - 100 }, running.keys.jwtSecret);
    socket.send(['2', '2', 'realtime:a', 'phx_join', { access_token: expired }]);
    const noExp = await signJwt({ role: 'anon' }, running.keys.jwtSecret);
    socket.send(['3', '3', 'realtime:b', 'phx_join', { access_token: noExp }]);
    await until(() => socket.frames.length >= 3);
    expect(socket.frames[0]).toEqual(['1', '1', 'realtime:', 'phx_reply', { status: 'error', response: { reason: 'TopicNameRequired: You must provide a topic name' } }]);
    expect(socket.frames[1]).toMatchObject(['2', '2', 'realtime:a', 'phx_reply', { status: 'error' }]);
    expect(JSON.stringify(socket.frames[1])).toMatch(/"InvalidJWTToken: Token has expired \d+ seconds ago"/);
    expect(socket.frames[2]).toEqual(['3', '3', 'realtime:b', 'phx_reply', { status: 'error', response: { reason: 'InvalidJWTToken: Fields `role` and `exp` are required in JWT' } }]);
    socket.ws.close();
  });

  it('refuses to connect without a valid key, in Realtime\'s words', async () => {
    expect(await upgradeAnswer('vsn=2.0.0')).toEqual({ status: 401, body: '{"error":"API key is missing"}' });
    const forged = await signJwt({ role: 'service_role', exp: Math.floor(Date.now() / 1000) + 60 }, 'not-the-secret-of-this-stack-at-all');
    expect(await upgradeAnswer(`apikey=${forged}&vsn=2.0.0`)).toEqual({ status: 401, body: '{"error":"Failed to validate JWT signature"}' });
    expect(await upgradeAnswer('apikey=garbage&vsn=2.0.0')).toEqual({ status: 401, body: '{"error":"The token provided is not a valid JWT"}' });
    const noRole = await signJwt({ exp: Math.floor(Date.now() / 1000) + 60 }, running.keys.jwtSecret);
    expect(await upgradeAnswer(`apikey=${noRole}&vsn=2.0.0`)).toEqual({ status: 403, body: '{"error":"Fields `role` and `exp` are required in JWT"}' });
    // The publishable key is mapped to the anon JWT, as the CLI's gateway does.
    expect((await upgradeAnswer(`apikey=${running.keys.publishableKey}&vsn=2.0.0`)).status).toBe(101);
  });

  it('closes a channel whose token expires, with the system message first', async () => {
    const socket = await rawSocket();
    const shortLived = await signJwt({ role: 'anon', exp: Math.floor(Date.now() / 1000) + 1 }, running.keys.jwtSecret);
    socket.send(['1', '1', 'realtime:expiring', 'phx_join', { access_token: shortLived }]);
    await until(() => socket.frames.length >= 3, 5000);
    expect(socket.frames[1]).toMatchObject(['1', null, 'realtime:expiring', 'system', { extension: 'system', status: 'error', channel: 'expiring' }]);
    expect(JSON.stringify(socket.frames[1])).toMatch(/"message":"Token has expired \d+ seconds ago"/);
    expect(socket.frames[2]).toEqual(['1', '1', 'realtime:expiring', 'phx_close', {}]);
    socket.ws.close();
  });
});

describe('broadcast', () => {
  it('reaches other clients, the sender only with self, and acks only with ack', async () => {
    const name = topic('chat');
    const sender = client().channel(name, { config: { broadcast: { self: true, ack: true } } });
    const receiver = client().channel(name);
    const quiet = client().channel(name, { config: { broadcast: { self: false } } });
    const [toSender, toReceiver, toQuiet] = [collect(sender, 'msg'), collect(receiver, 'msg'), collect(quiet, 'msg')];
    for (const channel of [sender, receiver, quiet]) expect((await subscribe(channel)).status).toBe('SUBSCRIBED');
    expect(await sender.send({ type: 'broadcast', event: 'msg', payload: { text: 'hello wörld' } })).toBe('ok');
    expect(await quiet.send({ type: 'broadcast', event: 'msg', payload: { text: 'from quiet' } })).toBe('ok');
    await until(() => toReceiver.length === 2 && toSender.length === 2);
    expect(toReceiver).toEqual([{ text: 'hello wörld' }, { text: 'from quiet' }]);
    expect(toSender).toEqual([{ text: 'hello wörld' }, { text: 'from quiet' }]);
    await pause(200);
    // Without self the quiet client never hears itself.
    expect(toQuiet).toEqual([{ text: 'hello wörld' }]);
  });

  it('sends one broadcast to v1 and v2 sockets of a topic, each in its own serializer', async () => {
    // The frame is encoded once per serializer for the whole topic: a v1 socket must never get v2 bytes.
    const name = topic('mixed');
    const config = { config: { broadcast: { self: false }, presence: { key: '' }, postgres_changes: [], private: false } };
    const v2 = [await rawSocket(), await rawSocket()];
    const v1 = [await rawSocket(undefined, '1.0.0'), await rawSocket(undefined, '1.0.0')];
    for (const socket of v2) socket.send(['1', '1', `realtime:${name}`, 'phx_join', config]);
    for (const socket of v1) socket.send({ join_ref: '1', ref: '1', topic: `realtime:${name}`, event: 'phx_join', payload: config });
    await until(() => [...v1, ...v2].every((socket) => socket.frames.length === 1));
    const sender = client().channel(name);
    expect((await subscribe(sender)).status).toBe('SUBSCRIBED');
    expect(await sender.send({ type: 'broadcast', event: 'msg', payload: { n: 1 } })).toBe('ok');
    await until(() => [...v1, ...v2].every((socket) => socket.frames.length === 2));
    const payload = { type: 'broadcast', event: 'msg', payload: { n: 1 } };
    for (const socket of v2) expect(socket.frames[1]).toEqual([null, null, `realtime:${name}`, 'broadcast', payload]);
    for (const socket of v1) expect(socket.frames[1]).toEqual({ topic: `realtime:${name}`, event: 'broadcast', payload, ref: null });
    for (const socket of [...v1, ...v2]) socket.ws.close();
  });

  it('keeps public and private channels of one name apart', async () => {
    const name = topic('apart');
    await sql(`create policy "apart read" on realtime.messages for select to anon using (realtime.topic() = '${name}')`);
    const publicOne = client().channel(name);
    const privateOne = client().channel(name, { config: { private: true } });
    const [heardPublic, heardPrivate] = [collect(publicOne, 'e'), collect(privateOne, 'e')];
    expect((await subscribe(publicOne)).status).toBe('SUBSCRIBED');
    expect((await subscribe(privateOne)).status).toBe('SUBSCRIBED');
    const sender = client().channel(name);
    expect((await subscribe(sender)).status).toBe('SUBSCRIBED');
    await sender.send({ type: 'broadcast', event: 'e', payload: { n: 1 } });
    await until(() => heardPublic.length === 1);
    await pause(200);
    expect(heardPrivate).toEqual([]);
  });

  it('takes REST broadcasts: send() before joining and httpSend()', async () => {
    const name = topic('rest');
    const listener = client().channel(name);
    const heard = collect(listener, 'z');
    expect((await subscribe(listener)).status).toBe('SUBSCRIBED');
    const notJoined = client().channel(name);
    expect(await notJoined.send({ type: 'broadcast', event: 'z', payload: { via: 'send before join' } })).toBe('ok');
    const joined = client().channel(name);
    expect((await subscribe(joined)).status).toBe('SUBSCRIBED');
    await expect(joined.httpSend('z', { via: 'httpSend' })).resolves.toMatchObject({ success: true });
    await until(() => heard.length === 2);
    expect(heard).toEqual([{ via: 'send before join' }, { via: 'httpSend' }]);
  });

  it('answers bad REST broadcasts with Realtime\'s statuses', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${running.apiUrl}/realtime/v1${path}`, {
        method: 'POST',
        headers: { apikey: running.keys.anonKey, 'content-type': 'application/json', ...headers },
        body,
      });
    const missing = await post('/api/broadcast', '{"messages":[{"topic":"t"}]}');
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ errors: { 'messages[0]': ["event can't be blank", 'payload must be an object'] } });
    expect((await post('/api/broadcast', 'not json')).status).toBe(422);
    expect((await post('/api/broadcast/t/events/e', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    const badBearer = await post('/api/broadcast', '{"messages":[{"topic":"t","event":"e","payload":{}}]}', { authorization: 'Bearer nope' });
    expect([badBearer.status, await badBearer.json()]).toEqual([401, { message: 'Unauthorized' }]);
    // A private topic nobody may write: single messages are refused, batch ones skipped.
    expect((await post('/api/broadcast/nobody/events/e?private=true', '{}')).status).toBe(403);
    expect((await post('/api/broadcast', '{"messages":[{"topic":"nobody","event":"e","payload":{},"private":true}]}')).status).toBe(202);
  });
});

describe('broadcast from the database', () => {
  it('delivers realtime.send() only after commit, never after a rollback, and in commit order', async () => {
    const name = topic('db');
    const listener = client().channel(name);
    const heard = collect(listener, 'row');
    expect((await subscribe(listener)).status).toBe('SUBSCRIBED');

    const first = new pg.Client({ connectionString: running.dbUrl });
    const second = new pg.Client({ connectionString: running.dbUrl });
    await Promise.all([first.connect(), second.connect()]);
    try {
      await first.query('begin');
      await first.query(`select realtime.send('{"n":"sent first, committed second"}', 'row', $1, false)`, [name]);
      await second.query('begin');
      await second.query(`select realtime.send('{"n":"sent second, committed first"}', 'row', $1, false)`, [name]);
      await pause(300);
      expect(heard).toEqual([]);
      await second.query('commit');
      await first.query('commit');
      await first.query('begin');
      await first.query(`select realtime.send('{"n":"rolled back"}', 'row', $1, false)`, [name]);
      await first.query('rollback');
      await first.query(`select realtime.send('{"n":"last"}', 'row', $1, false)`, [name]);
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
    await until(() => heard.length === 3);
    expect(heard.map((payload) => (payload as { n: string }).n)).toEqual(['sent second, committed first', 'sent first, committed second', 'last']);
    expect((heard[0] as { id?: string }).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('delivers realtime.broadcast_changes() from a trigger to a private channel the policy admits', async () => {
    const name = topic('changes');
    await sql(`
      create table public.rt_notes (id int primary key, body text);
      create function public.rt_notes_changed() returns trigger security definer language plpgsql set search_path = '' as $$
      begin
        perform realtime.broadcast_changes('${name}', tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
        return null;
      end $$;
      create trigger rt_notes_changed after insert or update or delete on public.rt_notes for each row execute function public.rt_notes_changed();
      create policy "changes read" on realtime.messages for select to authenticated using (realtime.topic() = '${name}');
    `);
    const user = await signedIn();
    const channel = user.client.channel(name, { config: { private: true } });
    const heard = collect(channel, 'INSERT');
    expect((await subscribe(channel)).status).toBe('SUBSCRIBED');
    await sql(`insert into public.rt_notes values (1, 'hello')`);
    await until(() => heard.length === 1);
    expect(heard[0]).toMatchObject({ operation: 'INSERT', table: 'rt_notes', schema: 'public', record: { id: 1, body: 'hello' }, old_record: null });
  });
});

describe('private channels', () => {
  it('refuses a join without a SELECT policy and admits one with it', async () => {
    const name = topic('secret');
    const user = await signedIn();
    const refused = user.client.channel(name, { config: { private: true } });
    const outcome = await subscribe(refused);
    expect(outcome).toEqual({ status: 'CHANNEL_ERROR', error: `Unauthorized: You do not have permissions to read from this Channel topic: ${name}` });
    await user.client.removeChannel(refused);

    await sql(`create policy "secret read" on realtime.messages for select to authenticated
               using (realtime.topic() = '${name}' and (select auth.uid()) = '${user.id}')`);
    const admitted = user.client.channel(name, { config: { private: true } });
    expect((await subscribe(admitted)).status).toBe('SUBSCRIBED');
    // Another user is still refused: the policy sees the caller's claims.
    const other = await signedIn();
    expect((await subscribe(other.client.channel(name, { config: { private: true } }))).status).toBe('CHANNEL_ERROR');
  });

  it('drops broadcasts from a member without an INSERT policy, and passes them with one', async () => {
    const name = topic('write');
    await sql(`create policy "write read" on realtime.messages for select to authenticated using (realtime.topic() = '${name}')`);
    const [writer, reader] = [await signedIn(), await signedIn()];
    const sending = writer.client.channel(name, { config: { private: true, broadcast: { ack: true } } });
    const listening = reader.client.channel(name, { config: { private: true } });
    const heard = collect(listening, 'm');
    expect((await subscribe(sending)).status).toBe('SUBSCRIBED');
    expect((await subscribe(listening)).status).toBe('SUBSCRIBED');
    // Realtime drops it silently, even with ack; the client's push times out.
    expect(await sending.send({ type: 'broadcast', event: 'm', payload: { n: 1 } }, { timeout: 700 })).toBe('timed out');
    expect(heard).toEqual([]);

    await sql(`create policy "write write" on realtime.messages for insert to authenticated with check (realtime.topic() = '${name}')`);
    // Realtime decides write access once per channel: the writer joins again to be asked anew.
    await writer.client.removeChannel(sending);
    const again = writer.client.channel(name, { config: { private: true, broadcast: { ack: true } } });
    expect((await subscribe(again)).status).toBe('SUBSCRIBED');
    expect(await again.send({ type: 'broadcast', event: 'm', payload: { n: 2 } })).toBe('ok');
    await until(() => heard.length === 1);
    expect(heard).toEqual([{ n: 2 }]);
  });
});

describe('presence', () => {
  it('syncs state, announces joins and leaves, and leaves on disconnect', async () => {
    const name = topic('lobby');
    const first = client().channel(name, { config: { presence: { key: 'ada' } } });
    const joins: string[] = [];
    const leaves: string[] = [];
    first.on('presence', { event: 'join' }, ({ key }) => joins.push(key));
    first.on('presence', { event: 'leave' }, ({ key }) => leaves.push(key));
    first.on('presence', { event: 'sync' }, () => undefined);
    expect((await subscribe(first)).status).toBe('SUBSCRIBED');
    expect(await first.track({ status: 'viewing' })).toBe('ok');

    const secondClient = client();
    const second = secondClient.channel(name, { config: { presence: { key: 'grace' } } });
    second.on('presence', { event: 'sync' }, () => undefined);
    expect((await subscribe(second)).status).toBe('SUBSCRIBED');
    await until(() => Object.keys(second.presenceState()).includes('ada'));
    expect(second.presenceState().ada).toEqual([expect.objectContaining({ status: 'viewing', presence_ref: expect.any(String) })]);
    expect(await second.track({ status: 'replying' })).toBe('ok');
    await until(() => joins.includes('grace'));
    expect(first.presenceState().grace).toEqual([expect.objectContaining({ status: 'replying' })]);

    void secondClient.realtime.disconnect();
    await until(() => leaves.includes('grace'));
    expect(Object.keys(first.presenceState())).toEqual(['ada']);
  });
});

describe('Postgres Changes through the socket', () => {
  it('deliver committed rows to the subscribers whose policies admit them, and refuse unpublished tables', async () => {
    await sql(`create table public.pgc_notes (id bigint generated always as identity primary key, owner uuid not null, body text not null);
               alter table public.pgc_notes enable row level security;
               create policy "own notes" on public.pgc_notes for select to authenticated using (owner = (select auth.uid()));
               grant select on public.pgc_notes to authenticated;
               alter publication supabase_realtime add table public.pgc_notes;
               create table public.pgc_unpublished (id bigint primary key);`);
    const [alice, bob] = [await signedIn(), await signedIn()];
    const seen = new Map<string, Array<{ eventType: string; new: { body?: string } }>>([[alice.id, []], [bob.id, []]]);
    for (const user of [alice, bob]) {
      const channel = user.client
        .channel(topic('notes'))
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'pgc_notes' }, (change) =>
          seen.get(user.id)!.push(change as unknown as { eventType: string; new: { body?: string } }),
        );
      expect((await subscribe(channel)).status).toBe('SUBSCRIBED');
    }
    await sql(`insert into public.pgc_notes (owner, body) values ($1, 'for alice 1'), ($2, 'for bob')`, [alice.id, bob.id]);
    await sql(`begin; insert into public.pgc_notes (owner, body) values ($1, 'rolled back'); rollback;`.replace('$1', `'${alice.id}'`));
    await sql(`insert into public.pgc_notes (owner, body) values ($1, 'for alice 2')`, [alice.id]);
    await until(() => seen.get(alice.id)!.length >= 2 && seen.get(bob.id)!.length >= 1, 10_000);
    await pause(300);
    expect(seen.get(alice.id)!.map((change) => [change.eventType, change.new.body])).toEqual([
      ['INSERT', 'for alice 1'],
      ['INSERT', 'for alice 2'],
    ]);
    expect(seen.get(bob.id)!.map((change) => change.new.body)).toEqual(['for bob']);

    const refused = alice.client
      .channel(topic('unpublished'))
      .on('postgres_changes', { event: '*', schema: 'public', table: 'pgc_unpublished' }, () => undefined);
    const outcome = await subscribe(refused);
    expect(outcome.status).toBe('CHANNEL_ERROR');
    expect(outcome.error).toContain('Unable to subscribe to changes with given parameters');
  });
});
