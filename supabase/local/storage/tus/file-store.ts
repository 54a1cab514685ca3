/**
 * Where unfinished TUS uploads live: `<dataDir>/storage/.tus/<version>` (the bytes received so far)
 * beside `<version>.json` (size, metadata, creation date), as @tus/file-store keeps them. Nothing here
 * is an object: an upload becomes one only when its last byte has arrived and the Storage service has
 * written it (file and row together). What is never finished is removed once it has expired.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';

const UPLOAD_FILE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.json)?$/;

export class TusFileStore extends FileStore {
  constructor(directory: string, expiryMs: number) {
    super({ directory, expirationPeriodInMilliseconds: expiryMs });
    // Upload-Defer-Length is left out: the size must be known at creation, because the bucket's limits
    // and the RLS probe (which sees `metadata.contentLength`) are checked then.
    this.extensions = ['creation', 'creation-with-upload', 'termination', 'expiration'];
  }

  filePath(id: string): string {
    return join(this.directory, id);
  }

  /**
   * Records that the upload's object was written while its files stay (see the HEAD case in index.ts),
   * in the upload's `.json`, which HEAD never shows to the client.
   */
  async markWritten(id: string): Promise<void> {
    const info = await this.configstore.get(id);
    if (info) await this.configstore.set(id, Object.assign(info, { written_at: new Date().toISOString() }));
  }

  async isWritten(id: string): Promise<boolean> {
    const info = (await this.configstore.get(id)) as { written_at?: string } | undefined;
    return typeof info?.written_at === 'string';
  }

  override deleteExpired(): Promise<number> {
    return sweepExpiredUploads(this.directory, this.getExpiration());
  }
}

async function creationTime(directory: string, name: string): Promise<number | undefined> {
  try {
    const info = JSON.parse(await readFile(join(directory, `${name}.json`), 'utf8')) as { creation_date?: string };
    const created = Date.parse(info.creation_date ?? '');
    return Number.isNaN(created) ? undefined : created;
  } catch {
    return undefined;
  }
}

/**
 * Removes the uploads created more than `expiryMs` ago, and the leftovers of a crash (a data file whose
 * `.json` was never written, or the other way round) once they are that old. Returns how many uploads
 * went. Only names this store creates are touched.
 */
export async function sweepExpiredUploads(directory: string, expiryMs: number, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => UPLOAD_FILE.test(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const ids = new Set(names.map((name) => name.replace(/\.json$/, '')));
  let removed = 0;
  for (const id of ids) {
    let created = await creationTime(directory, id);
    if (created === undefined) {
      // No readable .json: fall back to when the files were last written.
      const times = await Promise.all(
        [id, `${id}.json`].map((name) => stat(join(directory, name)).then((s) => s.mtimeMs, () => undefined)),
      );
      const known = times.filter((time): time is number => time !== undefined);
      if (known.length === 0) continue;
      created = Math.max(...known);
    }
    if (now - created <= expiryMs) continue;
    await rm(join(directory, id), { force: true });
    await rm(join(directory, `${id}.json`), { force: true });
    removed += 1;
  }
  return removed;
}
