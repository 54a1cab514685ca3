import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, useSyncExternalStore, type DragEvent } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { apiErrorMessage } from '../../../lib/api-errors';
import type { ComposerAttachments } from '../../../lib/composer-attachments';
import { supabase } from '../../../lib/supabase';
import { useAttachToMessage } from '../api/attach-to-message';
import { useTicketAttachments } from '../api/get-attachments';
import { attachmentLimitsQueryOptions, useAttachmentLimits } from '../api/get-limits';
import { useSetAttachmentInternal } from '../api/set-internal';
import { createUploadSteps } from '../api/upload-steps';
import { formatBytes, pastedFileName, storedContentType } from '../file-name';
import { checkFiles } from '../limits';
import { UploadQueue, type UploadItem } from '../upload-queue';
import { uploadErrorMessage } from '../upload-errors';
import { UploadRow } from './upload-row';

const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

/**
 * Files for one composer. A reply's files upload as soon as they are chosen and are attached when the
 * message is sent; on the new-ticket page (`ticketId` null) they wait for `queue.start(ticket id)` and are
 * completed as they arrive, as the ticket's own files.
 */
export function useAttachmentComposer({ ticketId, audience = 'customer' }: { ticketId: string | null; audience?: 'customer' | 'staff' }): {
  composer: ComposerAttachments;
  queue: UploadQueue;
  items: readonly UploadItem[];
} {
  const queryClient = useQueryClient();
  // Staff may send a file with an internal note or with a reply, and choose only when sending: their
  // files begin internal and a reply's are shown to the customer after it is sent. The other way round,
  // a note's file would be visible to the customer between completing and attaching it.
  const staff = audience === 'staff';
  const [queue] = useState(
    () => new UploadQueue(createUploadSteps(supabase, { internal: staff }), { ticketId, completeOnUpload: ticketId === null, describeError: uploadErrorMessage }),
  );
  const setInternal = useSetAttachmentInternal(ticketId ?? '');
  const items = useSyncExternalStore(queue.subscribe, queue.getSnapshot);
  const existing = useTicketAttachments(ticketId ?? '', ticketId !== null);
  const [refusals, setRefusals] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);
  const [unattached, setUnattached] = useState<{ messageId: string; internal: boolean; error: string }>();
  const attach = useAttachToMessage(ticketId ?? '');
  const inputRef = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const hintId = useId();
  const limits = useAttachmentLimits().data;

  async function addFiles(files: File[]) {
    if (files.length === 0) return;
    let current;
    try {
      current = await queryClient.fetchQuery(attachmentLimitsQueryOptions());
    } catch (error) {
      setRefusals([`The files were not added: the upload limits could not be checked. ${apiErrorMessage(error)}`]);
      return;
    }
    const used =
      (existing.data ?? []).reduce((sum, attachment) => sum + attachment.size_bytes, 0) +
      queue.getSnapshot().reduce((sum, item) => sum + (item.status === 'canceled' ? 0 : item.size), 0);
    const facts = files.map((file) => ({ file, name: file.name, size: file.size, type: storedContentType(file) }));
    const { accepted, refused } = checkFiles(facts, current, used);
    setRefusals(refused.map((entry) => entry.refusal.message));
    queue.add(accepted.map(({ file, name, type }) => ({ file, name, contentType: type })));
  }

  const busy = items.some((item) => item.status === 'queued' || item.status === 'uploading');
  const failed = items.some((item) => item.status === 'failed');
  const blocker =
    ticketId === null
      ? undefined
      : busy
        ? 'Wait until your files have finished uploading, or cancel them.'
        : failed
          ? 'A file could not be uploaded: retry it or remove it, then send.'
          : undefined;

  async function onSent(messageId: string, message?: { internal: boolean }) {
    try {
      const ids = await queue.completeAll();
      if (ids.length > 0) await attach.mutateAsync({ messageId, attachmentIds: ids });
      if (staff && !message?.internal) await Promise.all(ids.map((id) => setInternal.mutateAsync({ id, internal: false })));
      queue.clearDone();
      setUnattached(undefined);
    } catch (error) {
      setUnattached({ messageId, internal: message?.internal ?? false, error: uploadErrorMessage(error) });
      throw error;
    }
  }

  const field = (
    <div className="space-y-2">
      <div
        className={`flex flex-wrap items-center gap-3 rounded-md border-2 border-dashed px-3 py-2 text-sm ${dragging ? 'border-blue-800 bg-blue-50' : 'border-slate-300 bg-white'}`}
      >
        <input
          ref={inputRef}
          id={inputId}
          type="file"
          multiple
          className="sr-only"
          // Reached through the button beside it; named for assistive technology all the same.
          tabIndex={-1}
          aria-label="Files to attach"
          aria-describedby={hintId}
          onChange={(event) => {
            void addFiles([...(event.target.files ?? [])]);
            event.target.value = '';
          }}
        />
        <Button variant="secondary" className="min-h-8 px-3 py-1" onClick={() => inputRef.current?.click()} aria-describedby={hintId}>
          Attach files
        </Button>
        <p id={hintId} className="min-w-0 flex-1 text-slate-700">
          {dragging ? 'Drop the files to attach them.' : 'Or drop files here, or paste a screenshot.'}{' '}
          {ticketId === null ? 'They are uploaded once the ticket is open. ' : ''}
          {limits ? `Up to ${formatBytes(limits.max_file_bytes)} a file and ${formatBytes(limits.max_ticket_bytes)} a ticket; no programs or scripts.` : 'No programs or scripts.'}
        </p>
      </div>
      {refusals.length > 0 && (
        <Alert tone="error" title={refusals.length === 1 ? 'A file was not added' : `${refusals.length} files were not added`}>
          <ul className="list-disc space-y-1 pl-5">
            {refusals.map((message, index) => (
              <li key={index}>{message}</li>
            ))}
          </ul>
        </Alert>
      )}
      {unattached && (
        <Alert tone="error" title="Your message was sent, but its files were not attached">
          <p>{unattached.error}</p>
          <Button
            variant="secondary"
            className="mt-2"
            pending={attach.isPending}
            onClick={() => void onSent(unattached.messageId, { internal: unattached.internal }).catch(() => undefined /* shown above */)}
          >
            Attach them again
          </Button>
        </Alert>
      )}
      {items.length > 0 && (
        <ul className="space-y-2" aria-label="Files for this message">
          {items.map((item) => (
            <UploadRow
              key={item.key}
              item={item}
              waitingForTicket={ticketId === null}
              onCancel={() => queue.cancel(item.key)}
              onRetry={() => queue.retry(item.key)}
              onRemove={() => queue.remove(item.key)}
            />
          ))}
        </ul>
      )}
    </div>
  );

  const composer: ComposerAttachments = {
    dropTarget: {
      onDragEnter: (event) => {
        if (hasFiles(event)) setDragging(true);
      },
      onDragOver: (event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave: (event) => {
        // Leaving for a child of the composer is not leaving it.
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      },
      onDrop: (event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setDragging(false);
        void addFiles([...event.dataTransfer.files]);
      },
      onPaste: (event) => {
        const files = [...event.clipboardData.files];
        if (files.length === 0) return;
        // A screenshot pasted into the text would otherwise do nothing, or paste its file name.
        event.preventDefault();
        const now = new Date();
        void addFiles(files.map((file) => (file.type.startsWith('image/') && /^image\.\w+$/.test(file.name) ? new File([file], pastedFileName(file.type, now), { type: file.type }) : file)));
      },
    },
    field,
    blocker,
    onSent,
  };
  return { composer, queue, items };
}
