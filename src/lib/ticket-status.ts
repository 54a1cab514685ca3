/**
 * Ticket statuses as the app groups them. The values are the SQL enum `ticket_status`, reaching
 * TypeScript through the generated types; every grouping is derived from a `Record<TicketStatus, …>`
 * so a status added in SQL (and `npm run db:types`) does not compile until it is placed here.
 * Their words are in lib/labels.ts.
 *
 * The rules are SQL's: the database decides with `app.is_open`, `app.is_waiting_on_customer` and
 * `app.is_cancelable`, and the groups here only spare the reader a button or a view the database would
 * refuse. supabase/tests/17-ticket-event-vocabulary.test.ts checks each group against its SQL function
 * for every status.
 */
import { Constants, type Database } from './database.types';

export type TicketStatus = Database['public']['Enums']['ticket_status'];

/** Every status, in the enum's order (the customer's filter lists them so). */
export const TICKET_STATUSES: readonly TicketStatus[] = Constants.public.Enums.ticket_status;

export const isTicketStatus = (value: string): value is TicketStatus => (TICKET_STATUSES as readonly string[]).includes(value);

/**
 * One row per status, so a new status is placed in every group at once:
 * - `phase`: whether a ticket still has work or a decision ahead (open) or is finished (closed); the
 *   customer's and the staff's "open" views, the thread's reply box and the staff actions go by this.
 * - `waitingOnCustomer`: priced but not charged, the ticket waits for the customer (to confirm the
 *   quote, or to add credits); the customer's "needs your action" list and the staff's warnings about
 *   a pending charge.
 * - `cancelable`: where `cancel_ticket` lets a customer withdraw (only while nothing is charged); the
 *   database decides, this only spares the customer a button that would be refused.
 * - `queueRank`: the staff queue's order: what needs an engineer first (new, then charged and in
 *   progress), then the tickets waiting for the customer, then the closed.
 */
const statusRules = {
  new: { phase: 'open', waitingOnCustomer: false, cancelable: true, queueRank: 0 },
  awaiting_confirmation: { phase: 'open', waitingOnCustomer: true, cancelable: true, queueRank: 3 },
  awaiting_credits: { phase: 'open', waitingOnCustomer: true, cancelable: true, queueRank: 2 },
  in_progress: { phase: 'open', waitingOnCustomer: false, cancelable: false, queueRank: 1 },
  resolved: { phase: 'closed', waitingOnCustomer: false, cancelable: false, queueRank: 4 },
  declined: { phase: 'closed', waitingOnCustomer: false, cancelable: false, queueRank: 5 },
  canceled: { phase: 'closed', waitingOnCustomer: false, cancelable: false, queueRank: 6 },
} as const satisfies Record<TicketStatus, { phase: 'open' | 'closed'; waitingOnCustomer: boolean; cancelable: boolean; queueRank: number }>;

export const OPEN_STATUSES: readonly TicketStatus[] = TICKET_STATUSES.filter((status) => statusRules[status].phase === 'open');
export const CLOSED_STATUSES: readonly TicketStatus[] = TICKET_STATUSES.filter((status) => statusRules[status].phase === 'closed');
export const isOpenStatus = (status: TicketStatus): boolean => statusRules[status].phase === 'open';

export const WAITING_ON_CUSTOMER_STATUSES: readonly TicketStatus[] = TICKET_STATUSES.filter((status) => statusRules[status].waitingOnCustomer);
export const isWaitingOnCustomer = (status: TicketStatus): boolean => statusRules[status].waitingOnCustomer;

export const isCancelableStatus = (status: TicketStatus): boolean => statusRules[status].cancelable;

export const QUEUE_STATUS_ORDER: readonly TicketStatus[] = [...TICKET_STATUSES].sort((a, b) => statusRules[a].queueRank - statusRules[b].queueRank);
