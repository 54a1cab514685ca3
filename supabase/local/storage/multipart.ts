/**
 * A streaming `multipart/form-data` reader for uploads as storage-js sends a Blob or File: text fields
 * first (cacheControl, metadata, contentType …), then the one file part. Fields are small and kept;
 * the file part's bytes go to `onFile` as a stream with backpressure, never gathered in memory.
 */
import { PassThrough, type Readable } from 'node:stream';
import { errors } from './errors.ts';

const MAX_FIELDS = 10;
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;

export interface FilePart {
  fields: Record<string, string>;
  contentType: string | undefined;
  stream: Readable;
}

export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

function partHeaders(text: string): { name: string | undefined; filename: string | undefined; contentType: string | undefined } {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') {
      name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? /;\s*name=([^;\s]*)/i.exec(value)?.[1];
      filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1];
    } else if (key === 'content-type') {
      contentType = value;
    }
  }
  return { name, filename, contentType };
}

/**
 * Reads `source` and calls `onFile` once, for the first part that carries a file (a filename, or the
 * empty field name storage-js uses); its promise is awaited while the part streams. Resolves with
 * whether a file part was found. Malformed bodies, too many fields and oversized fields are 400s.
 */
export async function readMultipart(
  source: AsyncIterable<Buffer>,
  boundary: string,
  onFile: (part: FilePart) => Promise<void>,
): Promise<boolean> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  let fieldCount = 0;
  // The body starts with `--boundary`; a leading CRLF makes the first delimiter look like the others.
  let buffer: Buffer = Buffer.from('\r\n');
  type State = 'preamble' | 'after-delimiter' | 'headers' | 'field' | 'file' | 'skip' | 'done';
  let state: State = 'preamble';
  let field: { name: string; chunks: Buffer[]; size: number } | undefined;
  let file: { stream: PassThrough; done: Promise<void> } | undefined;
  let found = false;
  const bad = (why: string) => errors.invalidRequest(`Malformed multipart/form-data body: ${why}`);

  const write = async (chunk: Buffer) => {
    if (!chunk.length) return;
    if (state === 'field') {
      field!.size += chunk.length;
      if (field!.size > MAX_FIELD_BYTES) throw errors.invalidRequest(`Multipart field "${field!.name}" is over ${MAX_FIELD_BYTES} bytes`);
      field!.chunks.push(chunk);
    } else if (state === 'file') {
      if (!file!.stream.write(chunk)) {
        await Promise.race([new Promise((resolve) => file!.stream.once('drain', resolve)), file!.done]);
      }
    }
  };

  const endPart = async () => {
    if (state === 'field') fields[field!.name] = Buffer.concat(field!.chunks).toString('utf8');
    if (state === 'file') {
      file!.stream.end();
      await file!.done;
      file = undefined;
    }
  };

  const process = async (final: boolean) => {
    for (;;) {
      if (state === 'preamble' || state === 'field' || state === 'file' || state === 'skip') {
        const at = buffer.indexOf(delimiter);
        if (at < 0) {
          // Keep what could be the start of a delimiter split across chunks.
          const keep = Math.min(buffer.length, delimiter.length - 1);
          if (state !== 'preamble') await write(buffer.subarray(0, buffer.length - keep));
          buffer = buffer.subarray(buffer.length - keep);
          if (final) throw bad('it ends before its closing boundary');
          return;
        }
        if (state !== 'preamble') await write(buffer.subarray(0, at));
        await endPart();
        buffer = buffer.subarray(at + delimiter.length);
        state = 'after-delimiter';
      }
      if (state === 'after-delimiter') {
        if (buffer.length < 2) {
          if (final) throw bad('it ends after a boundary');
          return;
        }
        const next = buffer.subarray(0, 2).toString('latin1');
        if (next === '--') {
          state = 'done';
          return;
        }
        // Transport padding after the boundary is allowed; the line must then end.
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) {
          if (final || buffer.length > 1024) throw bad('a boundary line does not end');
          return;
        }
        buffer = buffer.subarray(eol + 2);
        state = 'headers';
      }
      if (state === 'headers') {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          if (final || buffer.length > MAX_HEADER_BYTES) throw bad('a part has no end to its headers');
          return;
        }
        const headers = partHeaders(buffer.subarray(0, end).toString('utf8'));
        buffer = buffer.subarray(end + 4);
        const isFile = headers.filename !== undefined || headers.name === '';
        if (isFile && !found) {
          found = true;
          const stream = new PassThrough();
          const done = onFile({ fields: { ...fields }, contentType: headers.contentType, stream });
          // Until the handler settles, a failure is seen by the next write; afterwards it is ours.
          done.catch(() => stream.resume());
          file = { stream, done };
          state = 'file';
        } else if (isFile) {
          throw errors.invalidRequest('Only one file may be uploaded per request');
        } else {
          fieldCount += 1;
          if (fieldCount > MAX_FIELDS) throw errors.invalidRequest(`A multipart upload takes at most ${MAX_FIELDS} fields`);
          field = { name: headers.name ?? '', chunks: [], size: 0 };
          state = 'field';
        }
      }
      if (state === 'done') return;
    }
  };

  try {
    // `state` changes inside process(); read it through a function so TypeScript does not narrow it.
    const finished = () => String(state) === 'done';
    for await (const chunk of source) {
      if (finished()) continue;
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      await process(false);
    }
    if (!finished()) await process(true);
  } catch (error) {
    if (file) {
      file.stream.destroy(error as Error);
      await file.done.catch(() => undefined);
    }
    throw error;
  }
  return found;
}
