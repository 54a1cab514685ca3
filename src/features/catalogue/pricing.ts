import type { TicketCategory } from '../../lib/catalogue/categories';
import type { ProductRelease } from '../../lib/catalogue/releases';
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
  if (category.min_credits !== null) return `from ${category.min_credits} credits, agreed with you`;
  if (category.per_step_credits !== null) {
    return `${category.credits} credits for up to ${category.included_steps ?? 0} versions, +${category.per_step_credits} for each further version`;
  }
  return `${category.credits} credits`;
}

export type UpgradePreview = { ok: true; steps: number; credits: number } | { ok: false; problem: string };

/**
 * The upgrade price, computed in the browser from the public release list exactly as `upgrade_cost`
 * does (steps = releases after `from` up to and including `to`; cost = credits + per step × max(0,
 * steps − included)), so the calculator answers while the server's figure is on its way.
 */
export function previewUpgradeCost(
  releases: readonly Pick<ProductRelease, 'version' | 'position'>[],
  upgrade: Pick<TicketCategory, 'credits' | 'per_step_credits' | 'included_steps'> | undefined,
  from: string,
  to: string,
): UpgradePreview {
  if (!from || !to) return { ok: false, problem: 'Choose both versions.' };
  const fromRelease = releases.find((release) => release.version === from);
  const toRelease = releases.find((release) => release.version === to);
  if (!fromRelease) return { ok: false, problem: `Unknown version ${from}.` };
  if (!toRelease) return { ok: false, problem: `Unknown version ${to}.` };
  if (toRelease.position <= fromRelease.position) return { ok: false, problem: `${to} is not after ${from}.` };
  if (!upgrade || upgrade.per_step_credits === null) return { ok: false, problem: 'Upgrade pricing is not configured.' };
  const steps = releases.filter((release) => release.position > fromRelease.position && release.position <= toRelease.position).length;
  return { ok: true, steps, credits: upgrade.credits + upgrade.per_step_credits * Math.max(0, steps - (upgrade.included_steps ?? 0)) };
}

/** The smallest package that covers `missing` credits (or the largest one, when none does). */
export function packageCovering(packages: readonly CreditPackage[], missing: number): CreditPackage | undefined {
  const sorted = [...packages].sort((a, b) => a.credits - b.credits);
  return sorted.find((pkg) => pkg.credits >= missing) ?? sorted.at(-1);
}
