/** Query keys of the admin pages, general → specific; mutations invalidate from `adminKeys.all`. */
export const adminKeys = {
  all: ['admin'] as const,
  packages: () => [...adminKeys.all, 'packages'] as const,
  users: (search: string) => [...adminKeys.all, 'users', search] as const,
  account: (email: string) => [...adminKeys.all, 'account', email] as const,
  mailFailures: () => [...adminKeys.all, 'mail-failures'] as const,
};
