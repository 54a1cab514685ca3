export const reviewKeys = {
  all: ['reviews'] as const,
  list: () => [...reviewKeys.all, 'list'] as const,
  eligibility: (userId: string) => [...reviewKeys.all, 'eligibility', userId] as const,
};
