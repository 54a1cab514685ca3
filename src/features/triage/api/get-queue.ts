import { infiniteQueryOptions, useSuspenseInfiniteQuery } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { supabase } from '../../../lib/supabase';
import { Constants } from '../../../lib/database.types';
import type { QueueFilters } from '../schemas';
import { triageKeys } from './keys';

export const QUEUE_PAGE_SIZE = 25;

/** Where the next page starts, as `staff_queue` returned it; sent back unread. */
const cursorSchema = z.nullable(z.object({ group: z.number(), after: z.nullable(z.string()) }));
export type QueueCursor = z.output<typeof cursorSchema>;

const rowSchema = z.object({
  id: z.string(),
  number: z.number(),
  subject: z.string(),
  status: z.enum(Constants.public.Enums.ticket_status),
  category: z.nullable(z.string()),
  quoted_credits: z.nullable(z.number()),
  charged_credits: z.number(),
  pre_approved: z.boolean(),
  created_at: z.string(),
  assignee_id: z.nullable(z.string()),
  created_by: z.nullable(z.string()),
  account_id: z.string(),
  /** Null when the customer's profile is gone. */
  customer_email: z.nullable(z.string()),
  /** Null when unassigned. */
  assignee_name: z.nullable(z.string()),
});
const pageSchema = z.object({ rows: z.array(rowSchema), next: cursorSchema });

export type QueueRow = z.output<typeof rowSchema>;
export type QueuePage = z.output<typeof pageSchema>;

/**
 * One page of the queue. `staff_queue` owns the order (status groups, oldest open first, newest closed
 * first), the filters, the search modes and the keyset paging; the browser only passes the filters on.
 */
export async function getQueuePage(filters: QueueFilters, cursor: QueueCursor, signal: AbortSignal): Promise<QueuePage> {
  const { data } = await supabase
    .rpc('staff_queue', {
      p_status: filters.status,
      p_category: filters.category,
      p_assignee: filters.assignee,
      p_search: filters.q,
      p_cursor: cursor,
      p_limit: QUEUE_PAGE_SIZE,
    })
    .abortSignal(signal)
    .throwOnError();
  return pageSchema.parse(data);
}

/** `userId` is in the key only because "mine" means the signed-in engineer. */
export const queueQueryOptions = (filters: QueueFilters, userId: string) =>
  infiniteQueryOptions({
    queryKey: triageKeys.queue(filters, userId),
    queryFn: ({ pageParam, signal }) => getQueuePage(filters, pageParam, signal),
    initialPageParam: null as QueueCursor,
    getNextPageParam: (last) => last.next,
    staleTime: 15_000,
  });

export const useQueue = (filters: QueueFilters, userId: string) => useSuspenseInfiniteQuery(queueQueryOptions(filters, userId));
