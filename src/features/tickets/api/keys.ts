import { rootKeys } from '../../../lib/query-keys';
import type { TicketFilters } from '../schemas';

/** Query keys of the customer's tickets, general → specific; mutations invalidate `ticketKeys.all`. */
export const ticketKeys = {
  all: rootKeys.tickets,
  lists: () => [...ticketKeys.all, 'list'] as const,
  list: (filters: TicketFilters) => [...ticketKeys.lists(), filters] as const,
  needingAction: () => [...ticketKeys.all, 'needing-action'] as const,
  detail: (number: number) => [...ticketKeys.all, 'detail', number] as const,
  thread: (ticketId: string) => [...ticketKeys.all, 'thread', ticketId] as const,
  activity: () => [...ticketKeys.all, 'activity'] as const,
};
