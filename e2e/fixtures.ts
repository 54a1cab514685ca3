import { test as base, expect, type TestInfo } from '@playwright/test';

/**
 * An address no other test, worker or earlier run uses: `e2e-<label>-w<worker>-<time><random>@example.test`.
 * Tests that sign up through the UI need one, because an address can be registered only once.
 */
export function uniqueEmail(testInfo: Pick<TestInfo, 'workerIndex'>, label = 'user'): string {
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return `e2e-${slug}-w${testInfo.workerIndex}-${suffix}@example.test`;
}

/** A password that passes the project's policy (8+ characters) and no breached-password list. */
export const TEST_PASSWORD = 'Pro-portal-e2e-2026!';

type Fixtures = {
  /** `uniqueEmail` bound to the running test's worker. */
  uniqueEmail: (label?: string) => string;
};

export const test = base.extend<Fixtures>({
  uniqueEmail: async ({}, use, testInfo) => {
    await use((label) => uniqueEmail(testInfo, label));
  },
});

export { expect };
