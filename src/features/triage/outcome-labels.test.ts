import { describe, expect, it } from 'vitest';
import { quoteOutcomeSchema, type QuoteOutcome } from './schemas';
import { commitLabel, describeOutcome } from './outcome-labels';

/** preview_quote's answers (app.quote_outcome as JSON), as the database sends them. */
const base = { category: 'configuration', price: 10, charged: 0, due: 10, credits: 10, ceiling: 20, over_ceiling: false, balance: 100 };
const outcome = (extra: Record<string, unknown>): QuoteOutcome =>
  quoteOutcomeSchema.parse({ ...base, balance_after: null, missing: null, ...extra });

describe('the words for what the database said an assessment will do', () => {
  it('parses each kind, insisting on the figure its words need', () => {
    expect(outcome({ kind: 'charge', balance_after: 90 })).toMatchObject({ kind: 'charge', balance_after: 90 });
    expect(() => outcome({ kind: 'charge' }), 'a charge without the balance afterwards').toThrow();
    expect(() => outcome({ kind: 'awaiting_credits' }), 'waiting without the shortfall').toThrow();
    expect(() => outcome({ kind: 'surcharge' }), 'an unknown kind').toThrow();
  });

  it('describes each kind with its figures', () => {
    expect(describeOutcome(outcome({ kind: 'charge', balance_after: 90 }))).toBe('Charged now: 10 credits are taken at once (balance afterwards 90).');
    expect(describeOutcome(outcome({ kind: 'awaiting_credits', balance: 4, missing: 6 }))).toMatch(/^Awaiting credits: the balance is 6 credits short,/);
    expect(describeOutcome(outcome({ kind: 'quote', price: 20, credits: 20, charged: 10, due: 10 }))).toBe(
      'Quote sent: the customer is asked to confirm 20 credits (10 more than already charged). Nothing is charged and the ticket is not answered until they confirm.',
    );
    expect(describeOutcome(outcome({ kind: 'quote', price: 50, credits: 50, due: 50, over_ceiling: true }))).toBe(
      'Quote sent: the customer is asked to confirm 50 credits, above the 20 credits they agreed to in advance. Nothing is charged and the ticket is not answered until they confirm.',
    );
    expect(describeOutcome(outcome({ kind: 'refund', credits: 15, due: -15 }))).toBe('Refund: 15 credits go back to the customer at once.');
    expect(describeOutcome(outcome({ kind: 'no_change', credits: 0, due: 0 }))).toBe('No charge or refund: the price equals what was already charged.');
  });

  it('names the commit button after what it does', () => {
    expect(commitLabel(outcome({ kind: 'charge', balance_after: 0 }), 'Assess')).toBe('Assess and charge 10 credits');
    expect(commitLabel(outcome({ kind: 'awaiting_credits', missing: 6 }), 'Assess')).toBe('Assess: wait for 10 credits');
    expect(commitLabel(outcome({ kind: 'quote' }), 'Assess')).toBe('Assess and send quote');
    expect(commitLabel(outcome({ kind: 'refund', credits: 15 }), 'Re-categorize')).toBe('Re-categorize and refund 15 credits');
    expect(commitLabel(outcome({ kind: 'no_change', credits: 0 }), 'Re-categorize')).toBe('Re-categorize');
  });

  it('counts a single credit in the singular', () => {
    expect(commitLabel(outcome({ kind: 'refund', credits: 1 }), 'Re-categorize')).toBe('Re-categorize and refund 1 credit');
    expect(describeOutcome(outcome({ kind: 'refund', credits: 1 }))).toBe('Refund: 1 credit goes back to the customer at once.');
    expect(describeOutcome(outcome({ kind: 'charge', credits: 1, balance_after: 4 }))).toBe('Charged now: 1 credit is taken at once (balance afterwards 4).');
    expect(describeOutcome(outcome({ kind: 'awaiting_credits', credits: 5, missing: 1 }))).toMatch(/^Awaiting credits: the balance is 1 credit short,/);
  });
});
