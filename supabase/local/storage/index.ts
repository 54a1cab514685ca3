/**
 * Supabase Storage for the local stack: storage-api's HTTP API at `/storage/v1` over files on disk and
 * the `storage` schema. Unlike the buffered services, it takes the raw request and response, so upload
 * and download bodies stream. TUS resumable uploads (`/upload/resumable…`) are handed to
 * `./tus/index.ts`'s `createTusHandler` when that module is present, and answered with storage-api's
 * route error (404) otherwise.
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import { verifyJwt } from '../core/jwt.ts';
import type { StackKeys } from '../core/keys.ts';
import type { Logger } from '../core/logger.ts';
import type { StorageCaller } from './db.ts';
import { errors, fromDatabaseError, StorageError } from './errors.ts';
import { CORS_HEADERS, sendError } from './http.ts';
import { route, type RouteContext } from './routes.ts';
import { createStore, sweepOrphans, type StorageStore } from './store.ts';

export type { StorageCaller } from './db.ts';
export type { StorageStore } from './store.ts';
export { isOpenStoragePath } from './routes.ts';

/** What `createTusHandler(deps)` of `./tus/index.ts` receives. */
export interface TusDeps {
  store: StorageStore;
  keys: StackKeys;
  apiUrl: string;
  dataDir: string;
  log: Logger;
}

export type TusHandler = (req: IncomingMessage, res: ServerResponse, caller: StorageCaller) => Promise<void>;

export interface StorageService {
  /**
   * Serves one request whose path is already stripped of `/storage/v1`; `authorization` is what the
   * gateway made of the caller's apikey and Authorization (sb_ keys mapped to JWTs).
   */
  handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, authorization: string | undefined): Promise<void>;
  store: StorageStore;
  close(): Promise<void>;
}

export interface StorageServiceOptions {
  keys: StackKeys;
  apiUrl: string;
  dataDir: string;
  reset: boolean;
  globalFileSizeLimit: number;
  pools: { user: pg.Pool; admin: pg.Pool };
  log: Logger;
  /** The module exporting `createTusHandler`; `./tus/index.ts` by default (tests pass a stand-in). */
  tusModule?: string;
}

const TUS_MODULE = join(import.meta.dirname, 'tus', 'index.ts');

/** Loaded when present, so that the TUS module plugs in by being added; nothing to register. */
async function loadTus(path: string, deps: TusDeps): Promise<TusHandler | undefined> {
  if (!existsSync(path)) return undefined;
  const module = (await import(pathToFileURL(path).href)) as { createTusHandler: (deps: TusDeps) => TusHandler | Promise<TusHandler> };
  return module.createTusHandler(deps);
}

/** Who is asking: the verified Bearer JWT's role and claims, or anon with the reason it is not valid. */
async function identify(authorization: string | undefined, secret: string): Promise<{ role: string; sub: string | null; claims: Record<string, unknown>; token: string | null; jwtError?: string }> {
  const token = /^bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')?.[1]?.trim();
  if (!token) return { role: 'anon', sub: null, claims: { role: 'anon' }, token: null, jwtError: 'Invalid JWT: no Authorization header was sent' };
  const result = await verifyJwt(token, secret);
  if (!result.ok) {
    const message = result.reason === 'expired' ? '"exp" claim timestamp check failed' : 'signature verification failed';
    return { role: 'anon', sub: null, claims: { role: 'anon' }, token: null, jwtError: message };
  }
  const role = typeof result.claims.role === 'string' && result.claims.role ? result.claims.role : 'anon';
  const sub = typeof result.claims.sub === 'string' ? result.claims.sub : null;
  return { role, sub, claims: { ...result.claims, role }, token };
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export async function createStorageService(options: StorageServiceOptions): Promise<StorageService> {
  const { log, keys } = options;
  const store = createStore({ pools: options.pools, dataDir: options.dataDir, globalFileSizeLimit: options.globalFileSizeLimit, log });
  await store.files.init(options.reset);
  const swept = await sweepOrphans(store);
  if (swept) log.info('storage', `removed ${swept} file(s) of uploads that never completed`);
  const tus = await loadTus(options.tusModule ?? TUS_MODULE, { store, keys, apiUrl: options.apiUrl, dataDir: options.dataDir, log });

  async function handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, authorization: string | undefined): Promise<void> {
    const method = req.method ?? 'GET';
    try {
      const who = await identify(authorization, keys.jwtSecret);
      const caller: StorageCaller = { role: who.role, sub: who.sub, claims: who.claims, token: who.token, headers: lowerHeaders(req), method, path };
      if (path === '/upload/resumable' || path.startsWith('/upload/resumable/')) {
        if (!tus) throw errors.routeNotFound(method, path);
        const open = method === 'OPTIONS' || path.startsWith('/upload/resumable/sign');
        if (who.jwtError !== undefined && !open) throw errors.accessDenied(who.jwtError);
        await tus(req, res, caller);
        return;
      }
      if (method === 'OPTIONS') {
        req.resume();
        res.writeHead(200, {
          ...CORS_HEADERS,
          'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD',
          'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization, x-client-info, apikey, content-type, x-upsert, x-metadata, cache-control',
          'access-control-max-age': '3600',
          'content-length': '0',
        });
        res.end();
        return;
      }
      const ctx: RouteContext = {
        req, res, store, jwtSecret: keys.jwtSecret, globalFileSizeLimit: options.globalFileSizeLimit, caller, jwtError: who.jwtError, query,
      };
      await route(ctx, method, path);
    } catch (error) {
      const known = fromDatabaseError(error);
      if (!known) log.error('storage', `${method} ${path} failed`, error);
      // The rest of an upload the answer refuses is read and dropped, so the client sees the answer.
      if (!req.readableEnded) req.resume();
      if (req.socket.destroyed) return;
      sendError(res, known instanceof StorageError ? known : errors.internal());
    }
  }

  return {
    handle,
    store,
    close: async () => {
      await Promise.all([options.pools.user.end(), options.pools.admin.end()]);
    },
  };
}
