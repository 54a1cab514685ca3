/**
 * The files of one composer on their way to a ticket, as a small store React reads with
 * useSyncExternalStore. The network steps come in as `UploadSteps` (api/upload-steps.ts), so this file is
 * the state machine alone:
 *
 *   queued ──start──▶ uploading ──▶ uploaded ──complete──▶ done
 *                       │  ▲  │
 *              cancel   │  │  └─ failure ─▶ failed ──retry──┐
 *                       ▼  └────────────────────────────────┘
 *                    canceled ──retry──▶ uploading (begins anew)
 *
 * A reply's files stay `uploaded` (their rows pending, seen by nobody else) until the message is sent;
 * `completeAll()` then makes them ready and the composer attaches them. A new ticket's files are completed
 * as soon as they are up (`completeOnUpload`): they belong to the ticket itself.
 */

/** Files over this go through TUS in chunks of this size, so a dropped connection resumes rather than restarts. */
export const RESUMABLE_THRESHOLD = 6 * 1024 * 1024;

export type UploadMethod = 'standard' | 'resumable';
export const uploadMethodFor = (size: number): UploadMethod => (size > RESUMABLE_THRESHOLD ? 'resumable' : 'standard');

export type UploadStatus = 'queued' | 'uploading' | 'uploaded' | 'done' | 'failed' | 'canceled';

export type UploadItem = {
  key: string;
  file: Blob;
  /** As the person's system named it, unchanged. */
  name: string;
  size: number;
  contentType: string;
  method: UploadMethod;
  status: UploadStatus;
  /** Bytes the server has confirmed (resumable uploads report as they go; a standard one at its end). */
  sent: number;
  error?: string;
  attachmentId?: string;
  objectName?: string;
  /** The object is stored: a retry after a failed completion does not send it again. */
  stored?: boolean;
};

export interface UploadSteps {
  begin(input: { ticketId: string; name: string; contentType: string; size: number }): Promise<{ id: string; objectName: string }>;
  upload(input: {
    objectName: string;
    file: Blob;
    contentType: string;
    method: UploadMethod;
    signal: AbortSignal;
    onProgress: (sent: number) => void;
  }): Promise<void>;
  complete(id: string): Promise<void>;
  discard(id: string): Promise<void>;
}

export type NewUpload = { file: Blob; name: string; contentType: string };

/** How many files travel at once: more only splits the same bandwidth and delays the first to finish. */
const CONCURRENT = 3;

export class UploadQueue {
  private items: readonly UploadItem[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly controllers = new Map<string, AbortController>();
  private ticketId: string | null;
  private counter = 0;

  constructor(
    private readonly steps: UploadSteps,
    private readonly options: { ticketId: string | null; completeOnUpload: boolean; describeError: (error: unknown) => string },
  ) {
    this.ticketId = options.ticketId;
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getSnapshot = (): readonly UploadItem[] => this.items;

  /** Adds files (already checked against the limits); they start at once when the ticket is known. */
  add(uploads: readonly NewUpload[]): void {
    const added = uploads.map<UploadItem>(({ file, name, contentType }) => ({
      key: `upload-${++this.counter}`,
      file,
      name,
      size: file.size,
      contentType,
      method: uploadMethodFor(file.size),
      status: 'queued',
      sent: 0,
    }));
    this.set([...this.items, ...added]);
    this.pump();
  }

  /** The new-ticket page: the ticket exists now, so its queued files may go. */
  start(ticketId: string): void {
    this.ticketId = ticketId;
    this.pump();
  }

  cancel(key: string): void {
    const item = this.get(key);
    if (!item || !['queued', 'uploading', 'uploaded', 'failed'].includes(item.status)) return;
    this.controllers.get(key)?.abort();
    this.controllers.delete(key);
    if (item.attachmentId) this.discardQuietly(item.attachmentId);
    this.update(key, { status: 'canceled', sent: 0, error: undefined, attachmentId: undefined, objectName: undefined, stored: false });
    this.pump();
  }

  /** A failed file continues where it stopped (a begun row, an upload TUS resumes); a canceled one begins anew. */
  retry(key: string): void {
    const item = this.get(key);
    if (!item || (item.status !== 'failed' && item.status !== 'canceled')) return;
    this.update(key, { status: 'queued', error: undefined });
    this.pump();
  }

  /** Takes a file out of the composer; one begun on the server is discarded there. */
  remove(key: string): void {
    const item = this.get(key);
    if (!item) return;
    if (item.status !== 'canceled' && item.status !== 'done') this.cancel(key);
    this.set(this.items.filter((candidate) => candidate.key !== key));
  }

  /** True while a file still travels or waits: sending the message must wait for it. */
  get busy(): boolean {
    return this.items.some((item) => item.status === 'queued' || item.status === 'uploading');
  }

  /**
   * Makes every uploaded file ready and returns the ids of all ready ones, for attach_to_message. A file
   * that fails here is marked failed (retry completes it) and the whole call fails, so nothing is sent
   * without the files the person chose.
   */
  async completeAll(): Promise<string[]> {
    const waiting = this.items.filter((item) => item.status === 'uploaded');
    const results = await Promise.allSettled(waiting.map((item) => this.completeItem(item.key)));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return this.items.filter((item) => item.status === 'done' && item.attachmentId).map((item) => item.attachmentId!);
  }

  /** After the message is sent: the attached files leave the composer (they now show in the thread). */
  clearDone(): void {
    this.set(this.items.filter((item) => item.status !== 'done' && item.status !== 'canceled'));
  }

  private pump(): void {
    if (this.ticketId === null) return;
    let running = this.items.filter((item) => item.status === 'uploading').length;
    for (const item of this.items) {
      if (running >= CONCURRENT) break;
      if (item.status !== 'queued') continue;
      running += 1;
      void this.run(item.key, this.ticketId);
    }
  }

  private async run(key: string, ticketId: string): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(key, controller);
    this.update(key, { status: 'uploading', error: undefined });
    const { signal } = controller;
    try {
      let item = this.get(key)!;
      if (!item.attachmentId || !item.objectName) {
        const begun = await this.steps.begin({ ticketId, name: item.name, contentType: item.contentType, size: item.size });
        // Canceled while the row was being made: the row is the only trace, and goes.
        if (signal.aborted) return this.discardQuietly(begun.id);
        this.update(key, { attachmentId: begun.id, objectName: begun.objectName });
        item = this.get(key)!;
      }
      if (!item.stored) {
        await this.steps.upload({
          objectName: item.objectName!,
          file: item.file,
          contentType: item.contentType,
          method: item.method,
          signal,
          onProgress: (sent) => {
            if (!signal.aborted) this.update(key, { sent: Math.min(sent, item.size) });
          },
        });
        if (signal.aborted) return;
      }
      this.update(key, { status: 'uploaded', sent: item.size, stored: true });
      if (this.options.completeOnUpload) await this.completeItem(key);
    } catch (error) {
      if (signal.aborted) return;
      this.update(key, { status: 'failed', error: this.options.describeError(error) });
    } finally {
      if (this.controllers.get(key) === controller) this.controllers.delete(key);
      this.pump();
    }
  }

  private async completeItem(key: string): Promise<void> {
    const item = this.get(key);
    if (!item?.attachmentId) return;
    try {
      await this.steps.complete(item.attachmentId);
      this.update(key, { status: 'done', error: undefined });
    } catch (error) {
      this.update(key, { status: 'failed', error: this.options.describeError(error) });
      throw error;
    }
  }

  private discardQuietly(id: string): void {
    // Not shown when it fails: the row stays pending and the hourly cleanup removes it and its file.
    this.steps.discard(id).catch(() => undefined);
  }

  private get(key: string): UploadItem | undefined {
    return this.items.find((item) => item.key === key);
  }

  private update(key: string, change: Partial<UploadItem>): void {
    this.set(this.items.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }

  private set(items: readonly UploadItem[]): void {
    this.items = items;
    for (const listener of this.listeners) listener();
  }
}
