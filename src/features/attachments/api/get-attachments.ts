import { queryOptions, useQuery } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { attachmentKeys } from './keys';

/**
 * A ticket's finished attachments, oldest first. RLS decides who sees what: a customer never gets internal
 * ones, so the same read serves both sides.
 */
export async function getTicketAttachments(client: AppSupabaseClient, ticketId: string) {
  const { data } = await client
    .from('ticket_attachments')
    .select('id, ticket_id, message_id, object_name, file_name, content_type, size_bytes, internal, created_at')
    .eq('ticket_id', ticketId)
    .eq('status', 'ready')
    .order('created_at')
    .throwOnError();
  return data;
}

export type Attachment = Awaited<ReturnType<typeof getTicketAttachments>>[number];

export const ticketAttachmentsQueryOptions = (ticketId: string) =>
  queryOptions({ queryKey: attachmentKeys.ticket(ticketId), queryFn: () => getTicketAttachments(supabase, ticketId), staleTime: 10_000 });

/** Not suspending: the thread shows at once and its files fill in (their space kept by a placeholder). */
export const useTicketAttachments = (ticketId: string, enabled = true) => useQuery({ ...ticketAttachmentsQueryOptions(ticketId), enabled });
