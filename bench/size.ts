/**
 * `npm run size`: the JavaScript budgets of issue 5, measured on a production build (gzip, zlib's
 * default level, as most servers and Vite's own report use).
 *
 *  - first load of `/`: the entry script of the built index.html and every chunk it imports statically
 *    (its modulepreloads), ≤ 110 KB, and no supabase-js chunk among them;
 *  - the portal's initial JS: that plus the chunks `/portal` loads with its first paint (the query
 *    layout and client, the signed-in header, the session layout and dashboard route modules, their
 *    static imports, and supabase-js, which the session provider loads right after), ≤ 180 KB;
 *  - every lazy route chunk (a dynamic-import entry) ≤ 50 KB;
 *  - and no supabase-js among the modules `/portal` evaluates before sending the dashboard's reads.
 *
 * Builds into a temporary directory (or measures `--dist DIR`), prints a table, exits 1 over budget.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const KB = 1024;
export const BUDGETS = { firstLoad: 110 * KB, portal: 180 * KB, lazyRoute: 50 * KB };

type ManifestChunk = {
  file: string;
  name?: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
};
type Manifest = Record<string, ManifestChunk>;

const root = join(import.meta.dirname, '..');

function staticClosure(manifest: Manifest, keys: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest has no chunk ${key}`);
    seen.add(key);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  keys.forEach(visit);
  return seen;
}

export function measure(dist: string) {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const gz = new Map<string, number>();
  const size = (file: string) => {
    let value = gz.get(file);
    if (value === undefined) {
      value = gzipSync(readFileSync(join(dist, file))).length;
      gz.set(file, value);
    }
    return value;
  };
  const jsFiles = (keys: Iterable<string>) => [...new Set([...keys].map((key) => manifest[key]?.file ?? ''))].filter((file) => file.endsWith('.js'));
  const total = (files: string[]) => files.reduce((sum, file) => sum + size(file), 0);

  // What the browser fetches for `/`: index.html's module script and modulepreloads…
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const htmlFiles = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)].map((match) => match[1] ?? '');
  // …which must be exactly the entry's static import graph (else the manifest and the page disagree).
  const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
  if (!entryKey) throw new Error('no entry chunk in the manifest');
  const firstLoadKeys = staticClosure(manifest, [entryKey]);
  const firstLoad = jsFiles(firstLoadKeys);
  const missing = firstLoad.filter((file) => !htmlFiles.includes(file));
  const isSupabase = (key: string) => /supabase-js/.test(manifest[key]?.name ?? '') || /node_modules\/@supabase\//.test(key);
  const supabaseInFirstLoad = [...firstLoadKeys].filter(isSupabase).map((key) => manifest[key]?.file);

  // The route modules the router loads for `/portal` (the query layout brings the query client:
  // TanStack Query is not in the first load of `/`). Everything they import statically is evaluated
  // before the dashboard's reads are sent, so supabase-js must not be among it (lib/read-client.ts).
  const routeModules = ['src/app/layout/query-layout.tsx', 'src/app/routes/portal/require-session.tsx', 'src/app/routes/portal/dashboard.tsx'];
  // What comes with the first paint as well: the signed-in part of the header, and the client
  // (lib/supabase.ts, a chunk shared by many routes, so known by its name), which the session provider
  // loads right after the first paint.
  const clientKeys = Object.keys(manifest).filter((key) => manifest[key]?.name === 'supabase');
  if (clientKeys.length !== 1) throw new Error(`expected one chunk named "supabase" (src/lib/supabase.ts), found ${clientKeys.length}`);
  const portalModules = [...routeModules, 'src/app/layout/signed-in-header.tsx'];
  for (const key of portalModules) if (!manifest[key]) throw new Error(`manifest has no ${key}`);
  const portal = jsFiles(staticClosure(manifest, [entryKey, ...portalModules, ...clientKeys]));
  const supabaseBeforePortalReads = [...staticClosure(manifest, [entryKey, ...routeModules])].filter(isSupabase).map((key) => manifest[key]?.file);

  const lazyRoutes = Object.entries(manifest)
    .filter(([key, chunk]) => chunk.isDynamicEntry && key.startsWith('src/app/routes/'))
    .map(([key, chunk]) => ({ route: key.replace('src/app/routes/', ''), file: chunk.file, gzip: size(chunk.file) }))
    .sort((a, b) => b.gzip - a.gzip);

  return {
    firstLoad: { files: firstLoad, gzip: total(firstLoad), htmlFiles, missing, supabaseInFirstLoad },
    portal: { files: portal, gzip: total(portal), supabaseBeforePortalReads },
    lazyRoutes,
    chunkSizes: Object.fromEntries([...new Set([...firstLoad, ...portal])].map((file) => [file, size(file)])),
  };
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

function report(result: ReturnType<typeof measure>): boolean {
  const problems: string[] = [];
  const rows: [string, string, string, string][] = [];
  const check = (name: string, value: number, budget: number) => {
    const ok = value <= budget;
    rows.push([name, kb(value), kb(budget), ok ? 'ok' : 'OVER']);
    if (!ok) problems.push(`${name} is ${kb(value)}, over its budget of ${kb(budget)}`);
  };
  check('first load of / (JS)', result.firstLoad.gzip, BUDGETS.firstLoad);
  check('portal initial JS', result.portal.gzip, BUDGETS.portal);
  for (const route of result.lazyRoutes) check(`lazy route ${route.route}`, route.gzip, BUDGETS.lazyRoute);

  const width = [0, 1, 2, 3].map((column) => Math.max(...[['what', 'gzip', 'budget', ''], ...rows].map((row) => row[column]?.length ?? 0)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(width[column] ?? 0) : cell.padStart(width[column] ?? 0))).join('  ');
  console.log(line(['what', 'gzip', 'budget', '']));
  rows.forEach((row) => console.log(line(row)));
  console.log('\nfirst load of / is made of:');
  for (const file of result.firstLoad.files) console.log(`  ${kb(result.chunkSizes[file] ?? 0).padStart(9)}  ${file}`);
  console.log('the portal adds:');
  for (const file of result.portal.files.filter((file) => !result.firstLoad.files.includes(file))) {
    console.log(`  ${kb(result.chunkSizes[file] ?? 0).padStart(9)}  ${file}`);
  }

  if (result.firstLoad.supabaseInFirstLoad.length > 0) {
    problems.push(`supabase-js is in the first load of /: ${result.firstLoad.supabaseInFirstLoad.join(', ')}`);
  }
  if (result.portal.supabaseBeforePortalReads.length > 0) {
    problems.push(
      `the dashboard's modules import supabase-js (${result.portal.supabaseBeforePortalReads.join(', ')}), so /portal sends its reads only after evaluating it: read through lib/read-client`,
    );
  }
  if (result.firstLoad.missing.length > 0) {
    problems.push(`index.html does not preload ${result.firstLoad.missing.join(', ')}, which the entry imports`);
  }
  if (problems.length > 0) {
    console.error(`\nOver budget:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    return false;
  }
  console.log('\nAll JS budgets hold.');
  return true;
}

async function main() {
  const distArg = process.argv.indexOf('--dist');
  let dist = distArg > 0 ? process.argv[distArg + 1] : undefined;
  let temporary: string | undefined;
  if (!dist) {
    temporary = mkdtempSync(join(tmpdir(), 'pro-portal-size-'));
    dist = temporary;
    await build({ root, logLevel: 'warn', build: { outDir: dist, emptyOutDir: true, manifest: true } });
  }
  try {
    process.exitCode = report(measure(dist)) ? 0 : 1;
  } finally {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
