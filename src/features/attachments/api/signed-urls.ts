import { queryOptions, useQuery } from '@tanstack/react-query';
import { loadStorage } from '../../../lib/storage-loader';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { ATTACHMENTS_BUCKET } from './upload-steps';
import { withDownloadName } from '../download-name';
import { attachmentKeys } from './keys';

/** Signed links live a minute: long enough to open, too short to be worth passing on. */
export const SIGNED_URL_SECONDS = 60;

/**
 * A signed link to an attachment; with `download`, one the browser saves under that name. The name is
 * appended here, encoded once: storage-js's own `download` option runs it through URLSearchParams and
 * then encodeURI, so `../a` or `é` would be saved as `..%2Fa` or `%C3%A9`.
 */
export async function signedUrl(client: AppSupabaseClient, objectName: string, download?: string) {
  const storage = await loadStorage(client);
  const { data, error } = await storage.from(ATTACHMENTS_BUCKET).createSignedUrl(objectName, SIGNED_URL_SECONDS);
  if (error) throw error;
  return download === undefined ? data.signedUrl : withDownloadName(data.signedUrl, download);
}


/**
 * A link to show the file (a thumbnail, the lightbox). An image once loaded stays on screen, so the link
 * is not renewed while shown; a component mounted after it has gone stale gets a fresh one.
 */
export const viewUrlQueryOptions = (objectName: string) =>
  queryOptions({
    queryKey: attachmentKeys.url(objectName, 'view'),
    queryFn: () => signedUrl(supabase, objectName),
    staleTime: (SIGNED_URL_SECONDS - 15) * 1000,
  });

export const useViewUrl = (objectName: string, enabled = true) => useQuery({ ...viewUrlQueryOptions(objectName), enabled });

/** The first bytes of a text file shown in the thread: enough for a log's start, never a whole large file. */
export const PREVIEW_BYTES = 64 * 1024;

/**
 * Asks for the first 64 KB with a Range request (Storage answers 206); a server that ignores Range
 * sends the whole file, which is read only as far as needed and then cut off.
 */
export async function fetchPreview(client: AppSupabaseClient, objectName: string): Promise<{ text: string; truncated: boolean }> {
  const url = await signedUrl(client, objectName);
  const response = await fetch(url, { headers: { Range: `bytes=0-${PREVIEW_BYTES - 1}` } });
  // An empty file has no byte 0 to give: 416 is its correct answer to any range.
  if (response.status === 416) return { text: '', truncated: false };
  if (!response.ok) throw new Error(`The preview could not be loaded (${response.status}).`);
  const total = totalSize(response);
  const bytes = await readAtMost(response, PREVIEW_BYTES);
  // `stream`: a character cut in two at the 64 KB edge is left out rather than shown as a replacement mark.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes, { stream: true });
  return { text, truncated: total === null ? bytes.byteLength >= PREVIEW_BYTES : total > bytes.byteLength };
}

function totalSize(response: Response): number | null {
  const range = response.headers.get('content-range');
  const match = range ? /\/(\d+)$/.exec(range) : null;
  if (match) return Number(match[1]);
  const length = response.headers.get('content-length');
  return response.status === 200 && length ? Number(length) : null;
}

async function readAtMost(response: Response, limit: number): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer()).slice(0, limit);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const joined = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, joined.byteLength - offset);
    joined.set(part, offset);
    offset += part.byteLength;
    if (offset >= joined.byteLength) break;
  }
  return joined;
}

export const previewQueryOptions = (objectName: string) =>
  queryOptions({ queryKey: attachmentKeys.preview(objectName), queryFn: () => fetchPreview(supabase, objectName), staleTime: Infinity });

export const usePreview = (objectName: string, enabled: boolean) => useQuery({ ...previewQueryOptions(objectName), enabled });
