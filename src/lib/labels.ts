/**
 * The words for the database's codes, in one place: ticket statuses (here), categories
 * (lib/category-label.ts) and audit events (lib/ticket-events.ts). Screens import them from this
 * module, never a code shown as-is; src/lib/labels.test.ts renders every value.
 */
import type { EventAudience } from './ticket-events';
import type { TicketStatus } from './ticket-status';

export { categoryLabel, categoryNamer, humanizeCode, type NamedCategory } from './category-label';
export { describeTicketEvent, TICKET_EVENT_KINDS, type EventAudience, type TicketEventKind } from './ticket-events';

/**
 * A status as each side reads it. The customer sees what it means for them ("Quote to confirm"); staff
 * see the workflow's step. Typed per status: a status added in SQL without words does not compile.
 */
const STATUS_LABELS = {
  new: { customer: 'Waiting for assessment', staff: 'New' },
  awaiting_confirmation: { customer: 'Quote to confirm', staff: 'Awaiting confirmation' },
  awaiting_credits: { customer: 'Awaiting credits', staff: 'Awaiting credits' },
  in_progress: { customer: 'In progress', staff: 'In progress' },
  resolved: { customer: 'Resolved', staff: 'Resolved' },
  declined: { customer: 'Declined', staff: 'Declined' },
  canceled: { customer: 'Canceled', staff: 'Canceled' },
} as const satisfies Record<TicketStatus, Record<EventAudience, string>>;

export function statusLabel(status: TicketStatus, audience: EventAudience): string {
  return STATUS_LABELS[status][audience];
}
