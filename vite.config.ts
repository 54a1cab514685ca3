import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react(), tailwindcss()],
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
            // supabase-js (~50 KB gzip, not tree-shakeable) gets a chunk of its own. Only lazy routes and
            // the session provider's dynamic import reach it, so a visitor of `/` who is not signed in
            // never downloads it (see src/lib/supabase-loader.ts).
            { name: 'supabase-js', test: /[\\/]node_modules[\\/]@supabase[\\/]/, priority: 20 },
            { name: 'zod', test: /[\\/]node_modules[\\/]zod[\\/]/, priority: 15 },
            // The framework changes far less often than our code: keep it cacheable across deploys.
            {
              name: 'react',
              test: /[\\/]node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler|@tanstack)[\\/]/,
              priority: 10,
            },
          ],
        },
      },
    },
  },
});
