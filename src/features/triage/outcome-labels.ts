import { formatCredits } from '../../lib/format';
import type { QuoteOutcome } from './schemas';

/**
 * Words for what committing an assessment will do. The outcome and its figures come from the database
 * (`preview_quote`, the same decision `assess_ticket` and `reassess_ticket` act on); this only says them.
 */
export function describeOutcome(outcome: QuoteOutcome): string {
  switch (outcome.kind) {
    case 'charge':
      return `Charged now: ${formatCredits(outcome.credits)} ${outcome.credits === 1 ? 'is' : 'are'} taken at once (balance afterwards ${outcome.balance_after}).`;
    case 'awaiting_credits':
      return `Awaiting credits: the balance is ${formatCredits(outcome.missing)} short, so the ticket waits and the customer is told; it is charged automatically when credits arrive.`;
    case 'quote':
      return `Quote sent: the customer is asked to confirm ${formatCredits(outcome.credits)}${
        outcome.due !== outcome.credits ? ` (${outcome.due} more than already charged)` : ''
      }${outcome.over_ceiling && outcome.ceiling !== null ? `, above the ${formatCredits(outcome.ceiling)} they agreed to in advance` : ''}. Nothing is charged and the ticket is not answered until they confirm.`;
    case 'refund':
      return `Refund: ${formatCredits(outcome.credits)} ${outcome.credits === 1 ? 'goes' : 'go'} back to the customer at once.`;
    case 'no_change':
      return 'No charge or refund: the price equals what was already charged.';
  }
}

export function commitLabel(outcome: QuoteOutcome, verb: 'Assess' | 'Re-categorize'): string {
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
