import type { FileKind } from '../file-name';

const paths: Record<FileKind, string> = {
  image: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15 9.5a1.5 1.5 0 1 0 0-.01',
  text: 'M6 3h9l4 4v14H6zM14 3v5h5M9 12h7M9 15h7M9 18h5',
  pdf: 'M6 3h9l4 4v14H6zM14 3v5h5M9 14h2a1.5 1.5 0 0 0 0-3H9v6',
  archive: 'M6 3h12v18H6zM11 3v2h2v2h-2v2h2v2h-2v3h2v3h-2',
  other: 'M6 3h9l4 4v14H6zM14 3v5h5',
};

/** A file's type at a glance; the words next to it carry the meaning, so it is hidden from screen readers. */
export function FileIcon({ kind, className = 'size-5' }: { kind: FileKind; className?: string }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" className={`shrink-0 text-slate-600 ${className}`} fill="none" stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round">
      <path d={paths[kind]} />
    </svg>
  );
}

/**
 * A file's name exactly as given — React escapes it, nothing is stripped or rewritten — cut visually
 * with an ellipsis when long, the whole name in the tooltip.
 */
export function FileName({ name, className = '' }: { name: string; className?: string }) {
  return (
    <span className={`block min-w-0 truncate whitespace-pre ${className}`} title={name}>
      {name}
    </span>
  );
}
