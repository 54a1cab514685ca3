import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { supabase } from '../../../lib/supabase';
import { QUEUE_STATUS_ORDER, type TicketStatus } from '../../../lib/ticket-status';
import { triageKeys } from './keys';

/** Tickets per status: one count per status, each read on that status's partial index (tickets_queue_*_idx). */
export async function getStatusCounts(): Promise<Record<TicketStatus, number>> {
  const counts = await Promise.all(
    QUEUE_STATUS_ORDER.map(async (status) => {
      const { count } = await supabase
        .from('tickets')
        .select('id', { count: 'exact', head: true })
        .eq('status', status)
        .throwOnError();
      return [status, count ?? 0] as const;
    }),
  );
  return Object.fromEntries(counts) as Record<TicketStatus, number>;
}

export const statusCountsQueryOptions = () =>
  queryOptions({ queryKey: triageKeys.counts(), queryFn: getStatusCounts, staleTime: 15_000 });

export const useStatusCounts = () => useSuspenseQuery(statusCountsQueryOptions());
