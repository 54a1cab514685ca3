/**
 * What a Realtime client may not do, on a stack with tight limits: oversize payloads, floods of
 * messages, too many channels, presence churn, frames too big for the socket. Each gets Realtime's
 * error or limit, and the service keeps serving everyone else. Also: binary broadcasts (kind 3 in,
 * kind 4 out) and access_token pushes that re-check a private channel.
 */
import { request } from 'node:http';
import type { Duplex } from 'node:stream';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../core/jwt.ts';
import { startThrowawayStack } from '../tooling/throwaway-stack.ts';
import { stack as project } from './helpers.ts';

let running: Awaited<ReturnType<typeof startThrowawayStack>>;
const clients: SupabaseClient[] = [];
const noPersistence = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };
const MAX_PAYLOAD = 10_000;
const MAX_USERS = 15;

function client(): SupabaseClient {
  const made = createClient(running.apiUrl, running.keys.anonKey, noPersistence);
  clients.push(made);
  return made;
}

function subscribe(channel: RealtimeChannel): Promise<string> {
  return new Promise((resolve) => {
    let done = false;
    channel.subscribe((status) => {
      if (!done) resolve(status);
      done = true;
    });
  });
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function rawSocket(): Promise<{ ws: WebSocket; frames: unknown[]; send(frame: unknown): void; closed: Promise<number> }> {
  const ws = new WebSocket(`${running.apiUrl.replace('http', 'ws')}/realtime/v1/websocket?apikey=${running.keys.anonKey}&vsn=2.0.0`);
  ws.binaryType = 'arraybuffer';
  const frames: unknown[] = [];
  ws.addEventListener('message', (event) => frames.push(typeof event.data === 'string' ? JSON.parse(event.data) : new Uint8Array(event.data as ArrayBuffer)));
  const closed = new Promise<number>((resolve) => ws.addEventListener('close', (event) => resolve(event.code)));
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('error', reject);
  });
  return { ws, frames, closed, send: (frame) => ws.send(JSON.stringify(frame)) };
}

let topicCount = 0;
const topic = (name: string) => `${name}-${++topicCount}`;

beforeAll(async () => {
  running = await startThrowawayStack({
    label: 'realtime-limits',
    supabaseDir: project.supabaseDir,
    realtimeLimits: { maxConcurrentUsers: MAX_USERS, maxPayloadBytes: MAX_PAYLOAD, maxEventsPerSecond: 30, maxChannelsPerClient: 3, joinErrorDelayMs: 50, connectErrorDelayMs: 50 },
  });
}, 120_000);

afterAll(async () => {
  for (const made of clients) await made.removeAllChannels();
  await running?.stop();
});

describe('limits', () => {
  it('answers an oversize broadcast with payload_size_exceeded (with ack) and delivers nothing', async () => {
    const name = topic('big');
    const sender = client().channel(name, { config: { broadcast: { ack: true } } });
    const receiver = client().channel(name);
    const heard: unknown[] = [];
    receiver.on('broadcast', { event: 'x' }, ({ payload }) => heard.push(payload));
    expect(await subscribe(sender)).toBe('SUBSCRIBED');
    expect(await subscribe(receiver)).toBe('SUBSCRIBED');
    const socket = await rawSocket();
    socket.send(['1', '1', `realtime:${name}`, 'phx_join', { config: { broadcast: { ack: true } } }]);
    socket.send([null, '2', `realtime:${name}`, 'broadcast', { type: 'broadcast', event: 'x', payload: { blob: 'x'.repeat(MAX_PAYLOAD) } }]);
    await until(() => socket.frames.length >= 2);
    expect(socket.frames[1]).toEqual([null, '2', `realtime:${name}`, 'phx_reply', { status: 'error', response: { error: 'payload_size_exceeded' } }]);
    expect(await sender.send({ type: 'broadcast', event: 'x', payload: { fits: true } })).toBe('ok');
    await until(() => heard.length === 1);
    expect(heard).toEqual([{ fits: true }]);
    socket.ws.close();
  });

  it('closes the socket of a frame beyond any payload limit, and keeps serving others', async () => {
    const socket = await rawSocket();
    socket.ws.send('x'.repeat(MAX_PAYLOAD + 200 * 1024));
    expect(await socket.closed).toBe(1009);
    const other = await rawSocket();
    other.send([null, '1', 'phoenix', 'heartbeat', {}]);
    await until(() => other.frames.length === 1);
    expect(other.frames[0]).toEqual([null, '1', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
    other.ws.close();
  });

  it('ends a flooding channel with "Too many messages per second"', async () => {
    const socket = await rawSocket();
    socket.send(['1', '1', 'realtime:flood', 'phx_join', {}]);
    for (let i = 0; i < 60; i += 1) socket.send([null, String(i + 2), 'realtime:flood', 'broadcast', { type: 'broadcast', event: 'x', payload: { i } }]);
    await until(() => socket.frames.some((frame) => (frame as unknown[])[3] === 'phx_close'));
    const system = socket.frames.find((frame) => (frame as unknown[])[3] === 'system');
    expect(system).toEqual(['1', null, 'realtime:flood', 'system', { extension: 'system', status: 'error', message: 'Too many messages per second', channel: 'flood' }]);
    socket.ws.close();
    // The budget is per second: once it renews, channels send again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await rawSocket();
    after.send(['1', '1', 'realtime:after-flood', 'phx_join', { config: { broadcast: { ack: true, self: true } } }]);
    after.send([null, '2', 'realtime:after-flood', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }]);
    await until(() => after.frames.length >= 3);
    expect(after.frames).toContainEqual([null, '2', 'realtime:after-flood', 'phx_reply', { status: 'ok', response: {} }]);
    after.ws.close();
  });

  it('refuses a channel beyond the per-socket limit with ChannelRateLimitReached', async () => {
    const socket = await rawSocket();
    for (let i = 1; i <= 4; i += 1) socket.send([String(i), String(i), `realtime:many-${i}`, 'phx_join', {}]);
    await until(() => socket.frames.length >= 4);
    expect(socket.frames[3]).toEqual(['4', '4', 'realtime:many-4', 'phx_reply', { status: 'error', response: { reason: 'ChannelRateLimitReached: Too many channels' } }]);
    socket.ws.close();
  });

  it('ends a channel that tracks presence more than 5 times in 30 s, and refuses a payload that is not a map', async () => {
    const socket = await rawSocket();
    socket.send(['1', '1', 'realtime:churn', 'phx_join', { config: { presence: { key: 'k', enabled: true } } }]);
    socket.send(['1', '2', 'realtime:churn', 'presence', { type: 'presence', event: 'track', payload: 'not a map' }]);
    for (let i = 0; i < 5; i += 1) socket.send(['1', String(i + 3), 'realtime:churn', 'presence', { type: 'presence', event: 'track', payload: { i } }]);
    await until(() => socket.frames.some((frame) => (frame as unknown[])[3] === 'phx_close'));
    expect(socket.frames).toContainEqual(['1', '2', 'realtime:churn', 'phx_reply', { status: 'error', response: { reason: 'Presence track payload must be a map' } }]);
    expect(socket.frames).toContainEqual(['1', null, 'realtime:churn', 'system', { extension: 'system', status: 'error', message: 'Client presence rate limit exceeded', channel: 'churn' }]);
    socket.ws.close();
  });
});

/** An upgrade through node:http, so a refusal's status and body can be read (a browser sees neither). */
function upgrade(): Promise<{ status: number; body: string; socket?: Duplex }> {
  return new Promise((resolve, reject) => {
    const req = request(`${running.apiUrl}/realtime/v1/websocket?apikey=${running.keys.anonKey}&vsn=2.0.0`, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 101, body: '', socket }));
    req.on('error', reject);
    req.end();
  });
}

describe('connected users', () => {
  it('are limited: beyond the limit a connect gets 429 "Too many connected users", and a freed place is taken again', async () => {
    const held: Duplex[] = [];
    let refused: { status: number; body: string } | undefined;
    for (let i = 0; i <= MAX_USERS && !refused; i += 1) {
      const answer = await upgrade();
      if (answer.socket) held.push(answer.socket);
      else refused = answer;
    }
    expect(refused).toEqual({ status: 429, body: '{"error":"Too many connected users"}' });
    held.pop()!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await upgrade();
    expect(again.status).toBe(101);
    for (const socket of [...held, again.socket!]) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
});

describe('refused joins', () => {
  it('wait out their delay without holding up the socket\'s other frames', async () => {
    const socket = await rawSocket();
    socket.send(['1', '1', 'realtime:nobody-may-read', 'phx_join', { config: { private: true } }]);
    socket.send([null, '2', 'phoenix', 'heartbeat', {}]);
    await until(() => socket.frames.length >= 2);
    expect(socket.frames).toEqual([
      [null, '2', 'phoenix', 'phx_reply', { status: 'ok', response: {} }],
      ['1', '1', 'realtime:nobody-may-read', 'phx_reply', { status: 'error', response: { reason: 'Unauthorized: You do not have permissions to read from this Channel topic: nobody-may-read' } }],
    ]);
    socket.ws.close();
  });
});

describe('the v1 serializer', () => {
  it('speaks JSON objects to a socket that asks for vsn 1.0.0, refs as the client sent them', async () => {
    const ws = new WebSocket(`${running.apiUrl.replace('http', 'ws')}/realtime/v1/websocket?apikey=${running.keys.anonKey}&vsn=1.0.0`);
    const frames: unknown[] = [];
    ws.addEventListener('message', (event) => frames.push(JSON.parse(event.data as string)));
    await new Promise((resolve) => ws.addEventListener('open', resolve));
    ws.send(JSON.stringify({ topic: 'realtime:v1', event: 'phx_join', payload: { config: { broadcast: { self: true } } }, ref: '1', join_ref: '1' }));
    ws.send(JSON.stringify({ topic: 'realtime:v1', event: 'broadcast', payload: { type: 'broadcast', event: 'e', payload: { a: 1 } }, ref: '2', join_ref: '1' }));
    await until(() => frames.length >= 2);
    expect(frames).toEqual([
      { topic: 'realtime:v1', event: 'phx_reply', payload: { status: 'ok', response: { postgres_changes: [] } }, ref: '1' },
      { topic: 'realtime:v1', event: 'broadcast', payload: { type: 'broadcast', event: 'e', payload: { a: 1 } }, ref: null },
    ]);
    ws.close();
  });
});

describe('binary broadcasts', () => {
  it('passes an ArrayBuffer payload from supabase-js as kind 3 and back as kind 4', async () => {
    const name = topic('bytes');
    const sender = client().channel(name);
    const receiver = client().channel(name);
    const heard: unknown[] = [];
    receiver.on('broadcast', { event: 'b' }, ({ payload }) => heard.push(payload));
    expect(await subscribe(sender)).toBe('SUBSCRIBED');
    expect(await subscribe(receiver)).toBe('SUBSCRIBED');
    expect(await sender.send({ type: 'broadcast', event: 'b', payload: new Uint8Array([1, 2, 255]).buffer })).toBe('ok');
    await until(() => heard.length === 1);
    expect([...new Uint8Array(heard[0] as ArrayBuffer)]).toEqual([1, 2, 255]);
  });
});

describe('access_token pushes', () => {
  it('close a private channel whose read permission is gone, and one given a bad token', async () => {
    const db = new pg.Client({ connectionString: running.dbUrl });
    await db.connect();
    await db.query(`create policy "revocable" on realtime.messages for select to anon using (realtime.topic() = 'revocable')`);
    const socket = await rawSocket();
    socket.send(['1', '1', 'realtime:revocable', 'phx_join', { config: { private: true } }]);
    socket.send(['2', '2', 'realtime:badtoken', 'phx_join', {}]);
    await until(() => socket.frames.length >= 2);
    expect(socket.frames.map((frame) => (frame as [unknown, unknown, unknown, unknown, { status: string }])[4].status)).toEqual(['ok', 'ok']);
    await db.query(`drop policy "revocable" on realtime.messages`);
    await db.end();
    const fresh = await signJwt({ role: 'anon', exp: Math.floor(Date.now() / 1000) + 600, fresh: true }, running.keys.jwtSecret);
    socket.send(['1', '3', 'realtime:revocable', 'access_token', { access_token: fresh }]);
    socket.send(['2', '4', 'realtime:badtoken', 'access_token', { access_token: 'not.a.jwt' }]);
    await until(() => socket.frames.length >= 6);
    expect(socket.frames.slice(2)).toEqual(expect.arrayContaining([
      ['1', null, 'realtime:revocable', 'system', { extension: 'system', status: 'error', message: 'You no longer have permission to read from this Channel topic: revocable', channel: 'revocable' }],
      ['1', '1', 'realtime:revocable', 'phx_close', {}],
      ['2', null, 'realtime:badtoken', 'system', { extension: 'system', status: 'error', message: 'Failed to validate JWT signature', channel: 'badtoken' }],
      ['2', '2', 'realtime:badtoken', 'phx_close', {}],
    ]));
    socket.ws.close();
  });
});

