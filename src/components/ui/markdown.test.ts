import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown, safeHref } from './markdown';

const render = (source: string) => renderToStaticMarkup(createElement(Markdown, { source }));

describe('Markdown (ticket messages)', () => {
  it('renders paragraphs, emphasis, inline code, lists, quotes and fenced code blocks', () => {
    const html = render('Hello **bold** and *em* and `x < 1`\n\n- one\n- two\n\n1. first\n\n> quoted\n\n```js\nif (a < b) run();\n```');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>em</em>');
    expect(html).toMatch(/<code[^>]*>x &lt; 1<\/code>/);
    expect(html).toMatch(/<ul[^>]*><li>one<\/li><li>two<\/li><\/ul>/);
    expect(html).toMatch(/<ol[^>]*><li>first<\/li><\/ol>/);
    expect(html).toMatch(/<blockquote[^>]*>quoted<\/blockquote>/);
    expect(html).toMatch(/<pre[^>]*><code data-language="js">if \(a &lt; b\) run\(\);<\/code><\/pre>/);
  });

  it('never lets script tags or event-handler attributes into the DOM', () => {
    const attacks = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<a href="#" onclick="alert(1)">x</a>',
      '<svg onload=alert(1)>',
      '**<iframe src="javascript:alert(1)">**',
      '```\n</code></pre><script>alert(1)</script>\n```',
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '<div style="background:url(javascript:alert(1))">',
    ];
    for (const attack of attacks) {
      const html = render(attack);
      expect(html, attack).not.toMatch(/<(script|img|iframe|svg|div style)/i);
      // Inside a real tag (typed `<` arrives escaped as &lt;, so it is text).
      expect(html, attack).not.toMatch(/<[^>]*\son[a-z]+=/i);
      expect(html, attack).not.toMatch(/<[^>]*href="(javascript|data):/i);
    }
    expect(render('<script>alert(1)</script>')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('keeps only http(s) and mailto links, opened safely', () => {
    expect(render('[docs](https://example.com/a?b=1)')).toContain(
      '<a href="https://example.com/a?b=1" rel="noopener noreferrer nofollow" target="_blank"',
    );
    expect(render('see https://example.com/x.')).toContain('href="https://example.com/x"');
    expect(render('[x](javascript:alert(1))')).not.toContain('<a');
    expect(safeHref('mailto:help@example.com')).toBe('mailto:help@example.com');
    expect(safeHref(' javascript:alert(1)')).toBeNull();
    expect(safeHref('//evil.example')).toBeNull();
  });
});

describe('Markdown links with parentheses in the URL', () => {
  const wiki = 'https://en.wikipedia.org/wiki/Foo_(bar)';

  it('a [text](url) link keeps balanced parentheses in its URL', () => {
    const html = render(`See [Foo](${wiki}) for more.`);
    expect(html).toContain(`<a href="${wiki}" rel="noopener noreferrer nofollow" target="_blank" class="text-blue-800 underline">Foo</a> for more.`);
    expect(html).not.toContain(')</a>');
    expect(html).not.toMatch(/<\/a>\)/);
  });

  it('a bare URL keeps them too, without trailing punctuation', () => {
    const html = render(`Read ${wiki}.`);
    expect(html).toContain(`href="${wiki}"`);
    expect(html).toMatch(/<\/a>\.<\/p>/);
  });

  it('a bare URL inside brackets leaves the closing bracket out', () => {
    const html = render('(see https://example.com/x)');
    expect(html).toContain('href="https://example.com/x"');
    expect(html).toMatch(/https:\/\/example\.com\/x<\/a>\)/);
  });

  it('a link followed by bracketed text ends at its own parenthesis', () => {
    const html = render('[a](https://example.com/a) (b)');
    expect(html).toContain('href="https://example.com/a"');
    expect(html).toContain('</a> (b)');
  });
});
