import { describe, expect, it } from 'vitest';
import { categoryPriceLabel, packageCovering, previewUpgradeCost, priceRange } from './pricing';
import type { TicketCategory } from '../../lib/catalogue/categories';
import type { CreditPackage } from './schemas';

const versions = ['4.2.0', '4.2.1', '4.3.0', '4.3.1', '4.3.2', '4.3.3', '4.3.4', '4.3.5', '4.3.6', '4.3.7', '4.3.8', '4.3.9'];
const releases = versions.map((version, index) => ({ version, position: index + 1 }));
const upgrade = { credits: 20, per_step_credits: 5, included_steps: 2 };

describe('previewUpgradeCost (the upgrade calculator and the new-ticket form)', () => {
  it('prices 4.3.1 → 4.3.9 with every 4.3.x released at 8 steps = 50 credits (docs/design.md §1.4)', () => {
    expect(previewUpgradeCost(releases, upgrade, '4.3.1', '4.3.9')).toEqual({ ok: true, steps: 8, credits: 50 });
  });
  it('charges the base price for up to two versions', () => {
    expect(previewUpgradeCost(releases, upgrade, '4.3.1', '4.3.2')).toEqual({ ok: true, steps: 1, credits: 20 });
    expect(previewUpgradeCost(releases, upgrade, '4.3.1', '4.3.3')).toEqual({ ok: true, steps: 2, credits: 20 });
    expect(previewUpgradeCost(releases, upgrade, '4.3.1', '4.3.4')).toEqual({ ok: true, steps: 3, credits: 25 });
  });
  it('counts releases in release order, not by version text', () => {
    const shuffled = [...releases].reverse();
    expect(previewUpgradeCost(shuffled, upgrade, '4.2.0', '4.3.0')).toEqual({ ok: true, steps: 2, credits: 20 });
  });
  it('follows an admin-edited price list', () => {
    expect(previewUpgradeCost(releases, { credits: 30, per_step_credits: 10, included_steps: 1 }, '4.3.1', '4.3.4')).toEqual({
      ok: true,
      steps: 3,
      credits: 50,
    });
  });
  it('refuses a target that is not after the current version, and unknown versions', () => {
    expect(previewUpgradeCost(releases, upgrade, '4.3.9', '4.3.1')).toEqual({ ok: false, problem: '4.3.1 is not after 4.3.9.' });
    expect(previewUpgradeCost(releases, upgrade, '4.3.1', '4.3.1')).toEqual({ ok: false, problem: '4.3.1 is not after 4.3.1.' });
    expect(previewUpgradeCost(releases, upgrade, '9.9.9', '4.3.1')).toEqual({ ok: false, problem: 'Unknown version 9.9.9.' });
    expect(previewUpgradeCost(releases, upgrade, '', '4.3.1')).toEqual({ ok: false, problem: 'Choose both versions.' });
  });
  it('says so when upgrade pricing is missing', () => {
    expect(previewUpgradeCost(releases, undefined, '4.3.1', '4.3.2').ok).toBe(false);
  });
});

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
});
