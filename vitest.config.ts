import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two projects: fast unit tests (the app's and the local stack package's), and the stack suite —
 * conformance of supabase/local with Supabase (supabase/local/tests) and the database's rules
 * (supabase/tests) — run through supabase-js against one local stack started for the run
 * (supabase/local/tests/global-setup.ts). `npm test -w @pro-portal/supabase-local` runs the package's share.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // supabase/tests/*.unit.test.ts: the edge functions' pure code (mail templates, reply parsing),
          // which needs Deno at most, never a stack.
          include: ['src/**/*.test.{ts,tsx}', 'supabase/local/**/*.unit.test.ts', 'supabase/tests/**/*.unit.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'stack',
          include: ['supabase/local/tests/**/*.test.ts', 'supabase/tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'supabase/tests/**/*.unit.test.ts'],
          // The stack first; the app's ledger check after the run, while the stack still runs.
          globalSetup: ['supabase/local/tests/global-setup.ts', 'supabase/tests/global-invariants.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // Test files share one stack; two workers match the machines' two cores.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
