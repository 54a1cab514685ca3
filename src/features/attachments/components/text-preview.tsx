import { formatBytes } from '../file-name';
import { PREVIEW_BYTES, usePreview } from '../api/signed-urls';

/** The start of a text or log file, as plain text (never interpreted), in a scrollable monospace block. */
export function TextPreview({ objectName, name, id }: { objectName: string; name: string; id: string }) {
  const preview = usePreview(objectName, true);
  if (preview.isPending) {
    return (
      <div id={id} className="mt-2 h-48 animate-pulse rounded-md bg-slate-100" role="status" aria-label={`Loading the preview of ${name}`} />
    );
  }
  if (preview.isError) {
    return (
      <div id={id} role="alert" className="mt-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
        The preview could not be loaded.{' '}
        <button type="button" className="font-semibold underline" onClick={() => void preview.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  const { text, truncated } = preview.data;
  return (
    <div id={id} className="mt-2">
      <pre aria-label={`Preview of ${name}`} tabIndex={0} className="max-h-80 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs whitespace-pre text-slate-900">
        {text || '(empty file)'}
      </pre>
      {truncated && <p className="mt-1 text-xs text-slate-600">The first {formatBytes(PREVIEW_BYTES)} are shown. Download the file for the rest.</p>}
    </div>
  );
}
