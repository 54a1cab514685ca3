/**
 * Supabase Realtime for the local stack: the Phoenix socket at /realtime/v1/websocket (broadcast,
 * presence, private channels authorized by RLS on `realtime.messages`, Postgres Changes handed to
 * postgres-changes.ts), the REST broadcast endpoints, and broadcasts from the database delivered at commit.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Duplex } from 'node:stream';
import type pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';
import type { JwtClaims } from '../core/jwt.ts';
import type { StackKeys } from '../core/keys.ts';
import type { Logger } from '../core/logger.ts';
import { checkToken, readAccess, writeAccess, type Extension } from './auth.ts';
import { listenForMessages } from './db-broadcast.ts';
import { decodeBinary, decodeText, encodeBinaryBroadcast, encodeText, encodeTextAround, type Frame, type Vsn } from './protocol.ts';

/** Realtime's defaults (tenant settings and Phoenix's); tests may tighten them. */
export interface RealtimeLimits {
  maxConcurrentUsers: number;
  maxChannelsPerClient: number;
  maxEventsPerSecond: number;
  maxJoinsPerSecond: number;
  maxPayloadBytes: number;
  presenceCallsPerWindow: number;
  presenceWindowMs: number;
  joinErrorDelayMs: number;
  connectErrorDelayMs: number;
  idleTimeoutMs: number;
}

export const DEFAULT_LIMITS: RealtimeLimits = {
  maxConcurrentUsers: 200,
  maxChannelsPerClient: 100,
  maxEventsPerSecond: 100,
  maxJoinsPerSecond: 100,
  maxPayloadBytes: 3000 * 1024,
  presenceCallsPerWindow: 5,
  presenceWindowMs: 30_000,
  joinErrorDelayMs: 5000,
  connectErrorDelayMs: 2000,
  idleTimeoutMs: 60_000,
};

const TOKEN_RECHECK_MS = 5 * 60_000;
const POSTGRES_CHANGES_MODULE = join(import.meta.dirname, 'postgres-changes.ts');

export interface RealtimeService {
  /** Takes an upgrade the gateway routed here; the path is after /realtime/v1. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  /** The REST API; `authorization` is what the gateway computed from the apikey and Bearer. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, url: URL, authorization: string | undefined): Promise<void>;
  close(): Promise<void>;
}

interface Message {
  event: string;
  payload: unknown;
  binary: boolean;
  meta?: Record<string, unknown>;
}

interface PresenceEntry {
  channel: Channel;
  meta: Record<string, unknown>;
}

interface Topic {
  channels: Set<Channel>;
  presence: Map<string, PresenceEntry[]>;
}

interface Connection {
  ws: WebSocket;
  /** The TCP socket under `ws`, corked while a batch of changes is written to it. */
  socket: Duplex;
  vsn: Vsn;
  claims: JwtClaims & { role: string; exp: number };
  headers: Record<string, string>;
  channels: Map<string, Channel>;
  /** Join errors waiting out their delay. */
  pending: Set<NodeJS.Timeout>;
  idle?: NodeJS.Timeout;
  closed: boolean;
}

interface Channel {
  conn: Connection;
  topic: string;
  sub: string;
  joinRef: string | null;
  private: boolean;
  self: boolean;
  ack: boolean;
  presenceKey: string;
  presenceEnabled: boolean;
  token: string | undefined;
  claims: JwtClaims & { role: string; exp: number };
  read: Set<Extension>;
  write: Map<Extension, Promise<boolean>>;
  presenceCalls: number[];
  timer?: NodeJS.Timeout;
  changes?: { unsubscribe(): void; handle: unknown };
  left: boolean;
}

/** Minimal shape of postgres-changes.ts, loaded only when a join asks for changes. */
interface PostgresChangesModule {
  startPostgresChanges(options: { superuserUrl: string; log: Logger }): Promise<{
    subscribe(
      subscriber: { role: string; claims: Record<string, unknown> },
      subs: unknown[],
      deliver: (ids: number[], change: unknown) => void,
    ): Promise<{ ids: number[]; unsubscribe(): void }>;
    updateSubscriber(handle: unknown, subscriber: { role: string; claims: Record<string, unknown> }): void;
    close(): Promise<void>;
  }>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Realtime's Ecto casts take booleans or the strings "true"/"false". */
function bool(value: unknown, fallback: boolean): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fallback;
}

function payloadSize(message: Message): number {
  return message.binary ? (message.payload as Buffer).length : Buffer.byteLength(JSON.stringify(message.payload ?? null));
}

export function createRealtimeService(options: {
  keys: StackKeys;
  /** A privileged pool: authorization checks switch to the caller's role inside it. */
  pool: pg.Pool;
  superuserUrl: string;
  log: Logger;
  limits?: Partial<RealtimeLimits>;
  /**
   * The stack's Postgres Changes, started with it (null when turned off); when absent, the module is
   * loaded and started on the first join that asks for changes.
   */
  postgresChanges?: Awaited<ReturnType<PostgresChangesModule['startPostgresChanges']>> | null;
}): RealtimeService {
  const { keys, pool, superuserUrl, log } = options;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes + 64 * 1024 });
  const topics = new Map<string, Topic>();
  const connections = new Set<Connection>();
  const events = { windowStart: 0, count: 0 };
  const joins = { windowStart: 0, count: 0 };
  let closing = false;

  /** Counts against a per-second tenant budget, as Realtime's rate counters do. */
  function allow(counter: { windowStart: number; count: number }, max: number): boolean {
    const now = Date.now();
    if (now - counter.windowStart >= 1000) {
      counter.windowStart = now;
      counter.count = 0;
    }
    counter.count += 1;
    return counter.count <= max;
  }

  // Public and private channels of one name are separate spaces, as Realtime's tenant topics are.
  function internalTopic(sub: string, isPrivate: boolean): string {
    return `${isPrivate ? 'private' : 'public'}:${sub}`;
  }

  function topicOf(name: string): Topic {
    let topic = topics.get(name);
    if (!topic) {
      topic = { channels: new Set(), presence: new Map() };
      topics.set(name, topic);
    }
    return topic;
  }

  function sendFrame(conn: Connection, frame: Frame): void {
    if (conn.closed || conn.ws.readyState !== conn.ws.OPEN) return;
    conn.ws.send(encodeText(frame, conn.vsn));
  }

  /**
   * Postgres Changes arrive in batches, delivered in one go: a socket that gets many frames at once has
   * them written in one system call when the batch is done rather than one each.
   */
  const corked = new Set<Connection>();
  function corkUntilNextTick(conn: Connection): void {
    if (corked.has(conn)) return;
    if (corked.size === 0) {
      process.nextTick(() => {
        for (const each of corked) each.socket.uncork();
        corked.clear();
      });
    }
    corked.add(conn);
    conn.socket.cork();
  }

  /** A change goes to every subscriber that may see it as the same object; its JSON is made once. */
  const changeJsonCache = new WeakMap<object, string>();
  function changeJson(data: unknown): string {
    if (!isObject(data)) return JSON.stringify(data ?? null);
    let json = changeJsonCache.get(data);
    if (json === undefined) {
      json = JSON.stringify(data);
      changeJsonCache.set(data, json);
    }
    return json;
  }

  function reply(conn: Connection, frame: Frame, status: 'ok' | 'error', response: unknown): void {
    sendFrame(conn, { joinRef: frame.joinRef, ref: frame.ref, topic: frame.topic, event: 'phx_reply', payload: { status, response } });
  }

  /** The broadcast frame as a socket of `vsn` gets it; undefined when that socket cannot take it. */
  function broadcastFrame(topic: string, vsn: Vsn, message: Message): { data: Buffer; binary: boolean } | undefined {
    if (message.binary) {
      // A v1 socket has no binary frames; Realtime drops binary payloads for it.
      const frame = vsn === '2.0.0' ? encodeBinaryBroadcast(topic, message.event, message.meta, message.payload as Buffer) : undefined;
      return frame && { data: frame, binary: true };
    }
    const payload: Record<string, unknown> = { type: 'broadcast', event: message.event, payload: message.payload };
    if (message.meta) payload.meta = message.meta;
    return { data: Buffer.from(encodeText({ joinRef: null, ref: null, topic, event: 'broadcast', payload }, vsn)), binary: false };
  }

  function fanOut(name: string, message: Message, from?: Channel): void {
    const topic = topics.get(name);
    if (!topic) return;
    // Every channel of a topic has the same topic name, so each receives the same bytes: encoded once per
    // protocol version for the whole topic, not once per subscriber.
    const frames = new Map<Vsn, { data: Buffer; binary: boolean } | undefined>();
    for (const channel of topic.channels) {
      if (channel === from && !channel.self) continue;
      if (channel.private && !channel.read.has('broadcast')) continue;
      const { conn } = channel;
      if (conn.closed || conn.ws.readyState !== conn.ws.OPEN) continue;
      if (!frames.has(conn.vsn)) frames.set(conn.vsn, broadcastFrame(channel.topic, conn.vsn, message));
      const frame = frames.get(conn.vsn);
      if (frame) conn.ws.send(frame.data, { binary: frame.binary });
    }
  }

  function systemMessage(channel: Channel, status: 'ok' | 'error', message: string, extension = 'system'): void {
    sendFrame(channel.conn, {
      joinRef: channel.joinRef,
      ref: null,
      topic: channel.topic,
      event: 'system',
      payload: { extension, status, message, channel: channel.sub },
    });
  }

  function presenceMetas(entries: PresenceEntry[]): { metas: Record<string, unknown>[] } {
    return { metas: entries.map((entry) => entry.meta) };
  }

  function presenceDiff(channel: Channel, joins: Record<string, unknown>, leaves: Record<string, unknown>): void {
    const topic = topics.get(internalTopic(channel.sub, channel.private));
    if (!topic) return;
    for (const other of topic.channels) {
      if (other.private && !other.read.has('presence')) continue;
      sendFrame(other.conn, { joinRef: null, ref: null, topic: other.topic, event: 'presence_diff', payload: { joins, leaves } });
    }
  }

  function untrack(channel: Channel): void {
    const topic = topics.get(internalTopic(channel.sub, channel.private));
    const entries = topic?.presence.get(channel.presenceKey);
    const mine = entries?.find((entry) => entry.channel === channel);
    if (!topic || !entries || !mine) return;
    const rest = entries.filter((entry) => entry !== mine);
    if (rest.length) topic.presence.set(channel.presenceKey, rest);
    else topic.presence.delete(channel.presenceKey);
    presenceDiff(channel, {}, { [channel.presenceKey]: { metas: [mine.meta] } });
  }

  function track(channel: Channel, payload: Record<string, unknown>): void {
    const topic = topicOf(internalTopic(channel.sub, channel.private));
    const entries = topic.presence.get(channel.presenceKey) ?? [];
    const mine = entries.find((entry) => entry.channel === channel);
    const meta: Record<string, unknown> = { ...payload, phx_ref: randomBytes(9).toString('base64url') };
    if (mine) {
      const { phx_ref: oldRef, ...old } = mine.meta;
      if (JSON.stringify(old) === JSON.stringify(payload)) return;
      const previous = mine.meta;
      mine.meta = { ...meta, phx_ref_prev: oldRef };
      presenceDiff(channel, { [channel.presenceKey]: { metas: [mine.meta] } }, { [channel.presenceKey]: { metas: [previous] } });
      return;
    }
    entries.push({ channel, meta });
    topic.presence.set(channel.presenceKey, entries);
    presenceDiff(channel, { [channel.presenceKey]: { metas: [meta] } }, {});
  }

  /** Removes a channel from its topic (untracking its presence) without telling its client. */
  function detach(channel: Channel): void {
    if (channel.left) return;
    channel.left = true;
    clearTimeout(channel.timer);
    channel.changes?.unsubscribe();
    untrack(channel);
    const name = internalTopic(channel.sub, channel.private);
    const topic = topics.get(name);
    topic?.channels.delete(channel);
    if (topic && topic.channels.size === 0 && topic.presence.size === 0) topics.delete(name);
    if (channel.conn.channels.get(channel.topic) === channel) channel.conn.channels.delete(channel.topic);
  }

  function close(channel: Channel): void {
    detach(channel);
    sendFrame(channel.conn, { joinRef: channel.joinRef, ref: channel.joinRef, topic: channel.topic, event: 'phx_close', payload: {} });
  }

  /** A system error followed by phx_close: how Realtime ends a channel it will no longer serve. */
  function shutdown(channel: Channel, message: string): void {
    if (channel.left) return;
    systemMessage(channel, 'error', message);
    close(channel);
  }

  /** Re-checks the token on a timer, as Realtime does every min(5 min, exp − now). */
  function scheduleTokenCheck(channel: Channel): void {
    clearTimeout(channel.timer);
    const untilExpiry = channel.claims.exp * 1000 - Date.now();
    channel.timer = setTimeout(() => {
      void (async () => {
        if (channel.left) return;
        const seconds = Math.floor(Date.now() / 1000) - channel.claims.exp;
        if (seconds >= 0) return shutdown(channel, `Token has expired ${seconds} seconds ago`);
        if (channel.private && !(await reauthorize(channel))) return;
        scheduleTokenCheck(channel);
      })().catch((error: unknown) => log.error('realtime', 'token re-check failed', error));
    }, Math.max(0, Math.min(TOKEN_RECHECK_MS, untilExpiry)));
  }

  /** The read check again; a read that was granted and is gone closes the channel. */
  async function reauthorize(channel: Channel): Promise<boolean> {
    const extensions: Extension[] = channel.presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
    const read = await readAccess(pool, channel.claims, channel.sub, extensions, channel.conn.headers);
    if (channel.left) return false;
    channel.write.clear();
    if (read.size === 0) {
      shutdown(channel, `You no longer have permission to read from this Channel topic: ${channel.sub}`);
      return false;
    }
    channel.read = read;
    return true;
  }

  async function mayWrite(channel: Channel, extension: Extension): Promise<boolean> {
    if (!channel.private) return true;
    let decision = channel.write.get(extension);
    if (!decision) {
      decision = writeAccess(pool, channel.claims, channel.sub, extension, channel.conn.headers);
      channel.write.set(extension, decision);
    }
    return decision;
  }

  let changes: Promise<Awaited<ReturnType<PostgresChangesModule['startPostgresChanges']>> | undefined> | undefined;
  /** Loaded when present, so the Postgres Changes module plugs in by being added; nothing to register. */
  function postgresChanges() {
    if (options.postgresChanges !== undefined) {
      changes ??= Promise.resolve(options.postgresChanges ?? undefined);
      return changes;
    }
    changes ??= (async () => {
      if (!existsSync(POSTGRES_CHANGES_MODULE)) return undefined;
      try {
        const module = (await import(pathToFileURL(POSTGRES_CHANGES_MODULE).href)) as PostgresChangesModule;
        return await module.startPostgresChanges({ superuserUrl, log });
      } catch (error) {
        log.error('realtime', 'Postgres Changes failed to start', error);
        return undefined;
      }
    })();
    return changes;
  }

  /**
   * Realtime answers a refused join after a delay, in the channel's own process; here the delay must not
   * hold up the socket's other channels, so the reply is scheduled rather than awaited.
   */
  function joinError(conn: Connection, frame: Frame, reason: string): void {
    const timer = setTimeout(() => {
      conn.pending.delete(timer);
      reply(conn, frame, 'error', { reason });
    }, limits.joinErrorDelayMs);
    conn.pending.add(timer);
    timer.unref();
  }

  async function join(conn: Connection, frame: Frame): Promise<void> {
    if (!frame.topic.startsWith('realtime:')) return joinError(conn, frame, 'TopicNameRequired: You must provide a topic name');
    const sub = frame.topic.slice('realtime:'.length);
    if (!sub) return joinError(conn, frame, 'TopicNameRequired: You must provide a topic name');
    if (!allow(joins, limits.maxJoinsPerSecond)) return joinError(conn, frame, 'ClientJoinRateLimitReached: Too many joins per second');
    const previous = conn.channels.get(frame.topic);
    if (previous) close(previous);
    if (conn.channels.size >= limits.maxChannelsPerClient) return joinError(conn, frame, 'ChannelRateLimitReached: Too many channels');

    const payload = isObject(frame.payload) ? frame.payload : {};
    const config = isObject(payload.config) ? payload.config : {};
    const broadcast = isObject(config.broadcast) ? config.broadcast : {};
    const presence = isObject(config.presence) ? config.presence : {};
    const subs = config.postgres_changes ?? [];
    if (!Array.isArray(subs) || !subs.every(isObject)) {
      return joinError(conn, frame, 'InvalidJoinPayload: config.postgres_changes must be a list of objects');
    }
    const rawToken = typeof payload.access_token === 'string' ? payload.access_token : typeof payload.user_token === 'string' ? payload.user_token : undefined;
    // An `sb_` key is not a JWT: Realtime then keeps the identity the socket connected with.
    const token = rawToken && !rawToken.startsWith('sb_') ? rawToken : undefined;
    let claims = conn.claims;
    if (token) {
      const check = await checkToken(token, keys.jwtSecret);
      if (!check.ok) {
        const code = check.message === 'Failed to validate JWT signature' ? 'JwtSignatureError' : 'InvalidJWTToken';
        return joinError(conn, frame, `${code}: ${check.message}`);
      }
      claims = check.claims;
    }
    const presenceKey = typeof presence.key === 'string' && presence.key !== '' ? presence.key : randomUUID();
    const channel: Channel = {
      conn,
      topic: frame.topic,
      sub,
      joinRef: frame.joinRef ?? frame.ref,
      private: bool(config.private, false),
      self: bool(broadcast.self, false),
      ack: bool(broadcast.ack, false),
      presenceKey,
      presenceEnabled: bool(presence.enabled, false),
      token,
      claims,
      read: new Set(['broadcast', 'presence']),
      write: new Map(),
      presenceCalls: [],
      left: false,
    };
    if (channel.private) {
      const extensions: Extension[] = channel.presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
      channel.read = await readAccess(pool, claims, sub, extensions, conn.headers);
      if (channel.read.size === 0) {
        return joinError(conn, frame, `Unauthorized: You do not have permissions to read from this Channel topic: ${sub}`);
      }
    }
    let echoed: unknown[] = [];
    if (subs.length > 0) {
      const service = await postgresChanges();
      if (!service) {
        return joinError(conn, frame, 'Unable to subscribe to changes with given parameters: Postgres Changes are not available in this stack');
      }
      try {
        // The frame's text around its payload is the same for every change: made once per subscription.
        const [before, after] = encodeTextAround({ joinRef: null, ref: null, topic: channel.topic, event: 'postgres_changes' }, '\u0000', conn.vsn).split('\u0000');
        const subscription = await service.subscribe({ role: claims.role, claims }, subs, (ids, data) => {
          if (channel.left || conn.closed || conn.ws.readyState !== conn.ws.OPEN) return;
          corkUntilNextTick(conn);
          conn.ws.send(`${before!}{"ids":${JSON.stringify(ids)},"data":${changeJson(data)}}${after!}`);
        });
        channel.changes = { unsubscribe: subscription.unsubscribe, handle: subscription };
        echoed = subs.map((params, index) => ({ ...params, id: subscription.ids[index] }));
      } catch (error) {
        return joinError(conn, frame, error instanceof Error ? error.message : String(error));
      }
    }
    if (conn.closed) return channel.changes?.unsubscribe();
    conn.channels.set(frame.topic, channel);
    const topic = topicOf(internalTopic(sub, channel.private));
    topic.channels.add(channel);
    reply(conn, frame, 'ok', { postgres_changes: echoed });
    if (subs.length > 0) systemMessage(channel, 'ok', 'Subscribed to PostgreSQL', 'postgres_changes');
    if (channel.presenceEnabled && channel.read.has('presence')) {
      const state: Record<string, unknown> = {};
      for (const [key, entries] of topic.presence) state[key] = presenceMetas(entries);
      sendFrame(conn, { joinRef: channel.joinRef, ref: null, topic: frame.topic, event: 'presence_state', payload: state });
    }
    scheduleTokenCheck(channel);
  }

  async function accessToken(channel: Channel, payload: unknown): Promise<void> {
    const token = isObject(payload) ? payload.access_token : undefined;
    if (typeof token !== 'string' || token.startsWith('sb_') || token === channel.token) return;
    const check = await checkToken(token, keys.jwtSecret);
    if (channel.left) return;
    if (!check.ok) return shutdown(channel, check.message);
    channel.token = token;
    channel.claims = check.claims;
    if (channel.private && !(await reauthorize(channel))) return;
    if (channel.changes) {
      const service = await postgresChanges();
      service?.updateSubscriber(channel.changes.handle, { role: check.claims.role, claims: check.claims });
    }
    scheduleTokenCheck(channel);
  }

  async function broadcastFromClient(channel: Channel, message: Message, frame: { joinRef: string | null; ref: string | null; topic: string }): Promise<void> {
    if (!allow(events, limits.maxEventsPerSecond)) return shutdown(channel, 'Too many messages per second');
    if (payloadSize(message) > limits.maxPayloadBytes) {
      if (channel.ack) reply(channel.conn, { ...frame, event: 'phx_reply', payload: null }, 'error', { error: 'payload_size_exceeded' });
      return;
    }
    // Without an INSERT policy the message is dropped without a word, even with ack, as Realtime does.
    if (!(await mayWrite(channel, 'broadcast')) || channel.left) return;
    fanOut(internalTopic(channel.sub, channel.private), message, channel);
    if (channel.ack) reply(channel.conn, { ...frame, event: 'phx_reply', payload: null }, 'ok', {});
  }

  async function presenceFromClient(channel: Channel, frame: Frame): Promise<void> {
    const payload = isObject(frame.payload) ? frame.payload : {};
    const now = Date.now();
    channel.presenceCalls = channel.presenceCalls.filter((at) => now - at < limits.presenceWindowMs);
    channel.presenceCalls.push(now);
    if (channel.presenceCalls.length > limits.presenceCallsPerWindow) return shutdown(channel, 'Client presence rate limit exceeded');
    if (payload.event === 'track') {
      if (!isObject(payload.payload)) return reply(channel.conn, frame, 'error', { reason: 'Presence track payload must be a map' });
      if (Buffer.byteLength(JSON.stringify(payload.payload)) > limits.maxPayloadBytes) return shutdown(channel, 'Track message size exceeded');
      if (!(await mayWrite(channel, 'presence'))) return reply(channel.conn, frame, 'error', {});
      if (channel.left) return;
      track(channel, payload.payload);
      return reply(channel.conn, frame, 'ok', {});
    }
    if (payload.event === 'untrack') {
      untrack(channel);
      return reply(channel.conn, frame, 'ok', {});
    }
    reply(channel.conn, frame, 'error', { reason: 'unknown presence event' });
  }

  async function onFrame(conn: Connection, frame: Frame): Promise<void> {
    if (frame.topic === 'phoenix') {
      if (frame.event === 'heartbeat') reply(conn, frame, 'ok', {});
      return;
    }
    if (frame.event === 'phx_join') return join(conn, frame);
    const channel = conn.channels.get(frame.topic);
    if (frame.event === 'phx_leave') {
      reply(conn, frame, 'ok', {});
      if (channel) close(channel);
      return;
    }
    if (!channel) return reply(conn, frame, 'error', { reason: 'unmatched topic' });
    switch (frame.event) {
      case 'access_token':
        return accessToken(channel, frame.payload);
      case 'broadcast': {
        const payload = isObject(frame.payload) ? frame.payload : {};
        if (typeof payload.event !== 'string') return;
        return broadcastFromClient(channel, { event: payload.event, payload: payload.payload, binary: false }, frame);
      }
      case 'presence':
        return presenceFromClient(channel, frame);
      default:
        // Unknown events are ignored, as Realtime's channel ignores them.
        return;
    }
  }

  function onConnection(ws: WebSocket, socket: Duplex, vsn: Vsn, claims: Connection['claims'], headers: Record<string, string>): void {
    const conn: Connection = { ws, socket, vsn, claims, headers, channels: new Map(), pending: new Set(), closed: false };
    connections.add(conn);
    const resetIdle = () => {
      clearTimeout(conn.idle);
      conn.idle = setTimeout(() => ws.close(1000, 'idle'), limits.idleTimeoutMs);
    };
    resetIdle();
    // Frames of one socket are handled in order, as one Phoenix channel process handles them.
    let queue = Promise.resolve();
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      resetIdle();
      queue = queue
        .then(async () => {
          if (conn.closed) return;
          if (isBinary) {
            const decoded = decodeBinary(data);
            if (!decoded.ok || !('broadcast' in decoded)) return log.info?.('realtime', `dropped a binary frame: ${decoded.ok ? '' : decoded.reason}`);
            const push = decoded.broadcast;
            const channel = conn.channels.get(push.topic);
            if (!channel) return reply(conn, { ...push, event: 'broadcast', payload: null }, 'error', { reason: 'unmatched topic' });
            return broadcastFromClient(channel, { event: push.event, payload: push.payload, binary: push.binary }, push);
          }
          const decoded = decodeText(data.toString('utf8'), vsn);
          // Phoenix drops a frame it cannot decode; the socket stays open.
          if (!decoded.ok || !('frame' in decoded)) return;
          await onFrame(conn, decoded.frame);
        })
        .catch((error: unknown) => log.error('realtime', 'handling a frame failed', error));
    });
    ws.on('error', () => undefined);
    ws.on('close', () => end(conn));
  }

  function end(conn: Connection): void {
    conn.closed = true;
    clearTimeout(conn.idle);
    for (const timer of conn.pending) clearTimeout(timer);
    connections.delete(conn);
    for (const channel of [...conn.channels.values()]) detach(channel);
  }

  function refuseUpgrade(socket: Duplex, status: number, message: string, delayMs: number): void {
    const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' }[status] ?? 'Error';
    const body = JSON.stringify({ error: message });
    setTimeout(() => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    }, delayMs);
  }

  /** As the CLI's Kong: a `sb_` key in the query becomes the JWT Realtime verifies. */
  function connectToken(url: URL, req: IncomingMessage): string | undefined {
    const header = req.headers['x-api-key'];
    const apikey = url.searchParams.get('apikey') ?? (typeof header === 'string' ? header : undefined);
    if (apikey === keys.secretKey) return keys.serviceRoleKey;
    if (apikey === keys.publishableKey) return keys.anonKey;
    return apikey ?? undefined;
  }

  async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limits.maxPayloadBytes + 64 * 1024) return undefined;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  function answer(res: ServerResponse, status: number, body?: unknown): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      'access-control-allow-origin': '*',
      ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  async function mayWriteHttp(claims: JwtClaims, topic: string, headers: Record<string, string>): Promise<boolean> {
    return writeAccess(pool, claims, topic, 'broadcast', headers);
  }

  const listener = listenForMessages({
    superuserUrl,
    log,
    onMessage(row) {
      const binary = row.binary_payload !== null;
      fanOut(internalTopic(row.topic, row.private), {
        event: row.event,
        payload: binary ? row.binary_payload : row.payload,
        binary,
        meta: { id: row.id },
      });
    },
  });

  return {
    upgrade(req, socket, head, url) {
      void (async () => {
        if (closing) return refuseUpgrade(socket, 503, 'Realtime is shutting down', 0);
        const token = connectToken(url, req);
        if (!token) return refuseUpgrade(socket, 401, 'API key is missing', limits.connectErrorDelayMs);
        const check = await checkToken(token, keys.jwtSecret);
        // Realtime answers a token without role or exp with 403, every other bad token with 401.
        if (!check.ok) return refuseUpgrade(socket, check.message.startsWith('Fields') ? 403 : 401, check.message, limits.connectErrorDelayMs);
        if (connections.size >= limits.maxConcurrentUsers) return refuseUpgrade(socket, 429, 'Too many connected users', limits.connectErrorDelayMs);
        const vsn: Vsn = url.searchParams.get('vsn') === '2.0.0' ? '2.0.0' : '1.0.0';
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
        wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, socket, vsn, check.claims, headers));
      })().catch((error: unknown) => {
        log.error('realtime', 'upgrade failed', error);
        socket.destroy();
      });
    },

    async handle(req, res, path, url, authorization) {
      if (req.method === 'OPTIONS') {
        req.resume();
        res.writeHead(200, {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization, apikey, content-type, x-client-info',
          'content-length': 0,
        });
        return void res.end();
      }
      const single = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(path);
      if (!(path === '/api/broadcast' || single) || req.method !== 'POST') {
        req.resume();
        return answer(res, 404, { message: 'Not Found' });
      }
      const token = authorization?.replace(/^Bearer\s+/i, '');
      const check = token ? await checkToken(token, keys.jwtSecret) : undefined;
      if (!check?.ok) {
        req.resume();
        return answer(res, 401, { message: 'Unauthorized' });
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (single) {
        if (contentType !== 'application/json' && contentType !== 'application/octet-stream') {
          req.resume();
          return answer(res, 415, { error: 'Unsupported Media Type. Use application/json or application/octet-stream' });
        }
        const body = await readBody(req);
        if (!body) return answer(res, 413, { error: 'Payload too large' });
        let topic: string, event: string;
        try {
          topic = decodeURIComponent(single[1]!);
          event = decodeURIComponent(single[2]!);
        } catch {
          return answer(res, 422, { errors: { topic: ['is invalid'] } });
        }
        let message: Message;
        if (contentType === 'application/json') {
          try {
            message = { event, payload: JSON.parse(body.toString('utf8')), binary: false };
          } catch {
            return answer(res, 422, { errors: { payload: ['is not valid JSON'] } });
          }
        } else {
          message = { event, payload: body, binary: true };
        }
        const isPrivate = url.searchParams.get('private') === 'true';
        if (isPrivate && !(await mayWriteHttp(check.claims, topic, headers))) return answer(res, 403, { message: 'Unauthorized' });
        if (!allow(events, limits.maxEventsPerSecond)) return answer(res, 429, { message: 'Too many messages per second' });
        fanOut(internalTopic(topic, isPrivate), { ...message, meta: { id: randomUUID() } });
        return answer(res, 202);
      }
      if (contentType !== 'application/json') {
        req.resume();
        return answer(res, 415, { error: 'Unsupported Media Type. Use application/json' });
      }
      const body = await readBody(req);
      if (!body) return answer(res, 413, { error: 'Payload too large' });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return answer(res, 422, { errors: { messages: ['the body is not valid JSON'] } });
      }
      const messages = isObject(parsed) ? parsed.messages : undefined;
      if (!Array.isArray(messages) || messages.length === 0) return answer(res, 422, { errors: { messages: ["can't be blank"] } });
      const errors: Record<string, string[]> = {};
      messages.forEach((message: unknown, index) => {
        const problems: string[] = [];
        if (!isObject(message)) problems.push('must be an object');
        else {
          if (typeof message.topic !== 'string' || message.topic === '') problems.push("topic can't be blank");
          if (typeof message.event !== 'string' || message.event === '') problems.push("event can't be blank");
          if (!isObject(message.payload)) problems.push('payload must be an object');
          if (message.private !== undefined && typeof message.private !== 'boolean') problems.push('private must be a boolean');
        }
        if (problems.length) errors[`messages[${index}]`] = problems;
      });
      if (Object.keys(errors).length) return answer(res, 422, { errors });
      for (const message of messages as Array<{ topic: string; event: string; payload: Record<string, unknown>; private?: boolean; id?: unknown }>) {
        if (!allow(events, limits.maxEventsPerSecond)) return answer(res, 429, { message: 'Too many messages per second' });
        // Realtime skips a private message the caller may not write, and still answers 202.
        if (message.private && !(await mayWriteHttp(check.claims, message.topic, headers))) continue;
        fanOut(internalTopic(message.topic, message.private === true), {
          event: message.event,
          payload: message.payload,
          binary: false,
          meta: { id: typeof message.id === 'string' ? message.id : randomUUID() },
        });
      }
      return answer(res, 202);
    },

    async close() {
      closing = true;
      listener.stop();
      for (const conn of [...connections]) {
        conn.ws.terminate();
        end(conn);
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      // What it started itself; the stack closes the one it handed in.
      if (options.postgresChanges === undefined) {
        const service = await changes;
        await service?.close();
      }
    },
  };
}
