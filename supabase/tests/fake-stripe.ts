/**
 * A fake Stripe API on 127.0.0.1 for the payment tests (no network): `POST /v1/checkout/sessions`
 * answering like Stripe, idempotency keys included (same key and parameters → the same session; same
 * key, other parameters → Stripe's idempotency_error). It records every request, so tests can assert
 * what the checkout function actually sent. Also builds and signs webhook events with the `stripe`
 * package's own test helper, exactly as Stripe signs them.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The form-encoded body as flat `key[0][sub]` → value pairs, as Stripe's clients send it. */
  params: Record<string, string>;
}

export interface FakeSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  payment_intent: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  amount_total: number;
  currency: string;
  url: string;
  success_url: string;
  cancel_url: string;
}

export interface FakeStripe {
  url: string;
  requests: RecordedRequest[];
  sessions: Map<string, FakeSession>;
  /** When set, the next session request is refused with this message (HTTP 400, not retried). */
  refuseNext: string | null;
  close(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Serves until closed; only requests authenticated with `secretKey` are answered, as Stripe does. */
export async function startFakeStripe(secretKey: string): Promise<FakeStripe> {
  const requests: RecordedRequest[] = [];
  const sessions = new Map<string, FakeSession>();
  const byIdempotencyKey = new Map<string, { body: string; session: FakeSession }>();

  const fake: FakeStripe = { url: '', requests, sessions, refuseNext: null, close: async () => {} };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const params = Object.fromEntries(new URLSearchParams(raw));
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      requests.push({ method: req.method ?? '', path, headers: req.headers, params });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': id('req') });
        res.end(JSON.stringify(body));
      };

      if (req.headers.authorization !== `Bearer ${secretKey}`) {
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      }
      if (req.method !== 'POST' || path !== '/v1/checkout/sessions') {
        return send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path})` } });
      }
      const key = req.headers['idempotency-key'];
      const replay = typeof key === 'string' ? byIdempotencyKey.get(key) : undefined;
      if (replay) {
        if (replay.body !== raw) {
          return send(400, {
            error: { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.' },
          });
        }
        res.setHeader('Idempotent-Replayed', 'true');
        return send(200, replay.session);
      }
      if (fake.refuseNext) {
        const message = fake.refuseNext;
        fake.refuseNext = null;
        return send(400, { error: { type: 'invalid_request_error', message } });
      }
      const sessionId = id('cs');
      const session: FakeSession = {
        id: sessionId,
        object: 'checkout.session',
        mode: params.mode ?? '',
        status: 'open',
        payment_status: 'unpaid',
        payment_intent: null,
        client_reference_id: params.client_reference_id ?? null,
        metadata: { order_id: params['metadata[order_id]'] ?? '' },
        amount_total: Number(params['line_items[0][price_data][unit_amount]']) * Number(params['line_items[0][quantity]']),
        currency: params['line_items[0][price_data][currency]'] ?? '',
        url: `https://checkout.stripe.test/c/pay/${sessionId}`,
        success_url: (params.success_url ?? '').replace('{CHECKOUT_SESSION_ID}', sessionId),
        cancel_url: params.cancel_url ?? '',
      };
      sessions.set(sessionId, session);
      if (typeof key === 'string') byIdempotencyKey.set(key, { body: raw, session });
      send(200, session);
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}

/** Section - webhook events */

export type SessionEventType =
  | 'checkout.session.completed'
  | 'checkout.session.async_payment_succeeded'
  | 'checkout.session.async_payment_failed'
  | 'checkout.session.expired';

/** A Stripe event about a checkout session, as Stripe would deliver it (the session as of the event). */
export function sessionEvent(type: SessionEventType, session: FakeSession, changes: Partial<FakeSession> = {}): string {
  return JSON.stringify({
    id: id('evt'),
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object: { ...session, ...changes } },
  });
}

/** The `Stripe-Signature` header Stripe would send for `payload`, made by the stripe package itself. */
export function signature(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): Promise<string> {
  return Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp });
}
