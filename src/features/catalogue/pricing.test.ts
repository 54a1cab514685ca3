import { describe, expect, it } from 'vitest';
import { categoryPriceLabel, packageCovering, priceRange } from './pricing';
import type { TicketCategory } from '../../lib/catalogue/categories';
import type { CreditPackage } from './schemas';

const pkg = (credits: number, price_cents: number): CreditPackage => ({ id: String(credits), name: `${credits}`, credits, price_cents, currency: 'usd' });

describe('priceRange and packages', () => {
  it('shows the range of the active packages', () => {
    expect(priceRange([pkg(25, 10000), pkg(500, 50000), pkg(50, 16000)])).toBe('$100.00 – $500.00');
    expect(priceRange([pkg(25, 10000)])).toBe('$100.00');
    expect(priceRange([])).toBeNull();
  });
  it('suggests the smallest package covering the missing credits', () => {
    const packages = [pkg(25, 1), pkg(50, 1), pkg(100, 1)];
    expect(packageCovering(packages, 15)?.credits).toBe(25);
    expect(packageCovering(packages, 26)?.credits).toBe(50);
    expect(packageCovering(packages, 1000)?.credits).toBe(100);
  });
  it('labels agreed and per-version prices', () => {
    const base: TicketCategory = { code: 'x', level: 3, name: 'X', description: '', credits: 20, min_credits: null, per_step_credits: null, included_steps: null };
    expect(categoryPriceLabel(base)).toBe('20 credits');
    expect(categoryPriceLabel({ ...base, min_credits: 20 })).toBe('from 20 credits, agreed with you');
    expect(categoryPriceLabel({ ...base, per_step_credits: 5, included_steps: 2 })).toBe(
      '20 credits for up to 2 versions, +5 for each further version',
    );
  });
  it('says a price of 1 credit in the singular, as the database\'s own texts do', () => {
    const one: TicketCategory = { code: 'x', level: 1, name: 'X', description: '', credits: 1, min_credits: null, per_step_credits: null, included_steps: null };
    expect(categoryPriceLabel(one)).toBe('1 credit');
    expect(categoryPriceLabel({ ...one, min_credits: 1 })).toBe('from 1 credit, agreed with you');
    expect(categoryPriceLabel({ ...one, per_step_credits: 1, included_steps: 0 })).toBe('1 credit for up to 0 versions, +1 for each further version');
  });
});
