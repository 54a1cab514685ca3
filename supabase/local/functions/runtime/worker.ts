/**
 * Runs inside one Web Worker per function (Deno, not Node). It stands in for Supabase's user worker:
 * it captures the handler the function registers with `Deno.serve` (or `export default { fetch }`),
 * then answers the requests main.ts posts to it. A worker of its own gives each function its own
 * globals and module state, and lets main.ts drop it after a crash or a file change.
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import type { BootMessage, RequestMessage, WorkerReply } from './protocol.ts';

type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

let slug = '?';
let handler: Handler | undefined;

// One JSON line per log call, so the Node side can name the function it came from.
function emit(level: 'info' | 'error', args: unknown[]) {
  const msg = args.map((arg) => (typeof arg === 'string' ? arg : Deno.inspect(arg))).join(' ');
  const line = `\u001e${JSON.stringify({ fn: slug, level, msg })}\n`;
  (level === 'error' ? Deno.stderr : Deno.stdout).writeSync(new TextEncoder().encode(line));
}
for (const name of ['log', 'info', 'debug'] as const) console[name] = (...args: unknown[]) => emit('info', args);
for (const name of ['warn', 'error'] as const) console[name] = (...args: unknown[]) => emit('error', args);

// A rejection nobody awaits, or a throw in a timer, is logged; the worker keeps serving, as the
// edge runtime does while the request that caused it has already been answered.
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  emit('error', ['Unhandled promise rejection:', event.reason]);
});
self.addEventListener('error', (event) => {
  event.preventDefault();
  emit('error', ['Uncaught error:', event.error ?? event.message]);
});

function captureServe(...args: unknown[]): Deno.HttpServer {
  const [first, second] = args as [unknown, unknown];
  const found = typeof first === 'function'
    ? first
    : typeof second === 'function'
    ? second
    : (first as { handler?: unknown } | undefined)?.handler;
  if (typeof found !== 'function') throw new TypeError('Deno.serve was called without a handler');
  handler = found as Handler;
  return {
    finished: new Promise<void>(() => {}),
    addr: { transport: 'tcp', hostname: '0.0.0.0', port: 0 },
    shutdown: () => Promise.resolve(),
    ref() {},
    unref() {},
    [Symbol.asyncDispose]: () => Promise.resolve(),
  } as unknown as Deno.HttpServer;
}
(Deno as { serve: unknown }).serve = captureServe;

// Deno.exit (and node:process's exit, which calls it) ends only this worker, silently; say so first,
// so main.ts fails the requests in flight at once instead of at the wall-clock limit.
const realExit = Deno.exit;
(Deno as { exit: unknown }).exit = (code?: number): never => {
  emit('error', [`Deno.exit(${code ?? 0}) was called; the worker is shutting down`]);
  reply({ type: 'exit' });
  return realExit(code);
};

// Supabase's runtime global for work that outlives the response (e.g. finishing a webhook's side
// effects). Here the worker simply lives on, so only the promise's failure needs reporting.
(globalThis as { EdgeRuntime?: unknown }).EdgeRuntime = {
  waitUntil(promise: Promise<unknown>) {
    Promise.resolve(promise).catch((error) => emit('error', ['EdgeRuntime.waitUntil task failed:', error]));
  },
};

function reply(message: WorkerReply, transfer: Transferable[] = []) {
  self.postMessage(message, transfer);
}

async function boot(message: BootMessage) {
  slug = message.slug;
  try {
    const module = await import(message.entryUrl);
    const fallback = module.default;
    if (!handler && fallback && typeof fallback.fetch === 'function') handler = fallback.fetch.bind(fallback);
    if (!handler) throw new Error('The function neither called Deno.serve nor exported default { fetch }');
    reply({ type: 'ready' });
  } catch (error) {
    emit('error', ['Failed to boot:', error]);
    reply({ type: 'boot-error', message: error instanceof Error ? error.message : String(error) });
  }
}

async function serve(message: RequestMessage) {
  try {
    const request = new Request(message.url, {
      method: message.method,
      headers: message.headers,
      body: message.body && message.method !== 'GET' && message.method !== 'HEAD' ? message.body : null,
    });
    const info = {
      remoteAddr: { transport: 'tcp', hostname: message.ip, port: 0 },
      completed: Promise.resolve(),
    } as Deno.ServeHandlerInfo;
    const response = await handler!(request, info);
    if (!(response instanceof Response)) throw new TypeError('The handler did not return a Response');
    const body = await response.arrayBuffer();
    reply({ type: 'response', id: message.id, status: response.status, headers: [...response.headers], body }, [body]);
  } catch (error) {
    emit('error', [error]);
    reply({ type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) });
  }
}

self.onmessage = (event: MessageEvent<BootMessage | RequestMessage>) => {
  if (event.data.type === 'boot') void boot(event.data);
  else void serve(event.data);
};
