import type { TicketCategory } from '../../lib/catalogue/categories';
import { categoryPricing } from '../../lib/catalogue/category-pricing';
import { formatCredits } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import type { CreditPackage } from './schemas';

/** "$100.00 – $500.00" over the active packages (one price when they all cost the same). */
export function priceRange(packages: readonly CreditPackage[]): string | null {
  if (packages.length === 0) return null;
  const currency = packages[0]?.currency ?? 'usd';
  const prices = packages.map((pkg) => pkg.price_cents);
  const low = Math.min(...prices);
  const high = Math.max(...prices);
  return low === high ? formatMoney(low, currency) : `${formatMoney(low, currency)} – ${formatMoney(high, currency)}`;
}

/** "from 20 credits", "20 credits (+5 per version after 2)", or "10 credits". */
export function categoryPriceLabel(category: TicketCategory): string {
  const pricing = categoryPricing(category);
  switch (pricing.kind) {
    case 'agreed':
      return `from ${formatCredits(pricing.minCredits)}, agreed with you`;
    case 'per-version':
      return `${formatCredits(pricing.credits)} for up to ${pricing.includedSteps} versions, +${pricing.perStepCredits} for each further version`;
    case 'fixed':
      return formatCredits(pricing.credits);
  }
}

/** The smallest package that covers `missing` credits (or the largest one, when none does). */
export function packageCovering(packages: readonly CreditPackage[], missing: number): CreditPackage | undefined {
  const sorted = [...packages].sort((a, b) => a.credits - b.credits);
  return sorted.find((pkg) => pkg.credits >= missing) ?? sorted.at(-1);
}
