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
 * Whether a ticket still has work or a decision ahead (open) or is finished (closed); the customer's
 * and the staff's "open" views, the thread's reply box and the staff actions all go by this.
 */
const phase = {
  new: 'open',
  awaiting_confirmation: 'open',
  awaiting_credits: 'open',
  in_progress: 'open',
  resolved: 'closed',
  declined: 'closed',
  canceled: 'closed',
} as const satisfies Record<TicketStatus, 'open' | 'closed'>;

export const OPEN_STATUSES: readonly TicketStatus[] = TICKET_STATUSES.filter((status) => phase[status] === 'open');
export const CLOSED_STATUSES: readonly TicketStatus[] = TICKET_STATUSES.filter((status) => phase[status] === 'closed');
export const isOpenStatus = (status: TicketStatus): boolean => phase[status] === 'open';

/**
 * Priced but not charged: the ticket waits for the customer (to confirm the quote, or to add credits).
 * The customer's "needs your action" list and the staff's warnings about a pending charge.
 */
const waitingOnCustomer = {
  new: false,
  awaiting_confirmation: true,
  awaiting_credits: true,
  in_progress: false,
  resolved: false,
  declined: false,
  canceled: false,
} as const satisfies Record<TicketStatus, boolean>;

export const WAITING_ON_CUSTOMER_STATUSES: readonly TicketStatus[] = TICKET_STATUSES.filter((status) => waitingOnCustomer[status]);
export const isWaitingOnCustomer = (status: TicketStatus): boolean => waitingOnCustomer[status];

/**
 * Where `cancel_ticket` lets a customer withdraw (and only while nothing is charged): the database
 * decides, this only spares the customer a button that would be refused.
 */
const cancelable = {
  new: true,
  awaiting_confirmation: true,
  awaiting_credits: true,
  in_progress: false,
  resolved: false,
  declined: false,
  canceled: false,
} as const satisfies Record<TicketStatus, boolean>;

export const isCancelableStatus = (status: TicketStatus): boolean => cancelable[status];

/**
 * The staff queue's order: what needs an engineer first (new, then charged and in progress), then the
 * tickets waiting for the customer, then the closed. A rank per status, so none can be left out.
 */
const queueRank = {
  new: 0,
  in_progress: 1,
  awaiting_credits: 2,
  awaiting_confirmation: 3,
  resolved: 4,
  declined: 5,
  canceled: 6,
} as const satisfies Record<TicketStatus, number>;

export const QUEUE_STATUS_ORDER: readonly TicketStatus[] = [...TICKET_STATUSES].sort((a, b) => queueRank[a] - queueRank[b]);
