import { queryOptions, useQuery } from '@tanstack/react-query';
import { supabase, type AppSupabaseClient } from '../../../lib/supabase';
import { attachmentLimitsSchema } from '../limits';
import { attachmentKeys } from './keys';

/** The per-file and per-ticket limits and the refused types, as the server will enforce them. */
export async function getAttachmentLimits(client: AppSupabaseClient) {
  const { data } = await client.rpc('attachment_limits').throwOnError();
  return attachmentLimitsSchema.parse(data);
}

export const attachmentLimitsQueryOptions = () =>
  queryOptions({ queryKey: attachmentKeys.limits(), queryFn: () => getAttachmentLimits(supabase), staleTime: 10 * 60_000 });

export const useAttachmentLimits = () => useQuery(attachmentLimitsQueryOptions());
