/** Query keys of the public catalogue, general → specific. */
export const catalogueKeys = {
  all: ['catalogue'] as const,
  packages: () => [...catalogueKeys.all, 'packages'] as const,
};
