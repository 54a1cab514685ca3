import { describe, expect, it } from 'vitest';
import { categoryPricing, isUpgradeCategory } from './category-pricing';
import type { TicketCategory } from './schemas';

const row = (over: Partial<TicketCategory>): TicketCategory => ({
  code: 'x',
  level: 1,
  name: 'X',
  description: '',
  credits: 10,
  min_credits: null,
  per_step_credits: null,
  included_steps: null,
  ...over,
});

describe('how a category is priced', () => {
  it('reads the kind from the price columns', () => {
    expect(categoryPricing(row({ credits: 5 }))).toEqual({ kind: 'fixed', credits: 5 });
    expect(categoryPricing(row({ min_credits: 30 }))).toEqual({ kind: 'agreed', minCredits: 30 });
    expect(categoryPricing(row({ credits: 20, per_step_credits: 5, included_steps: 2 }))).toEqual({
      kind: 'per-version',
      credits: 20,
      includedSteps: 2,
      perStepCredits: 5,
    });
  });

  it('treats a missing count of included versions as none', () => {
    expect(categoryPricing(row({ per_step_credits: 5 }))).toMatchObject({ kind: 'per-version', includedSteps: 0 });
  });

  it('finds the upgrade category by its per-version price, whatever its code', () => {
    const categories: TicketCategory[] = [
      row({ code: 'question', credits: 5 }),
      row({ code: 'upgrade', credits: 10 }),
      row({ code: 'version_move', credits: 20, per_step_credits: 5, included_steps: 2 }),
    ];
    expect(categories.filter(isUpgradeCategory).map((category) => category.code)).toEqual(['version_move']);
  });
});
