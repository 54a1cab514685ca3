import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { Constants } from '../../../lib/database.types';
import { supabase } from '../../../lib/supabase';
import { triageKeys } from './keys';

/** Every status is in the answer, so a missing one is an error here, not a blank badge. */
const countsSchema = z.record(z.enum(Constants.public.Enums.ticket_status), z.number());

/** Tickets per status, counted by `staff_queue_counts` in one call. */
export async function getStatusCounts(signal: AbortSignal) {
  const { data } = await supabase.rpc('staff_queue_counts').abortSignal(signal).throwOnError();
  return countsSchema.parse(data);
}

export const statusCountsQueryOptions = () =>
  queryOptions({ queryKey: triageKeys.counts(), queryFn: ({ signal }) => getStatusCounts(signal), staleTime: 15_000 });

export const useStatusCounts = () => useSuspenseQuery(statusCountsQueryOptions());
