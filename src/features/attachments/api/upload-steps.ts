import { getEnv } from '../../../config/env';
import { loadStorage } from '../../../lib/storage-loader';
import type { AppSupabaseClient } from '../../../lib/supabase';
import { RESUMABLE_THRESHOLD, type UploadSteps } from '../upload-queue';

export const ATTACHMENTS_BUCKET = 'attachments';

/**
 * The server's side of an upload: `begin_attachment` checks the limits and records a pending row whose
 * object name (`<ticket>/<attachment id>`, never the file's name) the storage policies let this person
 * write once; the bytes go to Storage; `complete_attachment` makes the row ready; `discard_attachment`
 * gives it up (the hourly cleanup removes any object it left).
 */
export function createUploadSteps(client: AppSupabaseClient, options: { internal: boolean } = { internal: false }): UploadSteps {
  return {
    async begin({ ticketId, name, contentType, size }) {
      const { data } = await client
        .rpc('begin_attachment', {
          p_ticket_id: ticketId,
          p_file_name: name,
          p_content_type: contentType,
          p_size_bytes: size,
          ...(options.internal && { p_internal: true }),
        })
        .throwOnError();
      const begun = data as { id: string; object_name: string };
      return { id: begun.id, objectName: begun.object_name };
    },
    async upload({ objectName, file, contentType, method, signal, onProgress }) {
      if (method === 'resumable') return resumableUpload(client, { objectName, file, contentType, signal, onProgress });
      const storage = await loadStorage(client);
      // storage-js's upload takes no AbortSignal: a canceled file's request may still finish, and its
      // discarded row sends the object to the cleanup.
      const { error } = await storage.from(ATTACHMENTS_BUCKET).upload(objectName, file, { contentType, upsert: false, cacheControl: '3600' });
      // Already there: an earlier attempt stored it and only the answer was lost. Nobody else can have
      // written this name (the policies let only this row's uploader insert it, once), so it is ours.
      if (error && !isAlreadyStored(error)) throw error;
      onProgress(file.size);
    },
    async complete(id) {
      await client.rpc('complete_attachment', { p_id: id }).throwOnError();
    },
    async discard(id) {
      await client.rpc('discard_attachment', { p_id: id }).throwOnError();
    },
  };
}

const isAlreadyStored = (error: object) => (error as { statusCode?: unknown }).statusCode === '409';

/** How long tus-js-client waits before each new attempt after a dropped connection (then it gives up). */
export const RESUMABLE_RETRY_DELAYS = [0, 1_000, 3_000, 5_000, 10_000, 20_000];

/**
 * TUS against Storage's resumable endpoint, in 6 MB chunks. After a dropped connection tus-js-client
 * asks the server how much arrived and continues from there; and the upload's address is kept in
 * localStorage under a fingerprint of the attachment's object name, so Retry after the retries have run
 * out (the queue keeps the begun row) resumes instead of starting over. The queue lives in the page: after
 * a reload the file is added again as a new attachment, and the abandoned one goes with the cleanup.
 */
async function resumableUpload(
  client: AppSupabaseClient,
  { objectName, file, contentType, signal, onProgress }: { objectName: string; file: Blob; contentType: string; signal: AbortSignal; onProgress: (sent: number) => void },
): Promise<void> {
  const { Upload } = await import('tus-js-client');
  const { supabaseUrl, supabaseAnonKey } = getEnv();
  return new Promise<void>((resolve, reject) => {
    const upload = new Upload(file, {
      endpoint: `${supabaseUrl}/storage/v1/upload/resumable`,
      chunkSize: RESUMABLE_THRESHOLD,
      retryDelays: RESUMABLE_RETRY_DELAYS,
      uploadDataDuringCreation: true,
      removeFingerprintOnSuccess: true,
      fingerprint: () => Promise.resolve(`pro-portal-attachment::${objectName}`),
      headers: { apikey: supabaseAnonKey, 'x-upsert': 'false' },
      // The session's token at each request: a long upload can outlive the token it started with.
      onBeforeRequest: async (request) => {
        const { data } = await client.auth.getSession();
        request.setHeader('authorization', `Bearer ${data.session?.access_token ?? supabaseAnonKey}`);
      },
      metadata: { bucketName: ATTACHMENTS_BUCKET, objectName, contentType, cacheControl: '3600' },
      onProgress: (sent) => onProgress(sent),
      onSuccess: () => resolve(),
      onError: (error) => reject(error),
    });
    signal.addEventListener('abort', () => void upload.abort(true).catch(() => undefined), { once: true });
    upload.findPreviousUploads().then((previous) => {
      if (signal.aborted) return;
      if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }, reject);
  });
}
