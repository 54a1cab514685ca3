/**
 * Build-time plugin (vite.config.ts): lets a deep link start downloading its page's code with the HTML.
 *
 * Every page but `/` is a lazy route. Without help, the browser learns which chunks `/portal` needs only
 * after the entry chunk has been downloaded and evaluated (~0.5 s under 4× CPU throttling) and the router
 * has matched the URL; only then do the route chunks start to download, and only after those the
 * page's reads. This plugin adds a small inline script to index.html that looks at the URL and adds
 * `<link rel="modulepreload">` for that page's chunks at once, so they download (and are compiled) while
 * the entry is still evaluating. The router's `import()` calls later find them ready.
 *
 * The chunk names come from the build (they carry content hashes), so the list cannot go stale: a
 * module named here that no chunk contains fails the build.
 */
import type { Plugin } from 'vite';

export type RoutePreload = {
  /** Matched against `location.pathname`; the first matching entry wins. */
  path: RegExp;
  /** Source modules the router loads for that URL (its `import()` targets), relative to the root. */
  modules: string[];
};

/** The part of a Rolldown output chunk this plugin reads. */
export type ChunkInfo = { fileName: string; isEntry: boolean; moduleIds: string[]; imports: string[] };

/** Each route's chunk files, without those the entry already loads (index.html preloads them). */
export function routeChunkFiles(chunks: ChunkInfo[], routes: RoutePreload[], root: string): { path: RegExp; files: string[] }[] {
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const closure = (start: string[]) => {
    const seen = new Set<string>();
    const visit = (fileName: string) => {
      if (seen.has(fileName)) return;
      seen.add(fileName);
      for (const imported of byFile.get(fileName)?.imports ?? []) visit(imported);
    };
    start.forEach(visit);
    return seen;
  };
  const loadedByEntry = closure(chunks.filter((chunk) => chunk.isEntry).map((chunk) => chunk.fileName));
  const normalise = (path: string) => path.replaceAll('\\', '/');
  const chunkOf = (module: string) => {
    const wanted = `${normalise(root).replace(/\/$/, '')}/${module}`;
    const chunk = chunks.find((candidate) => candidate.moduleIds.some((id) => normalise(id) === wanted));
    if (!chunk) throw new Error(`route-preload: no chunk contains ${module}; was it moved or renamed?`);
    return chunk.fileName;
  };
  return routes.map((route) => ({
    path: route.path,
    files: [...closure(route.modules.map(chunkOf))].filter((fileName) => !loadedByEntry.has(fileName)),
  }));
}

/**
 * The inline script: runs while the HTML is parsed, before the entry module. Each file is listed once
 * (routes share most of theirs) and routes refer to it by index; the first route that matches wins.
 */
export function preloadScript(routes: { path: RegExp; files: string[] }[], base: string): string {
  const files = [...new Set(routes.flatMap((route) => route.files))];
  const table = routes.map((route) => `[${route.path.toString()},${JSON.stringify(route.files.map((file) => files.indexOf(file)))}]`);
  return [
    `(function(){var p=location.pathname,f=${JSON.stringify(files.map((file) => `${base}${file}`))},r=[${table.join(',')}];`,
    `for(var i=0;i<r.length;i++)if(r[i][0].test(p)){r[i][1].forEach(function(n){`,
    `var l=document.createElement('link');l.rel='modulepreload';l.href=f[n];document.head.appendChild(l)});break}})()`,
  ].join('');
}

/**
 * Before the first stylesheet (after the entry's own tags): an inline script placed after a stylesheet
 * would wait for it to download, and placed before the entry's tags its requests would queue ahead of
 * the entry's own.
 */
export function insertBeforeStylesheet(html: string, script: string): string {
  const at = html.search(/<link\b[^>]*\brel="stylesheet"|<\/head>/);
  if (at < 0) throw new Error('route-preload: index.html has no </head>.');
  return `${html.slice(0, at)}${script}\n    ${html.slice(at)}`;
}

export function routePreload(routes: RoutePreload[]): Plugin {
  let root = '';
  let base = '/';
  return {
    name: 'pro-portal:route-preload',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        if (!bundle) return html;
        const chunks = Object.values(bundle).flatMap((output) => (output.type === 'chunk' ? [output] : []));
        return insertBeforeStylesheet(html, `<script>${preloadScript(routeChunkFiles(chunks, routes, root), base)}</script>`);
      },
    },
  };
}
