import { rootKeys } from '../../../lib/query-keys';

export const notificationKeys = {
  all: rootKeys.notifications,
  list: (userId: string) => [...notificationKeys.all, 'list', userId] as const,
  unread: (userId: string) => [...notificationKeys.all, 'unread', userId] as const,
  preferences: (userId: string) => [...notificationKeys.all, 'preferences', userId] as const,
};
