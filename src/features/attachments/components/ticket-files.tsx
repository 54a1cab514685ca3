/**
 * What the ticket pages take from this feature, in one module they import with `import()` (in their
 * loaders, so it is there by the time they render). A static import would add this feature's chunks to
 * the lists of chunks the entry script preloads for each page, which are part of every page's first load.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { ComposerAttachments } from '../../../lib/composer-attachments';
import { ticketAttachmentsQueryOptions } from '../api/get-attachments';
import { attachmentLimitsQueryOptions } from '../api/get-limits';
import type { UploadItem, UploadQueue } from '../upload-queue';
import { useAttachmentComposer } from './use-attachment-composer';

export { MessageAttachments } from './message-attachments';

/**
 * Warms a ticket's files and the limits the composer states; a failure is shown where it matters (the
 * thread, with a retry; a refused file) rather than failing the page.
 */
export async function prefetchTicketAttachments(queryClient: QueryClient, ticketId: string | null): Promise<void> {
  await Promise.all([
    ticketId === null ? undefined : queryClient.prefetchQuery(ticketAttachmentsQueryOptions(ticketId)),
    queryClient.prefetchQuery(attachmentLimitsQueryOptions()),
  ]);
}

/** The files of one composer, handed to whatever renders the composer (a render prop, since routes load this lazily). */
export function ComposerFiles({
  ticketId,
  audience,
  children,
}: {
  ticketId: string | null;
  audience?: 'customer' | 'staff';
  children: (files: { composer: ComposerAttachments; queue: UploadQueue; items: readonly UploadItem[] }) => ReactNode;
}) {
  return children(useAttachmentComposer({ ticketId, audience }));
}
