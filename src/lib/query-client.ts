import { QueryClient, type DefaultOptions, type UseMutationOptions } from '@tanstack/react-query';
import { registerSignedInCache } from './signed-in-caches';

export const queryConfig = {
  queries: {
    staleTime: 60_000,
    // postgrest-js already retries GETs on network errors and 503s; a second retry layer only delays
    // the error message people need to see.
    retry: false,
    refetchOnWindowFocus: false,
  },
} satisfies DefaultOptions;

export const queryClient = new QueryClient({ defaultOptions: queryConfig });

// Everything in the cache beyond the public catalogue belongs to the signed-in person.
registerSignedInCache(() => queryClient.clear());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- generic over any query-options factory
export type QueryConfig<T extends (...args: any[]) => unknown> = Omit<ReturnType<T>, 'queryKey' | 'queryFn'>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- generic over any mutation function
export type MutationConfig<MutationFn extends (...args: any[]) => Promise<unknown>> = UseMutationOptions<
  Awaited<ReturnType<MutationFn>>,
  Error,
  Parameters<MutationFn>[0]
>;
