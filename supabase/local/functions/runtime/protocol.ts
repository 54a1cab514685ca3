/** Messages between main.ts and each function's worker (worker.ts). Deno only. */
export interface BootMessage {
  type: 'boot';
  slug: string;
  entryUrl: string;
}

export interface RequestMessage {
  type: 'request';
  id: number;
  method: string;
  url: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
  ip: string;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'boot-error'; message: string }
  | { type: 'exit' }
  | { type: 'response'; id: number; status: number; headers: [string, string][]; body: ArrayBuffer }
  | { type: 'error'; id: number; message: string };
