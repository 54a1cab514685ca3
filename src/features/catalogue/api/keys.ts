/** Query keys of the public catalogue, general → specific. */
export const catalogueKeys = {
  all: ['catalogue'] as const,
  packages: () => [...catalogueKeys.all, 'packages'] as const,
  releases: () => [...catalogueKeys.all, 'releases'] as const,
  upgradeCost: (from: string, to: string) => [...catalogueKeys.all, 'upgrade-cost', from, to] as const,
};
