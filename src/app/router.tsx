import type { QueryClient } from '@tanstack/react-query';
import type { ComponentType } from 'react';
import { createBrowserRouter, RouterProvider, type LoaderFunction } from 'react-router-dom';
import { paths } from '../config/paths';
import { RootLayout } from './layout/root-layout';
import { RouteError } from './layout/route-error';
import { NotFoundMessage } from './routes/not-found';
import HomeRoute, { clientLoader as homeLoader } from './routes/public/home';

/**
 * A route module: its page as the default export and, when it needs data, a `clientLoader` that warms
 * the query cache (`queryClient.ensureQueryData(...)`) before the page renders. The query client comes
 * with the first lazy route (TanStack Query is not part of `/`'s first load).
 */
type RouteModule = {
  default: ComponentType;
  clientLoader?: (queryClient: QueryClient) => LoaderFunction;
};

const lazyRoute = (load: () => Promise<RouteModule>) => async () => {
  const [{ default: Component, clientLoader }, { queryClient }] = await Promise.all([load(), import('../lib/query-client')]);
  return clientLoader ? { Component, loader: clientLoader(queryClient) } : { Component };
};

export const router = createBrowserRouter([
  {
    path: paths.home.path,
    Component: RootLayout,
    // Used only if the layout itself fails; page errors are caught below, inside the layout.
    ErrorBoundary: RouteError,
    // No HydrateFallback: main.tsx renders only once the router is initialised (routerReady below).
    children: [
      {
        ErrorBoundary: RouteError,
        children: [
          // Eager: `/` is the landing page, and a lazy chunk would cost a second round trip (and a
          // spinner) before its first paint. It must stay free of supabase-js (lint-enforced) and of
          // TanStack Query and zod (`npm run size` checks its first load).
          { index: true, Component: HomeRoute, loader: homeLoader },
          {
            // Every other page reads and writes through TanStack Query: this layout provides it.
            lazy: lazyRoute(() => import('./layout/query-layout')),
            children: [
              { path: paths.auth.login.path, lazy: lazyRoute(() => import('./routes/auth/login')) },
              { path: paths.auth.signup.path, lazy: lazyRoute(() => import('./routes/auth/signup')) },
              { path: paths.auth.resetPassword.path, lazy: lazyRoute(() => import('./routes/auth/reset-password')) },
              // Lazy like every page: only staff ever open it, and its code stays out of `/`'s first load.
              { path: paths.auth.secondFactor.path, lazy: lazyRoute(() => import('./routes/auth/second-factor')) },
              // No session needed: a mail's unsubscribe link must work in any browser (the token says whose mail).
              { path: paths.unsubscribe.path, lazy: lazyRoute(() => import('./routes/public/unsubscribe')) },
              {
                path: paths.portal.root.path,
                lazy: lazyRoute(() => import('./routes/portal/require-session')),
                children: [
                  { index: true, lazy: lazyRoute(() => import('./routes/portal/dashboard')) },
                  { path: paths.portal.tickets.path, lazy: lazyRoute(() => import('./routes/portal/tickets')) },
                  { path: paths.portal.newTicket.path, lazy: lazyRoute(() => import('./routes/portal/new-ticket')) },
                  { path: paths.portal.ticket.path, lazy: lazyRoute(() => import('./routes/portal/ticket')) },
                  { path: paths.portal.credits.path, lazy: lazyRoute(() => import('./routes/portal/credits')) },
                  { path: paths.portal.receipt.path, lazy: lazyRoute(() => import('./routes/portal/receipt')) },
                  { path: paths.portal.notifications.path, lazy: lazyRoute(() => import('./routes/portal/notifications')) },
                  { path: paths.portal.settings.path, lazy: lazyRoute(() => import('./routes/portal/settings')) },
                  {
                    path: paths.portal.notificationSettings.path,
                    lazy: lazyRoute(() => import('./routes/portal/notification-settings')),
                  },
                ],
              },
              {
                // Buying needs a signed-in customer: the visitor signs in (or up) and comes back here.
                lazy: lazyRoute(() => import('./routes/portal/require-session')),
                children: [
                  { path: paths.checkout.start.path, lazy: lazyRoute(() => import('./routes/checkout/start')) },
                  { path: paths.checkout.test.path, lazy: lazyRoute(() => import('./routes/checkout/test-payment')) },
                  { path: paths.checkout.success.path, lazy: lazyRoute(() => import('./routes/checkout/success')) },
                  { path: paths.checkout.cancel.path, lazy: lazyRoute(() => import('./routes/checkout/cancel')) },
                ],
              },
              {
                // Engineers and admins (issue 6). Lazy, so customers never download staff code; the layout
                // shows "Not allowed" to anyone else and the page loaders fetch nothing for them.
                path: paths.staff.root.path,
                lazy: lazyRoute(() => import('./routes/staff/layout')),
                children: [
                  { index: true, lazy: lazyRoute(() => import('./routes/staff/queue')) },
                  { path: paths.staff.ticket.path, lazy: lazyRoute(() => import('./routes/staff/ticket')) },
                ],
              },
              {
                path: paths.admin.root.path,
                lazy: lazyRoute(() => import('./routes/admin/layout')),
                children: [
                  { index: true, lazy: lazyRoute(() => import('./routes/admin/admin')) },
                  { path: paths.admin.mailProblems.path, lazy: lazyRoute(() => import('./routes/admin/mail-problems')) },
                ],
              },
            ],
          },
          // Eager: the error element shows the same page for 404 responses.
          { path: '*', Component: NotFoundMessage },
        ],
      },
    ],
  },
]);

/** Resolves once the router has loaded the first page's route modules and run their loaders. */
export function routerReady(): Promise<void> {
  if (router.state.initialized) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = router.subscribe((state) => {
      if (!state.initialized) return;
      unsubscribe();
      resolve();
    });
  });
}

export function AppRouter() {
  return <RouterProvider router={router} />;
}
