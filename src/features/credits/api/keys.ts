import { rootKeys } from '../../../lib/query-keys';

export const creditKeys = {
  all: rootKeys.credits,
  account: (userId: string) => [...creditKeys.all, 'account', userId] as const,
  statement: (accountId: string) => [...creditKeys.all, 'statement', accountId] as const,
  orders: (accountId: string) => [...creditKeys.all, 'orders', accountId] as const,
  order: (userId: string, orderId: string) => [...creditKeys.all, 'order', userId, orderId] as const,
};
