/** Answers as storage-api writes them: JSON bodies, storage errors, and object downloads with ranges. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { errors, type StorageError } from './errors.ts';
import type { StorageStore } from './store.ts';

export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': [
    'Content-Type', 'Content-Length', 'Content-Range', 'Content-Disposition', 'ETag', 'Last-Modified', 'Cache-Control',
    'Expires', 'Accept-Ranges', 'Location', 'Upload-Offset', 'Upload-Length', 'Upload-Metadata', 'Upload-Expires',
    'Tus-Resumable', 'Tus-Version', 'Tus-Extension', 'Tus-Max-Size', 'X-Upsert',
  ].join(', '),
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

export function sendError(res: ServerResponse, error: StorageError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.httpStatus(), error.body());
}

const JSON_BODY_LIMIT = 1024 * 1024;

/** A small JSON request body (bucket and object commands); `{}` when there is none. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > JSON_BODY_LIMIT) throw errors.invalidRequest(`The request body is over ${JSON_BODY_LIMIT} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errors.invalidRequest('Body is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw errors.invalidRequest('body must be object');
  return value as Record<string, unknown>;
}

export interface ObjectRow {
  id: string;
  name: string;
  bucket_id: string;
  version: string | null;
  metadata: Record<string, unknown> | null;
  user_metadata: Record<string, unknown> | null;
  updated_at: Date | null;
  created_at: Date | null;
}

function contentDisposition(download: string | null): string | undefined {
  if (download === null) return undefined;
  if (download === '') return 'attachment;';
  const encoded = encodeURIComponent(download);
  return `attachment; filename=${encoded}; filename*=UTF-8''${encoded}`;
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against `size`; undefined for none (or several: then the whole). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) return undefined;
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/**
 * Streams an object's current version: its stored headers, 304 for a matching `If-None-Match` or an
 * unchanged `If-Modified-Since`, 206/416 for ranges, `?download` as an attachment. A signed GET carries
 * the token's expiry instead of the stored cache headers.
 */
export async function sendObject(
  req: IncomingMessage,
  res: ServerResponse,
  store: StorageStore,
  row: ObjectRow,
  options: { download: string | null; expires?: number },
): Promise<void> {
  const metadata = row.metadata ?? {};
  const size = Number(metadata.size ?? 0);
  const etag = typeof metadata.eTag === 'string' ? metadata.eTag : undefined;
  const lastModified = new Date(typeof metadata.lastModified === 'string' ? metadata.lastModified : (row.updated_at ?? Date.now()));
  const headers: Record<string, string> = {
    ...CORS_HEADERS,
    'content-type': typeof metadata.mimetype === 'string' ? metadata.mimetype : 'application/octet-stream',
    'accept-ranges': 'bytes',
    'x-robots-tag': 'none',
    'last-modified': lastModified.toUTCString(),
  };
  if (etag) headers.etag = etag;
  if (options.expires !== undefined) headers.expires = new Date(options.expires * 1000).toUTCString();
  else headers['cache-control'] = typeof metadata.cacheControl === 'string' ? metadata.cacheControl : 'no-cache';
  const disposition = contentDisposition(options.download);
  if (disposition) headers['content-disposition'] = disposition;

  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = req.headers['if-modified-since'];
  const notModified = ifNoneMatch !== undefined
    ? etag !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')
    : ifModifiedSince !== undefined && !Number.isNaN(Date.parse(ifModifiedSince)) &&
      Math.floor(lastModified.getTime() / 1000) <= Math.floor(Date.parse(ifModifiedSince) / 1000);
  if (notModified) {
    delete headers['content-type'];
    res.writeHead(304, headers);
    res.end();
    return;
  }

  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    const error = errors.invalidRange();
    const text = JSON.stringify(error.body());
    res.writeHead(416, { ...CORS_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-range': `bytes */${size}`, 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
    return;
  }
  const stream = row.version ? await store.files.openVersion(row.bucket_id, row.name, row.version, range) : undefined;
  if (!stream) throw errors.noSuchKey();
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
    headers['content-length'] = String(range.end - range.start + 1);
  } else {
    headers['content-length'] = String(size);
  }
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD') {
    stream.destroy();
    res.end();
    return;
  }
  await pipeline(stream, res);
}
