export const checkoutKeys = {
  all: ['checkout'] as const,
  order: (userId: string, orderId: string) => [...checkoutKeys.all, 'order', userId, orderId] as const,
};
