import { describe, expect, it } from 'vitest';
import { fileKind, formatBytes, pastedFileName, storedContentType } from './file-name';

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [1023, '1023 bytes'],
    [1536, '1.5 KB'],
    [6 * 1024 * 1024, '6 MB'],
    [26214400, '25 MB'],
    [209715200, '200 MB'],
    [3 * 1024 ** 3, '3 GB'],
  ])('%d bytes reads %s', (bytes, shown) => expect(formatBytes(bytes)).toBe(shown));
});

describe('fileKind', () => {
  it('gives thumbnails to raster images only, never to SVG (it may carry script)', () => {
    expect(fileKind('shot.png', 'image/png')).toBe('image');
    expect(fileKind('logo.svg', 'image/svg+xml')).toBe('other');
  });

  it('previews logs and text by type or by extension', () => {
    expect(fileKind('app.log', 'application/octet-stream')).toBe('text');
    expect(fileKind('config.yaml', '')).toBe('text');
    expect(fileKind('data', 'text/csv; charset=utf-8')).toBe('text');
    expect(fileKind('../../etc/passwd "x".txt', '')).toBe('text');
    expect(fileKind('backup.tar.gz', 'application/gzip')).toBe('archive');
    expect(fileKind('manual.pdf', 'application/pdf')).toBe('pdf');
  });
});

describe('storedContentType', () => {
  it('keeps the browser’s type and falls back by extension', () => {
    expect(storedContentType({ name: 'a.png', type: 'image/png' })).toBe('image/png');
    expect(storedContentType({ name: 'trace.log', type: '' })).toBe('text/plain');
    expect(storedContentType({ name: 'core', type: '' })).toBe('application/octet-stream');
  });
});

describe('pastedFileName', () => {
  it('names a pasted screenshot by its time, so several stay apart', () => {
    expect(pastedFileName('image/png', new Date('2026-12-04T18:30:05Z'))).toBe('Screenshot 2026-12-04 18.30.05.png');
    expect(pastedFileName('image/jpeg', new Date('2026-12-04T18:30:05Z'))).toBe('Screenshot 2026-12-04 18.30.05.jpeg');
  });
});
