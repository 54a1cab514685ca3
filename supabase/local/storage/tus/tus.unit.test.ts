import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepExpiredUploads } from './file-store.ts';
import { decodeTarget, encodeTarget, newTarget, TusError } from './upload-id.ts';

const HOUR = 60 * 60 * 1000;

describe('upload URLs', () => {
  it('carry base64url(bucket/object/version) and decode back, names with slashes included', () => {
    const target = newTarget('attachments', '3f0c/9a1b/report (1).log');
    const segment = encodeTarget(target);
    expect(segment).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(segment, 'base64url').toString('utf8')).toBe(`attachments/3f0c/9a1b/report (1).log/${target.version}`);
    expect(decodeTarget(segment)).toEqual(target);
  });

  it('refuse segments this server did not issue', () => {
    const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    expect(decodeTarget(encode('bucket/name/not-a-uuid'))).toBeUndefined();
    expect(decodeTarget(encode('bucket/00000000-0000-0000-0000-000000000000'))).toBeUndefined();
    expect(decodeTarget(encode('bucket/../x/00000000-0000-0000-0000-000000000000'))).toBeUndefined();
    expect(decodeTarget(encode('bucket/a\u0000b/00000000-0000-0000-0000-000000000000'))).toBeUndefined();
    expect(decodeTarget('not base64url!')).toBeUndefined();
  });

  it('refuse bad bucket names and keys at creation with storage-api’s messages', () => {
    const refusal = (bucket: string, name: string) => {
      try {
        newTarget(bucket, name);
      } catch (error) {
        expect(error).toBeInstanceOf(TusError);
        return { status: (error as TusError).status_code, body: (error as TusError).body };
      }
      throw new Error('accepted');
    };
    expect(refusal('', 'a')).toEqual({ status: 400, body: 'Bucket name invalid' });
    expect(refusal('b', '')).toEqual({ status: 400, body: 'Invalid key: ' });
    expect(refusal('b', 'tab\there')).toEqual({ status: 400, body: 'Invalid key: tab\there' });
    expect(refusal('b', 'x'.repeat(1025)).body).toMatch(/^Invalid key: x{1025}$/);
    expect(refusal('b', 'été.png').body).toBe('Invalid key: été.png');
    expect(refusal('b', 'a/../b').body).toBe('Invalid key: a/../b');
  });
});

describe('sweeping expired uploads', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function uploadDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'tus-sweep-'));
    dirs.push(dir);
    return dir;
  }

  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  function upload(dir: string, n: number, createdAgoMs: number): void {
    writeFileSync(join(dir, id(n)), 'partial bytes');
    writeFileSync(join(dir, `${id(n)}.json`), JSON.stringify({ id: id(n), size: 100, offset: 0, creation_date: new Date(Date.now() - createdAgoMs).toISOString() }));
  }

  it('removes uploads created more than the expiry ago and keeps the others', async () => {
    const dir = uploadDir();
    upload(dir, 1, 2 * HOUR);
    upload(dir, 2, HOUR / 2);
    expect(await sweepExpiredUploads(dir, HOUR)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([id(2), `${id(2)}.json`]);
  });

  it('removes a crash’s leftovers (bytes without their .json) by their age, and nothing it did not create', async () => {
    const dir = uploadDir();
    writeFileSync(join(dir, id(3)), 'bytes of an upload whose info was never written');
    const old = new Date(Date.now() - 2 * HOUR);
    utimesSync(join(dir, id(3)), old, old);
    writeFileSync(join(dir, id(4)), 'fresh leftover');
    writeFileSync(join(dir, 'README'), 'not ours');
    utimesSync(join(dir, 'README'), old, old);
    expect(await sweepExpiredUploads(dir, HOUR)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([id(4), 'README']);
  });

  it('treats a missing directory as empty', async () => {
    expect(await sweepExpiredUploads(join(uploadDir(), 'absent'), HOUR)).toBe(0);
  });
});
