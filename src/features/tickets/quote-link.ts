/**
 * A quote mail's buttons open the ticket with `?quote=confirm` or `?quote=decline`. The link only opens
 * the dialog: nothing is charged or declined until the customer says yes on the page. When the ticket
 * no longer waits for that quote, the page says why instead of offering a dialog that would be refused.
 */
import type { TicketStatus } from '../../lib/ticket-status';

export type QuoteIntent = 'confirm' | 'decline';

export const parseQuoteIntent = (value: string | null): QuoteIntent | null => (value === 'confirm' || value === 'decline' ? value : null);

/** Why the quote a mail asked about cannot be answered any more; null while it still can. */
export function closedQuoteMessage(status: TicketStatus, intent: QuoteIntent): { title: string; body: string } | null {
  const title = intent === 'confirm' ? 'This quote can no longer be confirmed' : 'This quote can no longer be declined';
  switch (status) {
    case 'awaiting_confirmation':
      return null;
    case 'awaiting_credits':
      return { title, body: 'You already confirmed it. The ticket is charged as soon as your balance covers it.' };
    case 'in_progress':
    case 'resolved':
      return { title, body: 'You already confirmed it, and the engineer has the ticket. Nothing more was charged.' };
    case 'declined':
      return { title, body: 'You already declined it, so the ticket is closed. Nothing more was charged.' };
    case 'canceled':
      return { title, body: 'The ticket was canceled, so there is no quote to answer. Nothing was charged.' };
    case 'new':
      return { title, body: 'The quote was changed: an engineer is assessing the ticket again, and you will get the new price to confirm.' };
  }
}
