/**
 * The gateway: one HTTP port serving /auth/v1, /rest/v1, /functions/v1, /storage/v1 and /realtime/v1 (its
 * websocket and REST broadcast) like Supabase's
 * Kong — apikey required (functions excepted, as on Supabase, so webhooks can reach them; and storage's
 * public and signed URLs, which an `<img src>` or a download link reaches with no headers), CORS
 * answered and exposed, prefixes stripped — and the services not provided locally answered with a clear
 * 501. REST, Auth and Functions get buffered bodies, limited to 8 MB; storage gets the raw request and
 * response, so uploads and downloads stream at any size.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { StackKeys } from '../core/keys.ts';
import type { Logger } from '../core/logger.ts';
import type { ServiceHandler, ServiceRequest, ServiceResponse } from '../core/service.ts';
import type { RealtimeService } from '../realtime/index.ts';
import { isOpenStoragePath, type StorageService } from '../storage/index.ts';
import { clientAddress } from './client-ip.ts';
import { percentDecode } from '../core/url.ts';
import { checkApiKey, upstreamAuthorization } from './keys.ts';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

const EXPOSED_HEADERS = [
  'Content-Range', 'Content-Location', 'Location', 'Range-Unit', 'Content-Type', 'Preference-Applied',
  'Content-Profile', 'X-Total-Count', 'Link', 'X-Supabase-Api-Version', 'x-sb-error-code', 'X-Relay-Error',
].join(', ');
const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD';
const DEFAULT_ALLOWED_HEADERS =
  'authorization, x-client-info, apikey, content-type, accept, accept-profile, content-profile, prefer, range, range-unit, x-supabase-api-version, x-retry-count, traceparent, tracestate, baggage, x-region';

/**
 * Auth routes Kong leaves open: e-mail links land on them without an apikey, and token verifiers fetch
 * the public key set from anywhere.
 */
const OPEN_AUTH_PATHS = new Set(['/health', '/verify', '/callback', '/authorize', '/.well-known/jwks.json']);

const STORAGE_DISABLED = 'Storage (/storage/v1) is disabled: set [storage] enabled = true in supabase/config.toml.';

export interface GatewayServices {
  rest: ServiceHandler;
  auth: ServiceHandler;
  functions: ServiceHandler;
  /** Absent when `[storage] enabled = false`. */
  storage?: StorageService;
  /** Absent only in gateways tests build around a single service. */
  realtime?: RealtimeService;
}

function corsHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-expose-headers': EXPOSED_HEADERS,
  };
}

/** Functions answer CORS themselves on hosted Supabase, so the gateway adds nothing to theirs. */
function send(res: ServerResponse, req: IncomingMessage, response: ServiceResponse, cors = true): void {
  const body = response.body ?? '';
  const headers: Record<string, string | number> = { ...(cors ? corsHeaders() : {}), ...response.headers };
  if (!('content-length' in headers) && req.method !== 'HEAD') headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(response.status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function jsonResponse(status: number, body: unknown): ServiceResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseTarget(target: string): URL | undefined {
  try {
    return new URL(target, 'http://gateway.local');
  } catch {
    return undefined;
  }
}

export function createGateway(options: {
  keys: StackKeys;
  services: GatewayServices;
  log: Logger;
  /** Peers whose `X-Forwarded-For` names the client (see client-ip.ts); none by default. */
  trustedProxies?: readonly string[];
}): Server {
  const { keys, services, log } = options;
  const trustedProxies = new Set(options.trustedProxies ?? []);

  /**
   * Storage takes the raw request and response (bodies stream) once the key check and URL checks pass;
   * undefined means it answered (or will), a response is the gateway's own refusal.
   */
  async function routeStorage(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<ServiceResponse | undefined> {
    if (!services.storage) {
      req.resume();
      return jsonResponse(501, { code: 'not_implemented', message: STORAGE_DISABLED });
    }
    const headers = flatHeaders(req);
    const apikey = headers.apikey ?? url.searchParams.get('apikey') ?? undefined;
    let authorization = upstreamAuthorization(keys, apikey, headers.authorization);
    const decodedPath = percentDecode(path);
    if (decodedPath === undefined || decodedPath.includes('\u0000')) {
      req.resume();
      return jsonResponse(400, { message: 'Bad Request: malformed percent-encoding or a NUL character in the URL' });
    }
    if (!isOpenStoragePath(req.method ?? 'GET', decodedPath)) {
      const check = checkApiKey(keys, apikey, headers.authorization);
      if (!check.ok) {
        req.resume();
        return jsonResponse(check.status, check.body);
      }
      authorization = check.authorization;
    }
    await services.storage.handle(req, res, decodedPath, url.searchParams, authorization);
    return undefined;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<ServiceResponse | undefined> {
    const url = parseTarget(req.url ?? '/');
    if (!url) {
      // An absolute-form target Node's parser lets through, such as `GET http://[/rest/v1 HTTP/1.1`.
      req.resume();
      return jsonResponse(400, { message: 'Bad Request: the request target is not a valid URL' });
    }
    const match = /^\/(auth|rest|functions|storage|realtime)\/v1(\/.*)?$/.exec(url.pathname);
    if (!match) return jsonResponse(404, { message: 'no Route matched with those values' });
    const service = match[1]!;
    const path = match[2] ?? '/';
    // Storage answers its own OPTIONS: TUS clients read its Tus-* headers from them.
    if (service === 'storage') return routeStorage(req, res, url, path);

    if (req.method === 'OPTIONS' && service !== 'functions') {
      req.resume();
      return {
        status: 200,
        headers: {
          'access-control-allow-methods': ALLOWED_METHODS,
          'access-control-allow-headers': req.headers['access-control-request-headers'] ?? DEFAULT_ALLOWED_HEADERS,
          'access-control-max-age': '3600',
          'content-type': 'text/plain; charset=utf-8',
        },
        body: 'ok',
      };
    }
    const headers = flatHeaders(req);
    if (service === 'realtime') {
      if (!services.realtime) {
        req.resume();
        return jsonResponse(501, { code: 'not_implemented', message: 'Realtime is not running behind this gateway.' });
      }
      const check = checkApiKey(keys, headers.apikey ?? url.searchParams.get('apikey') ?? undefined, headers.authorization);
      if (!check.ok) {
        req.resume();
        return jsonResponse(check.status, check.body);
      }
      await services.realtime.handle(req, res, path, url, check.authorization);
      return undefined;
    }
    const apikey = headers.apikey ?? url.searchParams.get('apikey') ?? undefined;
    if (service === 'functions') {
      const authorization = upstreamAuthorization(keys, apikey, headers.authorization);
      if (authorization) headers.authorization = authorization;
    } else if (!(service === 'auth' && OPEN_AUTH_PATHS.has(path))) {
      const check = checkApiKey(keys, apikey, headers.authorization);
      if (!check.ok) {
        req.resume();
        return jsonResponse(check.status, check.body);
      }
      if (check.authorization) headers.authorization = check.authorization;
    }
    // Only once the caller has shown a key: services decode the path and query, and a `%ZZ` or a
    // non-UTF-8 escape there threw (500) where Kong answers 400. A NUL (%00) is refused too: Postgres
    // text cannot hold one, so it failed deep inside whichever service passed it on.
    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : '';
    const decoded = [percentDecode(url.pathname), percentDecode(rawQuery)];
    if (decoded.includes(undefined)) {
      req.resume();
      return jsonResponse(400, {
        message: 'Bad Request: malformed percent-encoding in the URL',
        hint: 'Each % must start an escape of two hex digits (write a literal % as %25), and escapes must encode UTF-8.',
      });
    }
    if (decoded.some((text) => text!.includes('\u0000'))) {
      req.resume();
      return jsonResponse(400, { message: 'Bad Request: the URL contains a NUL character (%00), which no service accepts' });
    }

    const body = await readBody(req);
    if (body === 'too-large') {
      return jsonResponse(413, { message: `Request body too large: the limit is ${MAX_BODY_BYTES / 1024 / 1024} MB.` });
    }
    const request: ServiceRequest = {
      method: req.method ?? 'GET',
      path,
      rawQuery,
      query: url.searchParams,
      headers,
      body,
      ip: clientAddress(req.socket.remoteAddress, headers['x-forwarded-for'], trustedProxies),
    };
    const handler = services[service as 'rest' | 'auth' | 'functions'];
    return handler(request);
  }

  const server = createServer((req, res) => {
    route(req, res)
      .then(
        (response) => {
          if (response) send(res, req, response, !req.url?.startsWith('/functions/v1'));
        },
        (error: unknown) => {
          // A client that hung up mid-body is not a failure of the stack, and there is no one to answer.
          if (req.socket.destroyed) return;
          log.error('gateway', `${req.method} ${req.url} failed`, error);
          if (!res.headersSent) send(res, req, jsonResponse(500, { message: 'The local stack failed to handle this request; see its log.' }));
          else res.destroy();
        },
      )
      // Writing the answer can throw too (a header value Node refuses); that must not become an
      // unhandled rejection, which would end the whole stack.
      .catch((error: unknown) => {
        log.error('gateway', `answering ${req.method} ${req.url} failed`, error);
        res.destroy();
      });
  });
  server.keepAliveTimeout = 65_000;
  // Realtime's socket; Realtime itself checks the apikey (as a JWT) before accepting the upgrade.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands these sockets over without its error listener; a reset must not be an uncaught error.
    socket.on('error', () => undefined);
    const url = parseTarget(req.url ?? '/');
    if (services.realtime && (url?.pathname === '/realtime/v1/websocket' || url?.pathname === '/realtime/v1/websocket/')) {
      services.realtime.upgrade(req, socket, head, url);
      return;
    }
    // Only realtime speaks websockets; an upgrade asked of any other path is the client's mistake.
    const realtime = url?.pathname.startsWith('/realtime/v1') === true;
    const body = JSON.stringify(realtime
      ? { message: 'Not Found: the Realtime socket is at /realtime/v1/websocket' }
      : { message: 'Bad Request: only /realtime/v1/websocket takes a websocket upgrade' });
    socket.end(
      `HTTP/1.1 ${realtime ? '404 Not Found' : '400 Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  // Without a listener Node drops CONNECT connections without a word; Kong refuses the method.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => undefined);
    const body = JSON.stringify({ message: 'Method Not Allowed: CONNECT is not served' });
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });
  return server;
}
