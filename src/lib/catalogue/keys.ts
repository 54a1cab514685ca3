/**
 * Query keys of the price list (categories, releases, upgrade prices), general → specific. An admin's
 * change invalidates its part, so every page of the tab shows the new prices.
 */
export const priceListKeys = {
  all: ['price-list'] as const,
  categories: () => [...priceListKeys.all, 'categories'] as const,
  releases: () => [...priceListKeys.all, 'releases'] as const,
  upgradeCosts: () => [...priceListKeys.all, 'upgrade-cost'] as const,
  upgradeCost: (from: string, to: string) => [...priceListKeys.upgradeCosts(), from, to] as const,
};
