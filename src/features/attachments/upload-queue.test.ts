import { describe, expect, it, vi } from 'vitest';
import { RESUMABLE_THRESHOLD, UploadQueue, uploadMethodFor, type UploadSteps } from './upload-queue';

type Deferred = { resolve: () => void; reject: (error: unknown) => void };

/** Steps whose uploads finish only when the test says so, recording every call. */
function fakeSteps() {
  const uploads = new Map<string, Deferred & { onProgress: (sent: number) => void; signal: AbortSignal; method: string }>();
  let ids = 0;
  const steps = {
    begin: vi.fn(async ({ name }: { name: string }) => {
      ids += 1;
      return { id: `id-${ids}`, objectName: `ticket/${ids}-${name.length}` };
    }),
    upload: vi.fn(
      (input: Parameters<UploadSteps['upload']>[0]) =>
        new Promise<void>((resolve, reject) => uploads.set(input.objectName, { resolve, reject, onProgress: input.onProgress, signal: input.signal, method: input.method })),
    ),
    complete: vi.fn(async (_id: string) => undefined),
    discard: vi.fn(async (_id: string) => undefined),
  };
  return { steps, uploads };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const blob = (size: number) => ({ size }) as Blob;
const describeError = (error: unknown) => `failed: ${(error as Error).message}`;

function queueWith(steps: UploadSteps, ticketId: string | null = 'ticket', completeOnUpload = false) {
  return new UploadQueue(steps, { ticketId, completeOnUpload, describeError });
}

describe('uploadMethodFor', () => {
  it('switches to the resumable upload above 6 MB', () => {
    expect(RESUMABLE_THRESHOLD).toBe(6 * 1024 * 1024);
    expect(uploadMethodFor(0)).toBe('standard');
    expect(uploadMethodFor(RESUMABLE_THRESHOLD)).toBe('standard');
    expect(uploadMethodFor(RESUMABLE_THRESHOLD + 1)).toBe('resumable');
  });
});

describe('UploadQueue', () => {
  it('begins, uploads with progress and waits as uploaded until the message is sent', async () => {
    const { steps, uploads } = fakeSteps();
    const queue = queueWith(steps);
    queue.add([{ file: blob(10 * 1024 * 1024), name: 'big.log', contentType: 'text/plain' }]);
    await flush();
    expect(steps.begin).toHaveBeenCalledWith({ ticketId: 'ticket', name: 'big.log', contentType: 'text/plain', size: 10 * 1024 * 1024 });
    const upload = uploads.get('ticket/1-7')!;
    expect(upload.method).toBe('resumable');
    expect(queue.getSnapshot()[0]).toMatchObject({ status: 'uploading', sent: 0, attachmentId: 'id-1' });
    upload.onProgress(6 * 1024 * 1024);
    expect(queue.getSnapshot()[0]?.sent).toBe(6 * 1024 * 1024);
    expect(queue.busy).toBe(true);
    upload.resolve();
    await flush();
    expect(queue.getSnapshot()[0]).toMatchObject({ status: 'uploaded', sent: 10 * 1024 * 1024 });
    expect(queue.busy).toBe(false);
    expect(steps.complete).not.toHaveBeenCalled();

    await expect(queue.completeAll()).resolves.toEqual(['id-1']);
    expect(steps.complete).toHaveBeenCalledWith('id-1');
    queue.clearDone();
    expect(queue.getSnapshot()).toEqual([]);
  });

  it('holds files until the ticket exists, then uploads and completes them (new ticket)', async () => {
    const { steps, uploads } = fakeSteps();
    const queue = queueWith(steps, null, true);
    queue.add([{ file: blob(0), name: 'empty.txt', contentType: 'text/plain' }]);
    await flush();
    expect(steps.begin).not.toHaveBeenCalled();
    expect(queue.getSnapshot()[0]?.status).toBe('queued');
    queue.start('new-ticket');
    await flush();
    expect(steps.begin).toHaveBeenCalledWith(expect.objectContaining({ ticketId: 'new-ticket', size: 0 }));
    expect(uploads.get('ticket/1-9')?.method).toBe('standard');
    uploads.get('ticket/1-9')!.resolve();
    await flush();
    expect(steps.complete).toHaveBeenCalledWith('id-1');
    expect(queue.getSnapshot()[0]?.status).toBe('done');
  });

  it('cancel aborts the upload, discards the begun row, and ignores the upload’s late answer', async () => {
    const { steps, uploads } = fakeSteps();
    const queue = queueWith(steps);
    queue.add([{ file: blob(5), name: 'a.txt', contentType: 'text/plain' }]);
    await flush();
    const upload = uploads.get('ticket/1-5')!;
    const key = queue.getSnapshot()[0]!.key;
    queue.cancel(key);
    expect(upload.signal.aborted).toBe(true);
    expect(steps.discard).toHaveBeenCalledWith('id-1');
    expect(queue.getSnapshot()[0]).toMatchObject({ status: 'canceled', attachmentId: undefined });
    upload.resolve();
    await flush();
    expect(queue.getSnapshot()[0]?.status).toBe('canceled');

    // Retry after a cancel begins anew: a new row and a new object.
    queue.retry(key);
    await flush();
    expect(steps.begin).toHaveBeenCalledTimes(2);
    uploads.get('ticket/2-5')!.resolve();
    await flush();
    expect(queue.getSnapshot()[0]).toMatchObject({ status: 'uploaded', attachmentId: 'id-2' });
  });

  it('a cancel while the row is being begun discards that row once it exists', async () => {
    const { steps } = fakeSteps();
    let finishBegin: (value: { id: string; objectName: string }) => void = () => undefined;
    steps.begin.mockImplementationOnce(() => new Promise((resolve) => (finishBegin = resolve)));
    const queue = queueWith(steps);
    queue.add([{ file: blob(5), name: 'a.txt', contentType: 'text/plain' }]);
    await flush();
    queue.cancel(queue.getSnapshot()[0]!.key);
    finishBegin({ id: 'late', objectName: 'ticket/late' });
    await flush();
    expect(steps.discard).toHaveBeenCalledWith('late');
    expect(steps.upload).not.toHaveBeenCalled();
  });

  it('a failed upload shows why, and retry continues with the same row (TUS resumes it)', async () => {
    const { steps, uploads } = fakeSteps();
    const queue = queueWith(steps);
    queue.add([{ file: blob(8 * 1024 * 1024), name: 'core.dump', contentType: 'application/octet-stream' }]);
    await flush();
    uploads.get('ticket/1-9')!.reject(new Error('connection reset'));
    await flush();
    const [item] = queue.getSnapshot();
    expect(item).toMatchObject({ status: 'failed', error: 'failed: connection reset', attachmentId: 'id-1' });
    queue.retry(item!.key);
    await flush();
    expect(steps.begin).toHaveBeenCalledTimes(1);
    expect(steps.upload).toHaveBeenCalledTimes(2);
    expect(steps.upload.mock.calls[1]?.[0].objectName).toBe('ticket/1-9');
  });

  it('a failed completion fails the send, and its retry completes without uploading again', async () => {
    const { steps, uploads } = fakeSteps();
    const queue = queueWith(steps);
    queue.add([{ file: blob(3), name: 'x.md', contentType: 'text/markdown' }]);
    await flush();
    uploads.get('ticket/1-4')!.resolve();
    await flush();
    steps.complete.mockRejectedValueOnce(new Error('object missing'));
    await expect(queue.completeAll()).rejects.toThrow('object missing');
    const [item] = queue.getSnapshot();
    expect(item).toMatchObject({ status: 'failed', error: 'failed: object missing' });
    queue.retry(item!.key);
    await flush();
    expect(steps.upload).toHaveBeenCalledTimes(1);
    await expect(queue.completeAll()).resolves.toEqual(['id-1']);
  });

  it('runs at most three uploads at once and starts the next when one ends', async () => {
    const { steps, uploads } = fakeSteps();
    const queue = queueWith(steps);
    queue.add(['a', 'bb', 'ccc', 'dddd'].map((name) => ({ file: blob(1), name, contentType: 'text/plain' })));
    await flush();
    expect(steps.upload).toHaveBeenCalledTimes(3);
    expect(queue.getSnapshot().map((item) => item.status)).toEqual(['uploading', 'uploading', 'uploading', 'queued']);
    uploads.get('ticket/1-1')!.resolve();
    await flush();
    await flush();
    expect(steps.upload).toHaveBeenCalledTimes(4);
  });

  it('remove takes a file out and discards what was begun, including an uploaded one', async () => {
    const { steps, uploads } = fakeSteps();
    const queue = queueWith(steps);
    queue.add([{ file: blob(1), name: 'a', contentType: 'text/plain' }]);
    await flush();
    uploads.get('ticket/1-1')!.resolve();
    await flush();
    queue.remove(queue.getSnapshot()[0]!.key);
    expect(queue.getSnapshot()).toEqual([]);
    expect(steps.discard).toHaveBeenCalledWith('id-1');
  });

  it('tells subscribers about every change', async () => {
    const { steps } = fakeSteps();
    const queue = queueWith(steps);
    const listener = vi.fn();
    const unsubscribe = queue.subscribe(listener);
    queue.add([{ file: blob(1), name: 'a', contentType: 'text/plain' }]);
    expect(listener).toHaveBeenCalled();
    unsubscribe();
    listener.mockClear();
    queue.remove(queue.getSnapshot()[0]!.key);
    expect(listener).not.toHaveBeenCalled();
  });
});
