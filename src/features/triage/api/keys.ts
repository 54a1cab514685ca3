import type { QueueFilters } from '../schemas';
import type { QuoteInput } from './preview-quote';

/** Query keys of the staff route, general → specific; mutations invalidate `triageKeys.all`. */
export const triageKeys = {
  all: ['triage'] as const,
  queues: () => [...triageKeys.all, 'queue'] as const,
  queue: (filters: QueueFilters, userId: string) => [...triageKeys.queues(), filters, userId] as const,
  counts: () => [...triageKeys.all, 'counts'] as const,
  ticket: (number: number) => [...triageKeys.all, 'ticket', number] as const,
  messages: (ticketId: string) => [...triageKeys.all, 'messages', ticketId] as const,
  events: (ticketId: string) => [...triageKeys.all, 'events', ticketId] as const,
  customer: (accountId: string, userId: string | null) => [...triageKeys.all, 'customer', accountId, userId] as const,
  preview: (input: QuoteInput, ticketUpdatedAt: string) => [...triageKeys.all, 'preview', input, ticketUpdatedAt] as const,
  staffMembers: () => [...triageKeys.all, 'staff-members'] as const,
};
