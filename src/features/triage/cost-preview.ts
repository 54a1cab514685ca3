import { formatCredits } from '../../lib/format';
import type { TicketCategory } from '../../lib/catalogue/categories';
import type { TicketRow } from './schemas';

export type Outcome =
  | { kind: 'charge'; credits: number; balanceAfter: number }
  | { kind: 'awaiting_credits'; credits: number; missing: number }
  | { kind: 'quote'; credits: number; due: number }
  | { kind: 'refund'; credits: number }
  | { kind: 'no_change' };

/** The database's default pre-approval ceiling (the dearest fixed category) for tickets stored without one. */
const DEFAULT_CEILING = 20;

/**
 * What assessing (or re-categorizing) a ticket at `price` will do, following the database's
 * app.apply_quote (docs/design.md §1.5–1.7), so the engineer sees it before committing. The database decides;
 * this only explains.
 */
export function predictOutcome(
  ticket: Pick<TicketRow, 'pre_approved' | 'charged_credits'> & { pre_approval_ceiling?: number | null },
  category: Pick<TicketCategory, 'level' | 'min_credits'>,
  price: number,
  balance: number,
): Outcome {
  const due = price - ticket.charged_credits;
  if (due < 0) return { kind: 'refund', credits: -due };
  if (due === 0) return { kind: 'no_change' };
  // Pre-approval covers prices up to the customer's ceiling; above it they are asked like cost-first ones.
  const overCeiling = ticket.pre_approved && price > (ticket.pre_approval_ceiling ?? DEFAULT_CEILING);
  const needsConfirmation =
    category.min_credits !== null || overCeiling || (!ticket.pre_approved && (ticket.charged_credits > 0 || category.level > 1));
  if (needsConfirmation) return { kind: 'quote', credits: price, due };
  if (balance >= due) return { kind: 'charge', credits: due, balanceAfter: balance - due };
  return { kind: 'awaiting_credits', credits: due, missing: due - balance };
}

export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'charge':
      return `Charged now: ${formatCredits(outcome.credits)} ${outcome.credits === 1 ? 'is' : 'are'} taken at once (balance afterwards ${outcome.balanceAfter}).`;
    case 'awaiting_credits':
      return `Awaiting credits: the balance is ${formatCredits(outcome.missing)} short, so the ticket waits and the customer is told; it is charged automatically when credits arrive.`;
    case 'quote':
      return `Quote sent: the customer is asked to confirm ${formatCredits(outcome.credits)}${
        outcome.due !== outcome.credits ? ` (${outcome.due} more than already charged)` : ''
      }. Nothing is charged and the ticket is not answered until they confirm.`;
    case 'refund':
      return `Refund: ${formatCredits(outcome.credits)} ${outcome.credits === 1 ? 'goes' : 'go'} back to the customer at once.`;
    case 'no_change':
      return 'No charge or refund: the price equals what was already charged.';
  }
}

export function commitLabel(outcome: Outcome, verb: 'Assess' | 'Re-categorize'): string {
  switch (outcome.kind) {
    case 'charge':
      return `${verb} and charge ${formatCredits(outcome.credits)}`;
    case 'awaiting_credits':
      return `${verb}: wait for ${formatCredits(outcome.credits)}`;
    case 'quote':
      return `${verb} and send quote`;
    case 'refund':
      return `${verb} and refund ${formatCredits(outcome.credits)}`;
    case 'no_change':
      return verb;
  }
}
