/**
 * `/functions/v1`: checks verify_jwt the way `supabase functions serve` does, then relays the request
 * to the Deno runtime and its answer back. The runtime is restarted on the next request if it dies.
 */
import { existsSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { join, resolve } from 'node:path';
import { verifyJwt } from '../core/jwt.ts';
import { json, type ServiceContext, type ServiceHandler, type ServiceRequest, type ServiceResponse } from '../core/service.ts';
import { functionEnv } from './env.ts';
import { startRuntime, type RuntimeProcess } from './runtime-process.ts';

export interface FunctionsService {
  handle: ServiceHandler;
  /** The environment the functions run with (the mail catcher reads the inbound settings from it). */
  env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export interface FunctionsOptions {
  /** Normally `<supabase>/functions`. */
  functionsDir: string;
  /** Merged over `<functionsDir>/.env` (the host's own variables, e.g. a payment provider's keys). */
  env: Record<string, string>;
  /** Overrides and extends `[functions.<slug>]` from config.toml. */
  functionsConfig?: Record<string, { verifyJwt: boolean }>;
  /** Under `.env` and `env`: the local stack's defaults (the mail catcher's SMTP port, …). */
  defaults?: Record<string, string>;
}

const SLUG = /^[A-Za-z][A-Za-z0-9_-]*$/;
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization',
  'proxy-authenticate', 'content-length',
]);

const notFound = () => json(404, { code: 'NOT_FOUND', message: 'Requested function was not found' });
const unauthorized = (msg: string) => json(401, { msg });

/** The CLI runtime's check (templates/main.ts): a Bearer HS256 token signed with the project's secret. */
async function refuseWithoutJwt(req: ServiceRequest, jwtSecret: string): Promise<ServiceResponse | null> {
  const header = req.headers.authorization;
  if (!header) return unauthorized('Error: Missing authorization header');
  const [scheme, token] = header.split(' ');
  if (scheme !== 'Bearer') return unauthorized("Error: Auth header is not 'Bearer {token}'");
  const result = await verifyJwt(token ?? '', jwtSecret);
  return result.ok ? null : unauthorized('Invalid JWT');
}

function relay(port: number, agent: Agent, req: ServiceRequest): Promise<ServiceResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  headers['content-length'] = String(req.body.length);
  // The client's address as the gateway determined it (trusting X-Forwarded-For only from the proxies in
  // SUPABASE_LOCAL_TRUSTED_PROXIES), as hosted Supabase's edge tells a function; relayed as the client
  // wrote them, these headers would let any caller pose as another address to a function reading them.
  headers['x-forwarded-for'] = req.ip;
  headers['x-real-ip'] = req.ip;
  const path = req.rawQuery ? `${req.path}?${req.rawQuery}` : req.path;
  return new Promise((resolvePromise, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, method: req.method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolvePromise({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

export async function createFunctionsService(ctx: ServiceContext, options: FunctionsOptions): Promise<FunctionsService> {
  const functionsDir = resolve(options.functionsDir);
  const verifyConfig = { ...ctx.config.functions, ...options.functionsConfig };
  const env = functionEnv(ctx, functionsDir, options.env, options.defaults);
  const agent = new Agent({ keepAlive: true });
  let closed = false;

  let runtime: Promise<RuntimeProcess> | undefined;
  // Started now, so the stack is only healthy once Deno answers; started again on the next request
  // after it dies, so a crashed runtime costs one slow request, not a dead stack.
  const current = (): Promise<RuntimeProcess> => {
    if (runtime) return runtime;
    const started = startRuntime({ functionsDir, env, log: ctx.log });
    runtime = started;
    started.then(
      (running) =>
        running.exited.then(() => {
          if (closed) return;
          ctx.log.error('functions', 'the Deno runtime exited; it restarts on the next request');
          if (runtime === started) runtime = undefined;
        }),
      () => {
        if (runtime === started) runtime = undefined;
      },
    );
    return started;
  };
  await current();

  async function handle(req: ServiceRequest): Promise<ServiceResponse> {
    const slug = req.path.split('/')[1] ?? '';
    if (!SLUG.test(slug) || !existsSync(join(functionsDir, slug, 'index.ts'))) return notFound();
    if (req.method !== 'OPTIONS' && (verifyConfig[slug]?.verifyJwt ?? true)) {
      const refusal = await refuseWithoutJwt(req, ctx.keys.jwtSecret);
      if (refusal) return refusal;
    }
    try {
      return await relay((await current()).port, agent, req);
    } catch (error) {
      ctx.log.error('functions', `relaying ${req.method} ${req.path} failed`, error);
      return json(502, { code: 'WORKER_ERROR', message: 'The functions runtime is not running (please check logs)' });
    }
  }

  return {
    handle,
    env,
    async close() {
      closed = true;
      agent.destroy();
      await (await runtime?.catch(() => undefined))?.stop();
    },
  };
}
