/**
 * pg_net's background worker, as a part of the stack: it performs the requests that `net.http_get`,
 * `net.http_post` and `net.http_delete` queue in `net.http_request_queue` and records each answer in
 * `net._http_response`, as pg_net does (same columns, same meaning of `timed_out` and `error_msg`).
 *
 * It wakes when a request function's `pg_notify('pg_net_wake')` arrives — Postgres delivers it only
 * when the transaction commits, and a transaction that rolls back takes its queued rows with it, so
 * nothing is sent for it — and also polls now and then, in case a notification was missed while it
 * reconnected. A request's row is deleted when it is taken (pg_net's at-most-once: a request in flight
 * when the stack stops is not sent again). At most `concurrency` requests are in flight; they start in
 * the order they were queued.
 */
import http from 'node:http';
import https from 'node:https';
import pg from 'pg';
import { isConnectionError } from '../core/db-errors.ts';
import type { Logger } from '../core/logger.ts';

/** The version the stand-in's SQL declares (sql/pg_net.control); pg_net sends it as its User-Agent. */
const VERSION = '0.20.4';
/** The name `net.check_worker_is_up()` looks for in pg_stat_activity. */
export const WORKER_APPLICATION_NAME = 'pg_net worker';
/** As curl, which pg_net drives: redirects are followed, up to this many. */
const MAX_REDIRECTS = 30;

export interface PgNetOptions {
  /** Requests in flight at once (pg_net takes `pg_net.batch_size`, 200, per round). */
  concurrency?: number;
  /** How often the queue is read without a wake-up. */
  pollMs?: number;
  /** How long responses are kept (pg_net's `pg_net.ttl`); the `pg_net.ttl` setting, when set, wins. */
  ttl?: string;
}

export interface PgNetWorker {
  close(): Promise<void>;
}

interface QueuedRequest {
  id: string;
  method: string;
  url: string;
  timeout_milliseconds: number;
  headers: Record<string, unknown> | null;
  body: Buffer | null;
}

interface Outcome {
  statusCode: number | null;
  contentType: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timedOut: boolean;
  errorMsg: string | null;
}

const CLAIM_SQL = `
with rows as (
  select id from net.http_request_queue order by id limit $1 for update skip locked
)
delete from net.http_request_queue q using rows where q.id = rows.id
returning q.id, q.method, q.url, q.timeout_milliseconds, q.headers, q.body`;

const RECORD_SQL = `
insert into net._http_response (id, status_code, content, headers, content_type, timed_out, error_msg)
values ($1, $2, $3, $4, $5, $6, $7)`;

const PRUNE_SQL = `
with rows as (
  select ctid from net._http_response
  where created < now() - coalesce(nullif(current_setting('pg_net.ttl', true), ''), $1)::interval
  order by created limit 1000
)
delete from net._http_response r using rows where r.ctid = rows.ctid`;

/** pg_net's tables are missing until `create extension pg_net`: the worker then has nothing to do. */
function isMissingExtension(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '42P01' || code === '3F000';
}

/** The messages curl gives for what went wrong (pg_net stores curl_easy_strerror's text). */
function curlMessage(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return "Couldn't connect to server";
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return "Couldn't resolve host name";
    case 'ECONNRESET':
    case 'EPIPE':
      return 'Failure when receiving data from the peer';
    case 'ERR_TOO_MANY_REDIRECTS':
      return 'Number of redirects hit maximum amount';
    case 'ERR_UNSUPPORTED_PROTOCOL':
      return 'Unsupported protocol';
    default:
      return error.code?.startsWith('ERR_TLS') || error.code?.includes('CERT') ? 'SSL peer certificate or SSH remote key was not OK' : error.message;
  }
}

function send(request: QueuedRequest): Promise<Outcome> {
  const started = performance.now();
  const timeout = request.timeout_milliseconds;
  const headers: Record<string, string> = {};
  if (request.headers !== null) {
    for (const [name, value] of Object.entries(request.headers)) headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
    headers['User-Agent'] = `pg_net/${VERSION}`;
  }
  return new Promise((resolve) => {
    let settled = false;
    let current: http.ClientRequest | undefined;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      current?.destroy();
      resolve(outcome);
    };
    const failed = (errorMsg: string, timedOut = false): Outcome => ({
      statusCode: null,
      contentType: null,
      headers: null,
      content: null,
      timedOut,
      errorMsg,
    });
    // curl's CURLOPT_TIMEOUT_MS bounds the whole transfer, redirects included.
    const timer = setTimeout(() => {
      const total = (performance.now() - started).toFixed(3);
      finish(failed(`Timeout of ${timeout} ms reached. Total time: ${total} ms`, true));
    }, timeout);

    const go = (url: string, method: string, body: Buffer | null, redirects: number) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        finish(failed('URL using bad/illegal format or missing URL'));
        return;
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        finish(failed('Unsupported protocol'));
        return;
      }
      const requestHeaders = { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) };
      const client = target.protocol === 'https:' ? https : http;
      let req: http.ClientRequest;
      try {
        req = client.request(target, { method, headers: requestHeaders });
      } catch (error) {
        // A header name or value Node refuses (a CR or LF in it, say): nothing is sent.
        finish(failed(curlMessage(error as NodeJS.ErrnoException)));
        return;
      }
      current = req;
      req.on('error', (error: NodeJS.ErrnoException) => finish(failed(curlMessage(error))));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (location && [301, 302, 303, 307, 308].includes(status)) {
          res.resume();
          if (redirects >= MAX_REDIRECTS) {
            finish(failed('Number of redirects hit maximum amount'));
            return;
          }
          // As curl: a 303, or a 301/302 after a POST, goes on as a GET without the body.
          const toGet = status === 303 || ((status === 301 || status === 302) && method === 'POST');
          go(new URL(location, target).toString(), toGet ? 'GET' : method, toGet ? null : body, redirects + 1);
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: NodeJS.ErrnoException) => finish(failed(curlMessage(error))));
        res.on('end', () => {
          const responseHeaders: Record<string, string> = {};
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) responseHeaders[res.rawHeaders[i]!] = res.rawHeaders[i + 1]!;
          // pg_net keeps the body as a C string: it ends at the first NUL, and an empty one is null.
          const text = Buffer.concat(chunks).toString('utf8').split('\u0000')[0]!;
          const contentType = res.headers['content-type'];
          finish({
            statusCode: status,
            contentType: contentType ?? null,
            headers: responseHeaders,
            content: text === '' ? null : text,
            timedOut: false,
            errorMsg: null,
          });
        });
      });
      req.end(body ?? undefined);
    };
    go(request.url, request.method.toUpperCase(), request.body, 0);
  });
}

/** `url` reaches the database pg_net serves (`postgres`) as a role that may read and write `net.*`. */
export function startPgNetWorker(url: string, log: Logger, options: PgNetOptions = {}): PgNetWorker {
  const concurrency = Math.max(1, options.concurrency ?? 200);
  const pollMs = options.pollMs ?? 1000;
  const ttl = options.ttl ?? '6 hours';
  // Only the listening session bears the worker's name: the worker is up while it listens.
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: `${WORKER_APPLICATION_NAME} (requests)` });
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', () => undefined);

  let closed = false;
  let inflight = 0;
  const running = new Set<Promise<void>>();
  let draining: Promise<void> | undefined;
  let again = false;
  let listener: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const report = (message: string, error: unknown) => {
    if (closed || isConnectionError(error) || isMissingExtension(error)) return;
    log.error('pg_net', message, error);
  };

  const perform = async (request: QueuedRequest) => {
    const outcome = await send(request).catch(
      (error: unknown): Outcome => ({
        statusCode: null,
        contentType: null,
        headers: null,
        content: null,
        timedOut: false,
        errorMsg: error instanceof Error ? error.message : String(error),
      }),
    );
    try {
      await pool.query(RECORD_SQL, [
        request.id,
        outcome.statusCode,
        outcome.content,
        outcome.headers === null ? null : JSON.stringify(outcome.headers),
        outcome.contentType,
        outcome.timedOut,
        outcome.errorMsg,
      ]);
    } catch (error) {
      report(`could not record the response to request ${request.id}`, error);
    }
  };

  const drainOnce = async () => {
    while (!closed && inflight < concurrency) {
      let rows: QueuedRequest[];
      try {
        rows = (await pool.query<QueuedRequest>(CLAIM_SQL, [concurrency - inflight])).rows;
      } catch (error) {
        report('could not read net.http_request_queue', error);
        return;
      }
      if (rows.length === 0) return;
      rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      for (const request of rows) {
        inflight += 1;
        const task: Promise<void> = perform(request).finally(() => {
          inflight -= 1;
          running.delete(task);
          kick();
        });
        running.add(task);
      }
    }
  };

  // As pg_net, on each round: cheap, by the index on `created`.
  const prune = async () => {
    try {
      await pool.query(PRUNE_SQL, [ttl]);
    } catch (error) {
      report('could not delete expired responses', error);
    }
  };

  function kick(): void {
    if (closed) return;
    if (draining) {
      again = true;
      return;
    }
    // Prune first: a wake-up that arrives while the last step of a round runs is seen only if that step
    // is a drain (which `again` repeats). With the prune last, one arriving during it was lost until the
    // next poll.
    draining = (async () => {
      await prune();
      do {
        again = false;
        await drainOnce();
      } while (again && !closed && inflight < concurrency);
    })().finally(() => (draining = undefined));
  }

  const listen = async () => {
    if (closed) return;
    const client = new pg.Client({ connectionString: url, application_name: WORKER_APPLICATION_NAME });
    client.on('error', () => undefined);
    // A dropped connection (Postgres restarted) is made again; the poll covers the gap.
    client.on('end', () => {
      if (listener !== client) return;
      listener = undefined;
      if (!closed) reconnectTimer = setTimeout(() => void listen(), 500);
    });
    client.on('notification', () => kick());
    try {
      await client.connect();
      await client.query('listen pg_net_wake');
      if (closed) {
        await client.end();
        return;
      }
      listener = client;
      kick();
    } catch {
      await client.end().catch(() => undefined);
      if (!closed) reconnectTimer = setTimeout(() => void listen(), 1000);
    }
  };

  void listen();
  const poll = setInterval(kick, pollMs);

  return {
    async close() {
      closed = true;
      clearInterval(poll);
      clearTimeout(reconnectTimer);
      await listener?.end().catch(() => undefined);
      await draining;
      // Requests in flight finish (each within its own timeout) and are recorded, as far as the
      // database still takes them.
      await Promise.all(running);
      await pool.end();
    },
  };
}
