/**
 * A small, safe Markdown renderer for ticket messages. It builds React elements from the text — never
 * HTML strings — so markup someone types (`<script>`, `<img onerror=…>`) shows as text and cannot run.
 * Links are kept only for http(s) and mailto addresses. Supported: paragraphs, line breaks, headings,
 * fenced and indented code blocks, inline code, bold, italic, links, bullet and numbered lists, quotes.
 */
import { createElement, Fragment, type ReactNode } from 'react';

const SAFE_URL = /^(https?:\/\/|mailto:)[^\s<>"']+$/i;

export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  return SAFE_URL.test(trimmed) ? trimmed : null;
}

/**
 * URLs may contain balanced parentheses (`https://en.wikipedia.org/wiki/Foo_(bar)`), one level deep: a
 * link's `)` is the first one that closes nothing in its URL, and a bare URL in brackets, "(see
 * https://example.com/x)", leaves the closing bracket out. A bare URL never ends in punctuation.
 */
const INLINE =
  /(`+)([\s\S]*?[^`])\1(?!`)|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)|(https?:\/\/(?:[^()\s<>]|\([^()\s<>]*\))*(?:[^()\s<>.,;:!?'"]|\([^()\s<>]*\)))/;

export function renderInline(text: string, keyPrefix = 'i'): ReactNode[] {
  const nodes: ReactNode[] = [];
  let rest = text;
  let index = 0;
  while (rest) {
    const match = INLINE.exec(rest);
    if (!match) {
      nodes.push(rest);
      break;
    }
    if (match.index > 0) nodes.push(rest.slice(0, match.index));
    const key = `${keyPrefix}-${index++}`;
    const [whole, , code, bold1, bold2, em1, em2, linkText, linkUrl, bare] = match;
    if (code !== undefined) {
      nodes.push(createElement('code', { key, className: 'rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em]' }, code.trim()));
    } else if (bold1 !== undefined || bold2 !== undefined) {
      nodes.push(createElement('strong', { key }, renderInline(bold1 ?? bold2 ?? '', key)));
    } else if (em1 !== undefined || em2 !== undefined) {
      nodes.push(createElement('em', { key }, renderInline(em1 ?? em2 ?? '', key)));
    } else if (linkText !== undefined && linkUrl !== undefined) {
      const href = safeHref(linkUrl);
      nodes.push(
        href
          ? createElement('a', { key, href, rel: 'noopener noreferrer nofollow', target: '_blank', className: 'text-blue-800 underline' }, renderInline(linkText, key))
          : createElement(Fragment, { key }, linkText),
      );
    } else if (bare !== undefined) {
      nodes.push(createElement('a', { key, href: bare, rel: 'noopener noreferrer nofollow', target: '_blank', className: 'break-all text-blue-800 underline' }, bare));
    }
    rest = rest.slice(match.index + whole.length);
  }
  return nodes;
}

function withBreaks(lines: string[], key: string): ReactNode[] {
  return lines.flatMap((line, index) => [
    ...(index > 0 ? [createElement('br', { key: `${key}-br-${index}` })] : []),
    ...renderInline(line, `${key}-${index}`),
  ]);
}

type Block =
  | { kind: 'code'; text: string; language: string }
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'quote'; lines: string[] }
  | { kind: 'paragraph'; lines: string[] };

export function parseBlocks(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const fence = /^\s*(```|~~~)\s*([\w+-]*)\s*$/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? '').trim().startsWith(fence[1] ?? '```')) body.push(lines[i++] ?? '');
      i++;
      blocks.push({ kind: 'code', text: body.join('\n'), language: fence[2] ?? '' });
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    if (/^( {4}|\t)/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i] ?? '') || !(lines[i] ?? '').trim())) body.push((lines[i++] ?? '').replace(/^( {4}|\t)/, ''));
      blocks.push({ kind: 'code', text: body.join('\n').replace(/\n+$/, ''), language: '' });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]?.length ?? 1, text: (heading[2] ?? '').replace(/\s#+\s*$/, '') });
      i++;
      continue;
    }
    const bullet = /^\s*[-*+]\s+/;
    const numbered = /^\s*\d{1,9}[.)]\s+/;
    if (bullet.test(line) || numbered.test(line)) {
      const ordered = numbered.test(line);
      const pattern = ordered ? numbered : bullet;
      const items: string[] = [];
      while (i < lines.length && pattern.test(lines[i] ?? '')) items.push((lines[i++] ?? '').replace(pattern, ''));
      blocks.push({ kind: 'list', ordered, items });
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i] ?? '')) quoted.push((lines[i++] ?? '').replace(/^\s*>\s?/, ''));
      blocks.push({ kind: 'quote', lines: quoted });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && (lines[i] ?? '').trim() && !/^\s*(```|~~~|#{1,6}\s|>|[-*+]\s|\d{1,9}[.)]\s)/.test(lines[i] ?? '')) {
      paragraph.push(lines[i++] ?? '');
    }
    if (paragraph.length === 0) paragraph.push(lines[i++] ?? '');
    blocks.push({ kind: 'paragraph', lines: paragraph });
  }
  return blocks;
}

export function Markdown({ source, className = '' }: { source: string; className?: string }) {
  return (
    <div className={`space-y-3 break-words text-slate-900 ${className}`}>
      {parseBlocks(source).map((block, index) => {
        const key = `b${index}`;
        switch (block.kind) {
          case 'code':
            return (
              <pre key={key} className="overflow-x-auto rounded-md bg-slate-900 p-3 text-sm text-slate-50" tabIndex={0}>
                <code data-language={block.language || undefined}>{block.text}</code>
              </pre>
            );
          case 'heading':
            // Inside a message, headings stay below the page's own (h1/h2) in the outline.
            return createElement(
              'p',
              { key, role: 'heading', 'aria-level': Math.min(block.level + 3, 6), className: 'font-bold' },
              renderInline(block.text, key),
            );
          case 'list':
            return createElement(
              block.ordered ? 'ol' : 'ul',
              { key, className: `${block.ordered ? 'list-decimal' : 'list-disc'} space-y-1 pl-6` },
              block.items.map((item, itemIndex) => <li key={itemIndex}>{renderInline(item, `${key}-${itemIndex}`)}</li>),
            );
          case 'quote':
            return (
              <blockquote key={key} className="border-l-4 border-slate-300 pl-3 text-slate-700">
                {withBreaks(block.lines, key)}
              </blockquote>
            );
          case 'paragraph':
            return <p key={key}>{withBreaks(block.lines, key)}</p>;
        }
      })}
    </div>
  );
}
