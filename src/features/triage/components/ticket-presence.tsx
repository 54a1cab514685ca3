import type { PresenceMeta } from '../../../lib/live/use-live';

const doing = (meta: PresenceMeta) => `${meta.name} (${meta.state})`;

/** The other engineers on this ticket right now, and whether they are writing a reply. */
export function AlsoHere({ others }: { others: PresenceMeta[] }) {
  return (
    <div role="status" aria-live="polite">
      {others.length > 0 && (
        <p className="mt-2 inline-flex flex-wrap items-center gap-2 rounded-md border border-slate-200 bg-slate-50 px-3 py-1.5 text-sm text-slate-800">
          <span aria-hidden="true" className="size-2 rounded-full bg-green-700" />
          <span>
            <span className="font-semibold">Also here:</span> {others.map(doing).join(', ')}
          </span>
        </p>
      )}
    </div>
  );
}

/** Who else is writing a reply, in words: "Grace is", "Grace and Alan are". */
export function replyingNames(others: PresenceMeta[]): string | null {
  const names = others.filter((meta) => meta.state === 'replying').map((meta) => meta.name);
  if (names.length === 0) return null;
  const last = names.pop();
  return names.length === 0 ? `${last} is` : `${names.join(', ')} and ${last} are`;
}
