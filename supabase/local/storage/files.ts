/**
 * Objects on disk: `<dataDir>/storage/<bucket>/<key>/#<version>`, one file per version, so that a new
 * upload never overwrites the file a row names. An upload is written to `<dataDir>/storage-tmp/` (same
 * disk, so the rename is atomic), renamed to its version's path, and only then does the row point at
 * it; the previous version's file is removed after the row moved on. A crash leaves at most a temp file
 * or a version no row names, both removed by the sweep at the next start — never a row whose file is
 * missing or half-written. (`#` never appears in a key, so a version file cannot collide with a folder.)
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { errors } from './errors.ts';

const VERSION_PREFIX = '#';

export interface WrittenFile {
  tmpPath: string;
  size: number;
  md5: string;
}

export class FileStore {
  readonly root: string;
  readonly tmpDir: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'storage');
    this.tmpDir = join(dataDir, 'storage-tmp');
  }

  async init(reset: boolean): Promise<void> {
    if (reset) await rm(this.root, { recursive: true, force: true });
    // Temp files are uploads that never finished: nothing refers to them.
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.root, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  /** The file of one version; bucket and key are validated names (no `.`/`..`/empty segments). */
  versionPath(bucket: string, key: string, version: string): string {
    return join(this.root, bucket, ...key.split('/'), `${VERSION_PREFIX}${version}`);
  }

  /**
   * Streams `body` to a new temp file with its MD5, refusing (EntityTooLarge) once it passes `limit`
   * bytes. The temp file is removed on any failure.
   */
  async writeTemp(body: NodeJS.ReadableStream, limit: number): Promise<WrittenFile> {
    const tmpPath = join(this.tmpDir, randomUUID());
    const hash = createHash('md5');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) {
          done(errors.tooLarge());
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body as Readable, meter, createWriteStream(tmpPath, { flags: 'wx', highWaterMark: 1024 * 1024 }));
    } catch (error) {
      await rm(tmpPath, { force: true });
      throw error;
    }
    return { tmpPath, size, md5: hash.digest('hex') };
  }

  /** Makes a finished temp file the given version's file (flushed to disk first, then renamed). */
  async publish(tmpPath: string, bucket: string, key: string, version: string): Promise<string> {
    const target = this.versionPath(bucket, key, version);
    const handle = await open(tmpPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await mkdir(join(target, '..'), { recursive: true });
    await rename(tmpPath, target);
    return target;
  }

  /** Removes a version's file and the folders it leaves empty (up to the bucket's). */
  async removeVersion(bucket: string, key: string, version: string | null): Promise<void> {
    if (!version) return;
    const path = this.versionPath(bucket, key, version);
    await unlink(path).catch(() => undefined);
    await this.pruneFolders(bucket, join(path, '..'));
  }

  /** Folders a moved or removed key leaves empty. */
  async pruneKey(bucket: string, key: string): Promise<void> {
    await this.pruneFolders(bucket, join(this.root, bucket, ...key.split('/')));
  }

  /** Undoes a publish whose row was not committed. */
  async moveBack(from: string, to: string): Promise<void> {
    await mkdir(join(to, '..'), { recursive: true });
    await rename(from, to).catch(() => undefined);
  }

  async removeFile(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  private async pruneFolders(bucket: string, from: string): Promise<void> {
    const stop = join(this.root, bucket);
    for (let dir = from; dir.startsWith(stop + sep); dir = join(dir, '..')) {
      try {
        await rmdir(dir);
      } catch {
        return;
      }
    }
  }

  async removeBucket(bucket: string): Promise<void> {
    await rm(join(this.root, bucket), { recursive: true, force: true });
  }

  /** Opens a version for reading; undefined when its file is gone (replaced or removed meanwhile). */
  async openVersion(bucket: string, key: string, version: string, range?: { start: number; end: number }): Promise<ReadStream | undefined> {
    const path = this.versionPath(bucket, key, version);
    let handle;
    try {
      handle = await open(path, 'r');
    } catch {
      return undefined;
    }
    // The open descriptor keeps the bytes readable even if the file is unlinked mid-download.
    return handle.createReadStream({ autoClose: true, highWaterMark: 1024 * 1024, ...(range ?? {}) });
  }

  /**
   * Removes version files that no row names (an upload that crashed between its rename and its commit,
   * or a replaced version whose removal was cut short). `current` holds `bucket/key/#version` of rows.
   */
  async sweep(current: Set<string>): Promise<number> {
    let removed = 0;
    const walk = async (dir: string, relative: string[]): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          await walk(path, [...relative, entry.name]);
        } else if (entry.name.startsWith(VERSION_PREFIX) && relative.length >= 2) {
          const [bucket, ...key] = relative;
          if (!current.has(`${bucket}/${key.join('/')}/${entry.name}`)) {
            await unlink(path).catch(() => undefined);
            removed += 1;
          }
        }
      }
      if (relative.length >= 2) await rmdir(dir).catch(() => undefined);
    };
    await walk(this.root, []);
    return removed;
  }
}

export const versionEntry = (bucket: string, key: string, version: string) => `${bucket}/${key}/${VERSION_PREFIX}${version}`;
