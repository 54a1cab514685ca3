import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { insertBeforeStylesheet, preloadScript, routeChunkFiles, type ChunkInfo } from './route-preload';

const root = '/app';
const chunk = (fileName: string, moduleIds: string[], imports: string[] = [], isEntry = false): ChunkInfo => ({
  fileName,
  isEntry,
  moduleIds: moduleIds.map((id) => `${root}/${id}`),
  imports,
});

// An entry that loads React, and two lazy pages sharing a chunk that also imports React.
const chunks = [
  chunk('assets/index.js', ['index.html', 'src/main.tsx'], ['assets/react.js'], true),
  chunk('assets/react.js', ['node_modules/react/index.js']),
  chunk('assets/dashboard.js', ['src/routes/dashboard.tsx'], ['assets/shared.js']),
  chunk('assets/ticket.js', ['src/routes/ticket.tsx'], ['assets/shared.js', 'assets/markdown.js']),
  chunk('assets/shared.js', ['src/lib/client.ts', 'src/lib/keys.ts'], ['assets/react.js']),
  chunk('assets/markdown.js', ['src/ui/markdown.tsx']),
];

describe('routeChunkFiles', () => {
  it("lists a page's chunks and everything they import, but not what the entry already loads", () => {
    const [dashboard, ticket] = routeChunkFiles(
      chunks,
      [
        { path: /^\/$/, modules: ['src/routes/dashboard.tsx'] },
        { path: /^\/t$/, modules: ['src/routes/ticket.tsx'] },
      ],
      root,
    );
    expect(dashboard?.files).toEqual(['assets/dashboard.js', 'assets/shared.js']);
    expect(ticket?.files).toEqual(['assets/ticket.js', 'assets/shared.js', 'assets/markdown.js']);
  });

  it('finds a module inside a chunk it does not start (a shared chunk)', () => {
    const [route] = routeChunkFiles(chunks, [{ path: /x/, modules: ['src/lib/keys.ts'] }], root);
    expect(route?.files).toEqual(['assets/shared.js']);
  });

  it('fails the build when a module named is in no chunk, instead of silently preloading less', () => {
    expect(() => routeChunkFiles(chunks, [{ path: /x/, modules: ['src/routes/renamed.tsx'] }], root)).toThrow(
      'no chunk contains src/routes/renamed.tsx',
    );
  });
});

describe('preloadScript', () => {
  const routes = [
    { path: /^\/portal\/?$/, files: ['assets/dashboard.js', 'assets/shared.js'] },
    { path: /^\/portal\/tickets\/\d+$/, files: ['assets/ticket.js', 'assets/shared.js'] },
  ];

  /** Runs the script as a browser would at `pathname`, and returns the links it added. */
  function linksAdded(pathname: string) {
    const head: { rel: string; href: string }[] = [];
    runInNewContext(preloadScript(routes, '/'), {
      location: { pathname },
      document: { createElement: () => ({ rel: '', href: '' }), head: { appendChild: (link: { rel: string; href: string }) => head.push(link) } },
    });
    return head;
  }

  it('adds a modulepreload link for each chunk of the page at that address', () => {
    expect(linksAdded('/portal')).toEqual([
      { rel: 'modulepreload', href: '/assets/dashboard.js' },
      { rel: 'modulepreload', href: '/assets/shared.js' },
    ]);
    expect(linksAdded('/portal/tickets/1042').map((link) => link.href)).toEqual(['/assets/ticket.js', '/assets/shared.js']);
  });

  it('adds nothing on other pages', () => {
    expect(linksAdded('/')).toEqual([]);
    expect(linksAdded('/portal/tickets/new')).toEqual([]);
  });

  it('names each file once however many routes share it', () => {
    expect(preloadScript(routes, '/').match(/shared\.js/g)).toHaveLength(1);
  });
});

describe('insertBeforeStylesheet', () => {
  it('puts the script after the entry tags and before the stylesheet, which would otherwise block it', () => {
    const html = '<head>\n    <script type="module" src="/a.js"></script>\n    <link rel="stylesheet" href="/a.css">\n  </head>';
    const result = insertBeforeStylesheet(html, '<script>x</script>');
    expect(result.indexOf('<script>x</script>')).toBeGreaterThan(result.indexOf('/a.js'));
    expect(result.indexOf('<script>x</script>')).toBeLessThan(result.indexOf('/a.css'));
  });

  it('goes at the end of the head when there is no stylesheet', () => {
    expect(insertBeforeStylesheet('<head><title>t</title></head>', '<script>x</script>')).toContain('<script>x</script>\n    </head>');
  });
});
