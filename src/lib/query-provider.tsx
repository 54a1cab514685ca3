/**
 * TanStack Query's provider with the app's one client. Not at the root: `/` paints without TanStack
 * Query, so each part that uses it — the signed-in routes (app/layout/query-layout.tsx), the signed-in
 * header, the product page's calculator and review form — is a lazy module that wraps itself in this.
 * They all share `queryClient`, and so one cache.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { queryClient } from './query-client';

export function QueryProvider({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
