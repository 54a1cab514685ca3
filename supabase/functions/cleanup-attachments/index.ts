/**
 * `cleanup-attachments` (verify_jwt, and the service role only): removes abandoned uploads — attachments
 * nobody finished within a day, those their uploader discarded, and objects left in the bucket with no
 * row — so an interrupted or given-up upload leaves neither a row nor a file behind. Called every hour by
 * pg_cron through pg_net (app.request_attachment_cleanup). Answers `{ removed, forgotten }`: objects
 * removed and rows deleted.
 *
 * Order per batch: the database claims the rows (marks them discarded, so no upload can land on their key
 * any more), the objects are removed through the Storage API (which deletes file and object row together;
 * SQL alone cannot remove the bytes), and only then are the rows whose object is gone deleted. A failure
 * at any step leaves rows for the next run, never a file without its row being listed again.
 */
import { jsonResponse } from '../_shared/cors.ts';
import { databaseError, HttpError } from '../_shared/errors.ts';
import { postHandler } from '../_shared/http.ts';
import { requireServiceRole } from '../_shared/service-role.ts';
import { adminClient } from '../_shared/supabase.ts';

const BUCKET = 'attachments';
/** Rows per claim; the claim adds up to as many row-less objects, within storage-api's 1000 names per remove. */
const BATCH = 500;
/** How long one call keeps going; the next hourly call continues. */
const RUN_MS = 20_000;

interface Stale {
  id: string | null;
  object_name: string;
}

Deno.serve(
  postHandler(async (req) => {
    requireServiceRole(req, 'Only the service role may clean up attachments (the database\'s scheduler calls this).');
    const db = adminClient();
    const deadline = Date.now() + RUN_MS;
    let removed = 0;
    let forgotten = 0;
    while (Date.now() < deadline) {
      const listed = await db.rpc('service_role_stale_attachments', { p_limit: BATCH });
      if (listed.error) throw databaseError('listing abandoned attachments', listed);
      const stale = (listed.data ?? []) as Stale[];
      if (!stale.length) break;

      // Names that are already gone are skipped by storage-api, not refused, so a retried batch is fine.
      const removal = await db.storage.from(BUCKET).remove(stale.map((row) => row.object_name));
      if (removal.error) {
        throw new HttpError(502, 'storage_unavailable', 'Storage could not remove the abandoned files; the next run tries again.', {}, `removing ${stale.length} objects: ${removal.error.message}`);
      }
      removed += removal.data.length;

      const ids = stale.flatMap((row) => (row.id ? [row.id] : []));
      let deleted = 0;
      if (ids.length) {
        const forget = await db.rpc('service_role_forget_attachments', { p_ids: ids });
        if (forget.error) throw databaseError('deleting removed attachments', forget);
        deleted = forget.data as number;
        forgotten += deleted;
      }
      // A batch that changed nothing (objects Storage would not remove) would only repeat: stop, and let
      // the next run see them again.
      if (stale.length < BATCH || (removal.data.length === 0 && deleted === 0)) break;
    }
    return jsonResponse({ removed, forgotten });
  }),
);
