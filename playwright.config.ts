import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium where installed (our machines and CI: Playwright cannot download its own browser
// there); elsewhere Playwright's bundled one (`npx playwright install chromium`).
const systemChromium = '/usr/bin/chromium';
const launchOptions = existsSync(systemChromium)
  ? {
      executablePath: systemChromium,
      // Without the background-networking flags Chromium keeps dialling Google's hosts, which a closed
      // network refuses; --no-sandbox because CI runs as root.
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-gpu'],
    }
  : {};

const catalogueChanges = /admin-catalogue\.spec\.ts$/;

/**
 * No `webServer` here: e2e/global-setup.ts starts the local Supabase stack and `vite preview` of a build
 * (and stops them after), so the suite runs against what is deployed, not the dev server.
 */
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: 'list',
  use: {
    baseURL: process.env.E2E_BASE_URL ?? 'http://127.0.0.1:4173',
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions }, testIgnore: catalogueChanges },
    // Specs that change what every visitor sees (package prices, the release list) run after all the
    // others, so no spec reading the product page sees their change half-way. `--no-deps` runs them alone.
    { name: 'catalogue-changes', use: { ...devices['Desktop Chrome'], launchOptions }, testMatch: catalogueChanges, dependencies: ['chromium'] },
  ],
});
