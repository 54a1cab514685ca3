/** How files are named and described on screen. Names are data: shown exactly as given, never changed. */

const units = ['bytes', 'KB', 'MB', 'GB'] as const;

/** 0 bytes, 1 byte, 900 bytes, 1.5 KB, 25 MB — powers of 1024, as the limits are set. */
export function formatBytes(bytes: number): string {
  if (bytes === 1) return '1 byte';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} bytes`;
  const shown = value >= 10 || Number.isInteger(value) ? Math.round(value).toString() : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[unit]}`;
}

export type FileKind = 'image' | 'text' | 'archive' | 'pdf' | 'other';

// Images the browser shows in an <img> on its own; SVG is left out: it can carry script and is shown as a download.
const imageTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);
const textExtensions = new Set(['txt', 'log', 'json', 'xml', 'yaml', 'yml', 'csv', 'md', 'ini', 'conf', 'cfg', 'out', 'err']);
const archiveExtensions = new Set(['zip', 'gz', 'tgz', 'tar', '7z', 'rar', 'bz2', 'xz']);

function lastExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** What a file is, for its icon and whether it gets a thumbnail or a text preview. */
export function fileKind(name: string, contentType: string): FileKind {
  const type = contentType.toLowerCase().split(';')[0]?.trim() ?? '';
  const extension = lastExtension(name);
  if (imageTypes.has(type)) return 'image';
  if (type.startsWith('text/') || textExtensions.has(extension) || type === 'application/json' || type === 'application/xml') return 'text';
  if (type === 'application/pdf' || extension === 'pdf') return 'pdf';
  if (archiveExtensions.has(extension) || /zip|compressed|tar|gzip/.test(type)) return 'archive';
  return 'other';
}

/** The type to store: what the browser said, or a plain default (a pasted file or an unknown extension has none). */
export function storedContentType(file: { name: string; type: string }): string {
  if (file.type) return file.type;
  return fileKind(file.name, '') === 'text' ? 'text/plain' : 'application/octet-stream';
}

/** A pasted screenshot arrives as "image.png" each time: give it a name that tells several apart. */
export function pastedFileName(type: string, at: Date): string {
  const extension = type.split('/')[1]?.replace(/[^a-z0-9]/gi, '') || 'png';
  const stamp = at.toISOString().slice(0, 19).replace('T', ' ').replaceAll(':', '.');
  return `Screenshot ${stamp}.${extension}`;
}
