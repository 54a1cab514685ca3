export const checkoutKeys = {
  all: ['checkout'] as const,
  order: (orderId: string) => [...checkoutKeys.all, 'order', orderId] as const,
};
