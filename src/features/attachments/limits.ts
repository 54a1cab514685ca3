import * as z from 'zod/mini';
import { formatBytes } from './file-name';

/** What `attachment_limits()` answers: the server enforces the same numbers when an upload begins. */
export const attachmentLimitsSchema = z.object({
  max_file_bytes: z.number(),
  max_ticket_bytes: z.number(),
  refused_extensions: z.array(z.string()),
  refused_types: z.array(z.string()),
});
export type AttachmentLimits = z.infer<typeof attachmentLimitsSchema>;

export type FileFacts = { name: string; size: number; type: string };
export type LimitRefusal = { reason: 'bad_name' | 'too_big' | 'ticket_full' | 'refused_type'; message: string };

/**
 * The extension as the server judges it: what follows the last dot once trailing dots and spaces are
 * gone (Windows drops them: `setup.exe.` runs as setup.exe), lower-cased; `server.js.log` is a log.
 */
function extensionOf(name: string): string {
  const match = /\.([^./\\]+)$/.exec(name.trim().replace(/[. ]+$/, ''));
  return match?.[1]?.toLowerCase() ?? '';
}

// Characters that are not text: control characters and the invisible direction marks that make
// `evil\u202Egnp.exe` read as `evilexe.png`. The server refuses them too; this says so before any upload.
// eslint-disable-next-line no-control-regex
const notText = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Checks each file in order, before anything is uploaded, against the limits and what the ticket
 * already holds (`usedBytes`, plus the files accepted before it in this batch). Refusals say why in words.
 */
export function checkFiles<F extends FileFacts>(
  files: readonly F[],
  limits: AttachmentLimits,
  usedBytes: number,
): { accepted: F[]; refused: { file: F; refusal: LimitRefusal }[] } {
  const refusedExtensions = new Set(limits.refused_extensions.map((extension) => extension.toLowerCase().replace(/^\./, '')));
  const refusedTypes = new Set(limits.refused_types.map((type) => type.toLowerCase()));
  const accepted: F[] = [];
  const refused: { file: F; refusal: LimitRefusal }[] = [];
  let total = usedBytes;
  for (const file of files) {
    const refusal = refusalFor(file);
    if (refusal) refused.push({ file, refusal });
    else {
      accepted.push(file);
      total += file.size;
    }
  }
  return { accepted, refused };

  function refusalFor(file: F): LimitRefusal | undefined {
    const name = `“${file.name}”`;
    if (!file.name.trim()) return { reason: 'bad_name', message: 'A file without a name cannot be attached. Rename it and try again.' };
    if (notText.test(file.name)) return { reason: 'bad_name', message: `${name} was not attached: its name contains control or invisible direction characters. Rename the file and try again.` };
    if (file.name.trim().length > 255) return { reason: 'bad_name', message: `${name} was not attached: its name is longer than 255 characters. Rename the file and try again.` };
    const extension = refusedExtensions.has(extensionOf(file.name)) ? extensionOf(file.name) : undefined;
    const type = file.type.toLowerCase().split(';')[0]?.trim() ?? '';
    if (extension || refusedTypes.has(type)) {
      const what = extension ? `.${extension} files` : `Files of type ${type}`;
      return { reason: 'refused_type', message: `${name} was not attached: ${what} are not accepted, since they could run programs. Put it in a .zip archive if an engineer asked for it.` };
    }
    if (file.size > limits.max_file_bytes) {
      let [size, max] = [formatBytes(file.size), formatBytes(limits.max_file_bytes)];
      // Just over the limit rounds to the limit ("25 MB; at most 25 MB"): then the bytes say it.
      if (size === max) [size, max] = [`${file.size} bytes`, `${limits.max_file_bytes} bytes`];
      return {
        reason: 'too_big',
        message: `${name} was not attached: it is ${size}, and a file can be at most ${max}. Compress it or send a smaller part.`,
      };
    }
    if (total + file.size > limits.max_ticket_bytes) {
      const left = Math.max(0, limits.max_ticket_bytes - total);
      return {
        reason: 'ticket_full',
        message: `${name} was not attached: a ticket holds at most ${formatBytes(limits.max_ticket_bytes)} of files and only ${formatBytes(left)} is left. Remove a file or open a new ticket.`,
      };
    }
    return undefined;
  }
}
