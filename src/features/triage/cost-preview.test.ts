import { describe, expect, it } from 'vitest';
import { commitLabel, describeOutcome, predictOutcome } from './cost-preview';

const question = { level: 1, min_credits: null };
const configuration = { level: 2, min_credits: null };
const codeModification = { level: 3, min_credits: 20 };

describe('predictOutcome follows the consent rules of docs/design.md §1.5–1.7', () => {
  it('charges a pre-approved ticket at once when the balance covers it', () => {
    expect(predictOutcome({ pre_approved: true, charged_credits: 0 }, configuration, 10, 100)).toEqual({ kind: 'charge', credits: 10, balanceAfter: 90 });
  });
  it('waits for credits when the balance is short, saying how many are missing', () => {
    expect(predictOutcome({ pre_approved: true, charged_credits: 0 }, configuration, 10, 4)).toEqual({ kind: 'awaiting_credits', credits: 10, missing: 6 });
  });
  it('charges level 1 without confirmation even for "tell me the cost first"', () => {
    expect(predictOutcome({ pre_approved: false, charged_credits: 0 }, question, 5, 5).kind).toBe('charge');
  });
  it('sends a quote for level 2 and 3 when the customer wants the cost first', () => {
    expect(predictOutcome({ pre_approved: false, charged_credits: 0 }, configuration, 10, 100)).toEqual({ kind: 'quote', credits: 10, due: 10 });
  });
  it('asks for confirmation of a pre-approved ticket priced above its ceiling, and charges one at the ceiling', () => {
    const upgrade = { level: 3, min_credits: null };
    expect(predictOutcome({ pre_approved: true, charged_credits: 0, pre_approval_ceiling: 20 }, upgrade, 50, 100)).toEqual({ kind: 'quote', credits: 50, due: 50 });
    expect(predictOutcome({ pre_approved: true, charged_credits: 0, pre_approval_ceiling: 50 }, upgrade, 50, 100).kind).toBe('charge');
    expect(predictOutcome({ pre_approved: true, charged_credits: 0 }, upgrade, 25, 100).kind, 'stored without a ceiling: the default 20').toBe('quote');
  });
  it('always asks for confirmation of an agreed price, even pre-approved', () => {
    expect(predictOutcome({ pre_approved: true, charged_credits: 0 }, codeModification, 35, 100).kind).toBe('quote');
  });
  it('refunds the difference when re-categorized down, and nothing when the price is unchanged', () => {
    expect(predictOutcome({ pre_approved: true, charged_credits: 20 }, question, 5, 0)).toEqual({ kind: 'refund', credits: 15 });
    expect(predictOutcome({ pre_approved: true, charged_credits: 10 }, configuration, 10, 0)).toEqual({ kind: 'no_change' });
  });
  it('charges only the difference up for pre-approved tickets, and asks again for cost-first ones', () => {
    expect(predictOutcome({ pre_approved: true, charged_credits: 5 }, configuration, 10, 50)).toEqual({ kind: 'charge', credits: 5, balanceAfter: 45 });
    expect(predictOutcome({ pre_approved: false, charged_credits: 5 }, question, 10, 50)).toEqual({ kind: 'quote', credits: 10, due: 5 });
  });
  it('names the commit button after what it does', () => {
    expect(commitLabel({ kind: 'charge', credits: 10, balanceAfter: 0 }, 'Assess')).toBe('Assess and charge 10 credits');
    expect(commitLabel({ kind: 'refund', credits: 15 }, 'Re-categorize')).toBe('Re-categorize and refund 15 credits');
  });
  it('counts a single credit in the singular', () => {
    expect(commitLabel({ kind: 'refund', credits: 1 }, 'Re-categorize')).toBe('Re-categorize and refund 1 credit');
    expect(describeOutcome({ kind: 'refund', credits: 1 })).toBe('Refund: 1 credit goes back to the customer at once.');
    expect(describeOutcome({ kind: 'charge', credits: 1, balanceAfter: 4 })).toBe('Charged now: 1 credit is taken at once (balance afterwards 4).');
    expect(describeOutcome({ kind: 'awaiting_credits', credits: 5, missing: 1 })).toMatch(/^Awaiting credits: the balance is 1 credit short,/);
  });
});
