import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { parseEnv } from './src/config/env-schema.ts';
import { routePreload } from './src/config/route-preload.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * `__APP_ENV__`: the VITE_* settings, validated with zod (src/config/env-schema.ts) when the dev server
 * starts or the app is built — the moment Vite fixes them, since they are compiled into the bundle. The
 * browser gets the result (the settings, or the problems for the configuration error screen) and not
 * zod, which keeps ~8 KB gzip off the first load of every page. Read through src/config/env.ts.
 */
function appEnv(): Plugin {
  return {
    name: 'pro-portal:app-env',
    config(config, { mode }) {
      const root = resolve(config.root ?? process.cwd());
      const env = loadEnv(mode, resolve(root, config.envDir || '.'), config.envPrefix ?? 'VITE_');
      return { define: { __APP_ENV__: JSON.stringify(parseEnv(env)) } };
    },
  };
}

/** What src/app/router.tsx loads for a page: its layouts' and its own modules, and the query client. */
const queryPage = (...modules: string[]) => ['src/lib/query-client.ts', 'src/app/layout/query-layout.tsx', ...modules];
const signedInPage = (page: string) => queryPage('src/app/routes/portal/require-session.tsx', page);
const staffPage = (page: string) => queryPage('src/app/routes/staff/layout.tsx', page);

export default defineConfig(({ command }) => ({
  plugins: [
    react(),
    tailwindcss(),
    appEnv(),
    // Deep links download their page's chunks with the HTML instead of after the entry has run (see the
    // file): the customer's and the engineer's landing pages and a ticket, the pages links lead to.
    routePreload([
      { path: /^\/portal\/?$/, modules: signedInPage('src/app/routes/portal/dashboard.tsx') },
      { path: /^\/portal\/tickets\/\d+\/?$/, modules: signedInPage('src/app/routes/portal/ticket.tsx') },
      { path: /^\/staff\/?$/, modules: staffPage('src/app/routes/staff/queue.tsx') },
      { path: /^\/staff\/tickets\/\d+\/?$/, modules: staffPage('src/app/routes/staff/ticket.tsx') },
    ]),
  ],
  resolve: {
    alias: [
      // supabase-js 2.x constructs a Realtime client and a Storage client in every createClient() and
      // cannot tree-shake them (~20 KB gzip), although only some pages use them. So both resolve to small
      // stand-ins that do what SupabaseClient needs on construction and on auth changes, and forward to
      // the real client once it is loaded on demand: Storage by the ticket pages' attachments
      // (src/lib/storage-loader.ts), Realtime by the live parts of the pages (src/lib/live/realtime-loader.ts).
      // Both import the real package by its file path, which these aliases leave alone. See the files.
      { find: /^@supabase\/realtime-js$/, replacement: here('./src/lib/supabase-on-demand/realtime-js.ts') },
      { find: /^@supabase\/storage-js$/, replacement: here('./src/lib/supabase-on-demand/storage-js.ts') },
      // react-router's package exports always resolve to its development build (dev warnings and checks
      // included); a build uses the production one. Both entry points, so no module is bundled twice.
      ...(command === 'build'
        ? [
            { find: /^react-router$/, replacement: here('./node_modules/react-router/dist/production/index.mjs') },
            { find: /^react-router\/dom$/, replacement: here('./node_modules/react-router/dist/production/dom-export.mjs') },
          ]
        : []),
    ],
  },
  server: { port: 5173, strictPort: true },
  // 127.0.0.1, not "localhost": e2e and CI address the preview by IP, and Node may resolve localhost to ::1.
  preview: { port: 4173, strictPort: true, host: '127.0.0.1' },
  build: {
    target: 'es2022',
    // dist/.vite/manifest.json: the chunk graph `npm run size` (bench/size.ts) measures the budgets on.
    manifest: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // PostgREST's query builder alone: the dashboard's first reads need only this (lib/read-client.ts).
            { name: 'postgrest-js', test: /[\\/]node_modules[\\/]@supabase[\\/]postgrest-js[\\/]/, priority: 25 },
            // supabase-js (~28 KB gzip with the stand-ins, not tree-shakeable) gets a chunk of its own. Only
            // lazy routes and the session provider's dynamic import reach it, so a visitor of `/` who is not
            // signed in never downloads it (see src/lib/supabase-loader.ts).
            // The real storage-js and realtime-js (with Phoenix) are not in it: the pages load them when they
            // first need files or live updates (src/lib/storage-loader.ts, src/lib/live/realtime-loader.ts),
            // so they stay out of every page's first load.
            {
              name: 'supabase-js',
              test: /[\\/]node_modules[\\/]@supabase[\\/](?!storage-js[\\/]|realtime-js[\\/]|phoenix[\\/])|[\\/]src[\\/]lib[\\/]supabase-on-demand[\\/]/,
              priority: 20,
            },
            { name: 'zod', test: /[\\/]node_modules[\\/]zod[\\/]/, priority: 15 },
            // The framework changes far less often than our code: keep it cacheable across deploys.
            {
              name: 'react',
              test: /[\\/]node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/,
              priority: 10,
            },
            // TanStack Query serves the signed-in pages and the product page's interactive parts, which
            // load after its first paint: not part of `/`'s first load. Below the framework's priority:
            // a group also takes the dependencies of what it captures, and React belongs to the above.
            { name: 'tanstack-query', test: /[\\/]node_modules[\\/]@tanstack[\\/]/, priority: 5 },
            // What the portal's dashboard needs before its first paint — the ticket and credit reads and their
            // schemas, the components it shows, the read client — as one chunk instead of ten small ones:
            // each chunk is a request (six at a time over HTTP/1.1) and a compile task. None of these import
            // supabase-js (lib/read-client.ts). Only these modules, not their dependencies: those include
            // modules `/` loads, which would then load this chunk (`npm run size` checks they do not).
            {
              name: 'portal',
              test: /[\\/]src[\\/](features[\\/](tickets|credits)[\\/](api[\\/](keys|get-account|get-activity|get-tickets)\.|schemas\.|components[\\/](status-badge|audit-trail|balance-card)\.)|lib[\\/](read-client|query-keys|session-user)\.|app[\\/]routes[\\/]portal[\\/](page-header|portal-loader)\.|components[\\/]ui[\\/]empty-state\.)/,
              priority: 4,
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
}));
