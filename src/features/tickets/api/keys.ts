import { rootKeys } from '../../../lib/query-keys';
import type { TicketFilters } from '../schemas';

/**
 * Query keys of the customer's tickets, general → specific; mutations invalidate `ticketKeys.all`.
 * Reads scoped to the signed-in person carry their id.
 */
export const ticketKeys = {
  all: rootKeys.tickets,
  lists: () => [...ticketKeys.all, 'list'] as const,
  list: (userId: string, filters: TicketFilters) => [...ticketKeys.lists(), userId, filters] as const,
  needingAction: (userId: string) => [...ticketKeys.all, 'needing-action', userId] as const,
  detail: (userId: string, number: number) => [...ticketKeys.all, 'detail', userId, number] as const,
  thread: (ticketId: string) => [...ticketKeys.all, 'thread', ticketId] as const,
  activity: (userId: string) => [...ticketKeys.all, 'activity', userId] as const,
};
