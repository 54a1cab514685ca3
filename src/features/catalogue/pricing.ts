import type { TicketCategory } from '../../lib/catalogue/categories';
import { formatCredits } from '../../lib/format';
import type { CreditPackage } from './schemas';

const formatters = new Map<string, Intl.NumberFormat>();

/** "$100.00" — minor units to the currency's own format. */
export function formatMoney(cents: number, currency: string): string {
  const code = currency.toUpperCase();
  let formatter = formatters.get(code);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
    formatters.set(code, formatter);
  }
  return formatter.format(cents / 100);
}

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
  if (category.min_credits !== null) return `from ${formatCredits(category.min_credits)}, agreed with you`;
  if (category.per_step_credits !== null) {
    return `${formatCredits(category.credits)} for up to ${category.included_steps ?? 0} versions, +${category.per_step_credits} for each further version`;
  }
  return formatCredits(category.credits);
}

/** The smallest package that covers `missing` credits (or the largest one, when none does). */
export function packageCovering(packages: readonly CreditPackage[], missing: number): CreditPackage | undefined {
  const sorted = [...packages].sort((a, b) => a.credits - b.credits);
  return sorted.find((pkg) => pkg.credits >= missing) ?? sorted.at(-1);
}
