import { useId, useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { apiErrorMessage } from '../../../lib/api-errors';
import { supabase } from '../../../lib/supabase';
import { useTicketAttachments, type Attachment } from '../api/get-attachments';
import { usePendingInternal, useSetAttachmentInternal } from '../api/set-internal';
import { signedUrl, useViewUrl } from '../api/signed-urls';
import { fileKind, formatBytes } from '../file-name';
import { FileIcon, FileName } from './file-icon';
import { Lightbox } from './lightbox';
import { TextPreview } from './text-preview';

export type Audience = 'customer' | 'staff';

/** Through a one-minute signed link that names the file, so the browser saves it under the name given. */
async function download(attachment: Attachment) {
  const url = await signedUrl(supabase, attachment.object_name, attachment.file_name);
  const link = document.createElement('a');
  link.href = url;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * The files of one message (`messageId`) or of the ticket itself (null), under it in the thread. The
 * ticket's attachments are read once (the route's loader warms them) and shared by every message.
 */
export function MessageAttachments({ ticketId, messageId, audience }: { ticketId: string; messageId: string | null; audience: Audience }) {
  const attachments = useTicketAttachments(ticketId);
  const [open, setOpen] = useState<number | null>(null);
  const [downloadError, setDownloadError] = useState<string>();
  if (attachments.isError) {
    // Said once, at the ticket's own files, rather than under every message.
    if (messageId !== null) return null;
    return (
      <Alert tone="error" title="The attachments could not be loaded">
        {apiErrorMessage(attachments.error)}{' '}
        <button type="button" className="font-semibold underline" onClick={() => void attachments.refetch()}>
          Try again
        </button>
      </Alert>
    );
  }
  if (!attachments.data) return null;
  const mine = attachments.data.filter((attachment) => attachment.message_id === messageId);
  if (mine.length === 0) return null;
  const images = mine.filter((attachment) => fileKind(attachment.file_name, attachment.content_type) === 'image');
  const startDownload = (attachment: Attachment) => {
    setDownloadError(undefined);
    download(attachment).catch((error: unknown) => setDownloadError(`“${attachment.file_name}” could not be downloaded. ${apiErrorMessage(error)}`));
  };

  return (
    <div className="mt-3 space-y-2">
      <ul className="space-y-2" aria-label="Attachments">
        {mine.map((attachment) => (
          <AttachmentItem
            key={attachment.id}
            attachment={attachment}
            audience={audience}
            ticketId={ticketId}
            onOpen={() => setOpen(images.indexOf(attachment))}
            onDownload={() => startDownload(attachment)}
          />
        ))}
      </ul>
      {downloadError && (
        <p role="alert" className="text-sm text-red-800">
          {downloadError}
        </p>
      )}
      {open !== null && open >= 0 && <Lightbox images={images} index={open} onIndex={setOpen} onClose={() => setOpen(null)} onDownload={startDownload} />}
    </div>
  );
}

function AttachmentItem({
  attachment,
  audience,
  ticketId,
  onOpen,
  onDownload,
}: {
  attachment: Attachment;
  audience: Audience;
  ticketId: string;
  onOpen: () => void;
  onDownload: () => void;
}) {
  const kind = fileKind(attachment.file_name, attachment.content_type);
  const [previewing, setPreviewing] = useState(false);
  const previewId = useId();
  return (
    <li className="rounded-md border border-slate-200 bg-white p-2 text-sm" aria-label={attachment.file_name}>
      <div className="flex min-w-0 items-center gap-3">
        {kind === 'image' ? <Thumbnail attachment={attachment} onOpen={onOpen} /> : <FileIcon kind={kind} className="size-6" />}
        <div className="min-w-0 flex-1">
          <p className="flex min-w-0 items-baseline gap-2">
            <FileName name={attachment.file_name} className="font-medium text-slate-900" />
            {attachment.internal && (
              <span className="shrink-0 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900">Internal</span>
            )}
          </p>
          <p className="text-slate-600">
            {formatBytes(attachment.size_bytes)} · {attachment.content_type}
          </p>
        </div>
        <div className="flex shrink-0 flex-wrap items-center justify-end gap-1">
          {kind === 'text' && (
            <Button variant="ghost" className="min-h-8 px-2 py-1" aria-expanded={previewing} aria-controls={previewId} onClick={() => setPreviewing((shown) => !shown)} aria-label={`${previewing ? 'Hide the preview of' : 'Preview'} ${attachment.file_name}`}>
              {previewing ? 'Hide preview' : 'Preview'}
            </Button>
          )}
          <Button variant="secondary" className="min-h-8 px-2 py-1" onClick={onDownload} aria-label={`Download ${attachment.file_name}`}>
            Download
          </Button>
        </div>
      </div>
      {audience === 'staff' && <InternalToggle attachment={attachment} ticketId={ticketId} />}
      {previewing && <TextPreview objectName={attachment.object_name} name={attachment.file_name} id={previewId} />}
    </li>
  );
}

/** A fixed-size box whatever the image, so nothing below moves when it arrives. */
function Thumbnail({ attachment, onOpen }: { attachment: Attachment; onOpen: () => void }) {
  const url = useViewUrl(attachment.object_name);
  return (
    <button
      type="button"
      onClick={onOpen}
      aria-label={`Open ${attachment.file_name}`}
      className="flex size-16 shrink-0 items-center justify-center overflow-hidden rounded border border-slate-200 bg-slate-100 focus-visible:outline-2 focus-visible:outline-blue-800"
    >
      {url.data ? <img src={url.data} alt={attachment.file_name} loading="lazy" className="size-full object-cover" /> : <FileIcon kind="image" className="size-6" />}
    </button>
  );
}

function InternalToggle({ attachment, ticketId }: { attachment: Attachment; ticketId: string }) {
  const setInternal = useSetAttachmentInternal(ticketId);
  const pending = usePendingInternal(ticketId, attachment.id);
  const shown = pending ?? attachment.internal;
  return (
    <div className="mt-2 flex flex-wrap items-center gap-2 border-t border-slate-100 pt-2">
      <label className="flex items-center gap-2 text-slate-800">
        <input
          type="checkbox"
          className="size-4 accent-amber-700"
          checked={shown}
          disabled={pending !== undefined}
          onChange={(event) => setInternal.mutate({ id: attachment.id, internal: event.target.checked })}
        />
        Internal: hidden from the customer
        <span className="sr-only"> ({attachment.file_name})</span>
      </label>
      {setInternal.isError && (
        <span role="alert" className="text-red-800">
          Not changed. {apiErrorMessage(setInternal.error)}
        </span>
      )}
    </div>
  );
}
