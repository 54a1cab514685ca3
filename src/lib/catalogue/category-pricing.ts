import type { TicketCategory } from './schemas';

/**
 * How a category is priced, read from its price-list row rather than its code: an agreed price has a
 * minimum (`min_credits`), the upgrade has a price per further version (`per_step_credits`), every other
 * category has a fixed price. Admins can rename or re-code categories; the columns are what the
 * database prices by, so the screens follow the same columns.
 */
export type CategoryPricing =
  | { kind: 'agreed'; minCredits: number }
  | { kind: 'per-version'; credits: number; includedSteps: number; perStepCredits: number }
  | { kind: 'fixed'; credits: number };

type PricedColumns = Pick<TicketCategory, 'credits' | 'min_credits' | 'per_step_credits' | 'included_steps'>;

export function categoryPricing(category: PricedColumns): CategoryPricing {
  if (category.min_credits !== null) return { kind: 'agreed', minCredits: category.min_credits };
  if (category.per_step_credits !== null) {
    return { kind: 'per-version', credits: category.credits, includedSteps: category.included_steps ?? 0, perStepCredits: category.per_step_credits };
  }
  return { kind: 'fixed', credits: category.credits };
}

/** The upgrade category: the one priced per version. */
export const isUpgradeCategory = (category: PricedColumns): boolean => categoryPricing(category).kind === 'per-version';
