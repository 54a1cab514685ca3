/**
 * The functions router (Deno, not Node): the part of Supabase's edge runtime that `supabase functions
 * serve` runs as its main worker. It serves `/<slug>/…` on 127.0.0.1 for the Node side, which has
 * already checked verify_jwt, and hands each request to that function's worker, started lazily on
 * its first request so the stack's start-up never waits for function imports.
 *
 * Usage: deno run … main.ts <port> <functionsDir>
 */
import type { RequestMessage, WorkerReply } from './protocol.ts';

const [portArg, functionsDir] = Deno.args;
const SLUG = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** The CLI's local wall-clock limit per request. */
const WALL_CLOCK_MS = 400_000;

const errors = {
  notFound: { status: 404, code: 'NOT_FOUND', message: 'Requested function was not found' },
  boot: { status: 503, code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' },
  worker: { status: 500, code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' },
  limit: { status: 546, code: 'WORKER_LIMIT', message: 'Worker exceeded its wall clock limit' },
};
type RuntimeError = (typeof errors)[keyof typeof errors];

function errorResponse({ status, code, message }: RuntimeError): Response {
  return Response.json({ code, message }, { status });
}

interface Pending {
  resolve(reply: WorkerReply): void;
}

interface FunctionWorker {
  worker: Worker;
  generation: number;
  ready: Promise<boolean>;
  pending: Map<number, Pending>;
}

const workers = new Map<string, FunctionWorker>();
let generation = 0;
let nextId = 0;

/** Any change under the functions folder (a function, or `_shared/`) retires every worker. */
async function watchForChanges() {
  try {
    for await (const event of Deno.watchFs(functionsDir, { recursive: true })) {
      if (event.kind !== 'access') generation += 1;
    }
  } catch (error) {
    console.error('functions: file watching stopped, edits need a restart:', error);
  }
}

function retire(slug: string, entry: FunctionWorker) {
  if (workers.get(slug) === entry) workers.delete(slug);
  if (entry.pending.size === 0) entry.worker.terminate();
}

function failAll(entry: FunctionWorker) {
  for (const [id, pending] of entry.pending) pending.resolve({ type: 'error', id, message: 'worker died' });
  entry.pending.clear();
}

function startWorker(slug: string): FunctionWorker {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: slug });
  const entry: FunctionWorker = { worker, generation, pending: new Map(), ready: Promise.resolve(false) };
  entry.ready = new Promise<boolean>((resolve) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === 'ready') return resolve(true);
      if (reply.type === 'boot-error') return resolve(false);
      if (reply.type === 'exit') {
        resolve(false);
        failAll(entry);
        return retire(slug, entry);
      }
      const pending = entry.pending.get(reply.id);
      entry.pending.delete(reply.id);
      pending?.resolve(reply);
      if (workers.get(slug) !== entry && entry.pending.size === 0) worker.terminate();
    };
    // Reached only when worker.ts's own handlers could not contain an error: the worker is gone.
    worker.onerror = (event) => {
      event.preventDefault();
      console.error(`functions: worker for ${slug} crashed:`, event.message);
      resolve(false);
      failAll(entry);
      retire(slug, entry);
    };
  });
  const entryUrl = new URL(`${slug}/index.ts`, `file://${functionsDir}/`).href;
  worker.postMessage({ type: 'boot', slug, entryUrl });
  return entry;
}

async function workerFor(slug: string): Promise<FunctionWorker | undefined> {
  let entry = workers.get(slug);
  if (entry && entry.generation !== generation) {
    retire(slug, entry);
    entry = undefined;
  }
  if (!entry) {
    entry = startWorker(slug);
    workers.set(slug, entry);
  }
  if (await entry.ready) return entry;
  // A function that fails to boot is tried afresh on its next request, as the edge runtime does.
  retire(slug, entry);
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function route(request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === '/_internal/health') return new Response('ok');
  const slug = url.pathname.split('/')[1] ?? '';
  if (!SLUG.test(slug) || !(await exists(`${functionsDir}/${slug}/index.ts`))) return errorResponse(errors.notFound);

  const entry = await workerFor(slug);
  if (!entry) return errorResponse(errors.boot);

  const id = ++nextId;
  const body = request.body ? await request.arrayBuffer() : null;
  const ip = request.headers.get('x-forwarded-for')?.split(',')[0].trim() ?? info.remoteAddr.hostname;
  const message: RequestMessage = {
    type: 'request', id, method: request.method, url: request.url, headers: [...request.headers], body, ip,
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reply = await new Promise<WorkerReply | 'timeout'>((resolve) => {
    entry.pending.set(id, { resolve });
    timer = setTimeout(() => resolve('timeout'), WALL_CLOCK_MS);
    entry.worker.postMessage(message, body ? [body] : []);
  });
  clearTimeout(timer);
  if (reply === 'timeout') {
    entry.pending.delete(id);
    failAll(entry);
    retire(slug, entry);
    entry.worker.terminate();
    return errorResponse(errors.limit);
  }
  if (reply.type !== 'response') return errorResponse(errors.worker);
  const nullBody = reply.status === 204 || reply.status === 205 || reply.status === 304 || request.method === 'HEAD';
  return new Response(nullBody ? null : reply.body, { status: reply.status, headers: reply.headers });
}

// The router itself must never die of a function's mistake.
globalThis.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  console.error('functions: unhandled rejection in the router:', event.reason);
});

// The Node side holds our stdin open and never writes to it: end of input means it is gone (even
// killed with SIGKILL), and a runtime left behind would hold its port and run stale code.
async function exitWithParent() {
  for await (const _ of Deno.stdin.readable) { /* nothing is ever sent */ }
  Deno.exit(0);
}

void watchForChanges();
void exitWithParent();
Deno.serve({ hostname: '127.0.0.1', port: Number(portArg), onListen: () => {} }, route);
