/** Every route path of the app. Components link with `getHref`; the router registers `path`. */

const withQuery = (path: string, query: Record<string, string | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
};

export const paths = {
  home: { path: '/', getHref: () => '/' },

  auth: {
    login: { path: '/login', getHref: (next?: string) => withQuery('/login', { next }) },
    signup: { path: '/signup', getHref: (next?: string) => withQuery('/signup', { next }) },
    resetPassword: { path: '/reset-password', getHref: () => '/reset-password' },
    /** Staff's second factor (TOTP): enrolment the first time, then the code at each sign-in. */
    secondFactor: { path: '/second-factor', getHref: (next?: string) => withQuery('/second-factor', { next }) },
  },

  portal: {
    root: { path: '/portal', getHref: () => '/portal' },
    tickets: {
      path: '/portal/tickets',
      getHref: (filters: { status?: string; q?: string } = {}) => withQuery('/portal/tickets', filters),
    },
    newTicket: { path: '/portal/tickets/new', getHref: () => '/portal/tickets/new' },
    /** A quote mail's buttons add `?quote=confirm|decline` (features/tickets/quote-link.ts). */
    ticket: { path: '/portal/tickets/:number', getHref: (number: number) => `/portal/tickets/${number}` },
    credits: { path: '/portal/credits', getHref: () => '/portal/credits' },
    receipt: { path: '/portal/credits/receipts/:orderId', getHref: (orderId: string) => `/portal/credits/receipts/${orderId}` },
    notifications: { path: '/portal/notifications', getHref: () => '/portal/notifications' },
    settings: { path: '/portal/settings', getHref: () => '/portal/settings' },
    /** Which e-mails the person gets; every notification mail links here. */
    notificationSettings: { path: '/portal/settings/notifications', getHref: () => '/portal/settings/notifications' },
  },

  /** A mail's unsubscribe link, `?token=…&kind=…`: works without signing in (the token says whose mail). */
  unsubscribe: { path: '/unsubscribe', getHref: () => '/unsubscribe' },

  checkout: {
    /** Starts a purchase of one package (signing in first if needed); `returnTo` is offered after paying. */
    start: {
      path: '/checkout/start/:packageId',
      getHref: (packageId: string, returnTo?: string) => withQuery(`/checkout/start/${packageId}`, { return: returnTo }),
    },
    test: { path: '/checkout/test/:orderId', getHref: (orderId: string) => `/checkout/test/${orderId}` },
    success: { path: '/checkout/success', getHref: (orderId?: string) => withQuery('/checkout/success', { order_id: orderId }) },
    cancel: { path: '/checkout/cancel', getHref: (orderId?: string) => withQuery('/checkout/cancel', { order_id: orderId }) },
  },

  staff: {
    root: { path: '/staff', getHref: () => '/staff' },
    ticket: { path: '/staff/tickets/:number', getHref: (number: number) => `/staff/tickets/${number}` },
  },

  admin: {
    root: { path: '/admin', getHref: () => '/admin' },
    mailProblems: { path: '/admin/mail-problems', getHref: () => '/admin/mail-problems' },
  },
} as const;

/**
 * The in-app path to return to after signing in. Only same-origin paths are accepted, so a crafted
 * `?next=https://evil.example` or `//evil.example` cannot turn the login page into an open redirect.
 */
export function safeNextPath(next: string | null | undefined, fallback: string = paths.portal.root.getHref()) {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}
