/**
 * How each notice kind is shown in the app: an icon, and where its "open" link leads. The titles and
 * bodies come from the database with each notice; only the presentation lives here.
 *
 * Staff kinds link to the staff ticket page: the notice is about work in the queue, and the customer's
 * page would show an engineer "Ticket not found". Deciding by kind rather than by the reader's role
 * keeps an admin's own customer notices pointing at their portal.
 */
import { paths } from '../../config/paths';

export type NoticeTarget = 'ticket' | 'ticket_or_credits' | 'quote' | 'staff_ticket' | 'credits' | 'admin_payments';

export type NoticePresentation = {
  /** A glyph next to the title; decorative (the title says what happened). */
  icon: string;
  target: NoticeTarget;
};

/**
 * Every kind `public.notifications.kind` allows. src/features/notifications/kinds.test.ts checks this
 * list against the table's check constraint, so a kind added in SQL without a presentation fails.
 */
export const NOTICE_KINDS = {
  quote_ready: { icon: '🧮', target: 'quote' },
  charged: { icon: '💳', target: 'ticket' },
  // One notice per account may cover several waiting tickets: then it has no ticket of its own.
  credits_needed: { icon: '⏳', target: 'ticket_or_credits' },
  answered: { icon: '💬', target: 'ticket' },
  split: { icon: '🔀', target: 'ticket' },
  resolved: { icon: '✅', target: 'ticket' },
  recategorized: { icon: '🏷️', target: 'ticket' },
  refunded: { icon: '↩️', target: 'ticket' },
  credits_added: { icon: '🧾', target: 'credits' },
  low_balance: { icon: '🪫', target: 'credits' },
  purchase_failed: { icon: '⚠️', target: 'credits' },
  new_ticket: { icon: '📥', target: 'staff_ticket' },
  customer_replied: { icon: '💬', target: 'staff_ticket' },
  quote_confirmed: { icon: '👍', target: 'staff_ticket' },
  quote_declined: { icon: '👎', target: 'staff_ticket' },
  payment_review: { icon: '🔎', target: 'admin_payments' },
} as const satisfies Record<string, NoticePresentation>;

export type NoticeKind = keyof typeof NOTICE_KINDS;

const fallback: NoticePresentation = { icon: '🔔', target: 'ticket' };

export function noticePresentation(kind: string): NoticePresentation {
  return kind in NOTICE_KINDS ? NOTICE_KINDS[kind as NoticeKind] : fallback;
}

/** The link a notice offers, or null when it has nowhere to lead (a ticket notice without its ticket). */
export function noticeLink(kind: string, ticketNumber: number | null | undefined): { href: string; label: string } | null {
  const { target } = noticePresentation(kind);
  switch (target) {
    case 'credits':
      return { href: paths.portal.credits.getHref(), label: 'See your credits' };
    case 'admin_payments':
      return { href: `${paths.admin.root.getHref()}#payments-title`, label: 'Open payment problems' };
    case 'staff_ticket':
      return ticketNumber ? { href: paths.staff.ticket.getHref(ticketNumber), label: `Open ticket #${ticketNumber} in the queue` } : null;
    case 'quote':
      return ticketNumber ? { href: paths.portal.ticket.getHref(ticketNumber), label: `Review the quote on ticket #${ticketNumber}` } : null;
    case 'ticket_or_credits':
      return ticketNumber
        ? { href: paths.portal.ticket.getHref(ticketNumber), label: `Open ticket #${ticketNumber}` }
        : { href: paths.portal.credits.getHref(), label: 'Buy credits' };
    case 'ticket':
      return ticketNumber ? { href: paths.portal.ticket.getHref(ticketNumber), label: `Open ticket #${ticketNumber}` } : null;
  }
}
