import { Button } from '../../../components/ui/button';
import { fileKind, formatBytes } from '../file-name';
import type { UploadItem } from '../upload-queue';
import { FileIcon, FileName } from './file-icon';

const statusText = (item: UploadItem, waitingForTicket: boolean): string => {
  switch (item.status) {
    case 'queued':
      return waitingForTicket ? 'Uploaded once the ticket is open' : 'Waiting…';
    case 'uploading':
      return item.method === 'resumable' ? `Uploading ${formatBytes(item.sent)} of ${formatBytes(item.size)} (resumes if the connection drops)` : 'Uploading…';
    case 'uploaded':
      return 'Ready: attached when you send';
    case 'done':
      return 'Attached';
    case 'failed':
      return item.error ?? 'The upload failed.';
    case 'canceled':
      return 'Canceled';
  }
};

/** One file in a composer: what it is, how far it got, and what can be done with it now. */
export function UploadRow({
  item,
  waitingForTicket,
  onCancel,
  onRetry,
  onRemove,
}: {
  item: UploadItem;
  waitingForTicket: boolean;
  onCancel: () => void;
  onRetry: () => void;
  onRemove: () => void;
}) {
  const percent = item.size === 0 ? (item.status === 'uploading' ? 0 : 100) : Math.round((item.sent / item.size) * 100);
  const settled = item.status === 'uploaded' || item.status === 'done';
  // A standard upload reports no progress until it ends: its bar is indeterminate meanwhile.
  const indeterminate = item.status === 'uploading' && item.method === 'standard';
  const failed = item.status === 'failed';
  return (
    <li className="grid grid-cols-[auto_minmax(0,1fr)_auto] items-center gap-x-3 gap-y-1 rounded-md border border-slate-200 bg-white px-3 py-2 text-sm" aria-label={item.name}>
      <FileIcon kind={fileKind(item.name, item.contentType)} />
      <div className="min-w-0">
        <p className="flex min-w-0 items-baseline gap-2">
          <FileName name={item.name} className="font-medium text-slate-900" />
          <span className="shrink-0 text-slate-600">{formatBytes(item.size)}</span>
        </p>
        <div
          role="progressbar"
          aria-label={`Upload of ${item.name}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={indeterminate ? undefined : settled ? 100 : percent}
          aria-valuetext={statusText(item, waitingForTicket)}
          className="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-200"
        >
          <div
            className={`h-full rounded-full transition-[width] ${failed ? 'bg-red-700' : settled ? 'bg-green-700' : 'bg-blue-800'} ${indeterminate ? 'w-1/3 animate-pulse' : ''}`}
            style={indeterminate ? undefined : { width: `${settled ? 100 : percent}%` }}
          />
        </div>
        <p className={`mt-1 ${failed ? 'text-red-800' : 'text-slate-700'}`}>{statusText(item, waitingForTicket)}</p>
      </div>
      <div className="flex gap-1">
        {(item.status === 'failed' || item.status === 'canceled') && (
          <Button variant="secondary" className="min-h-8 px-2 py-1" onClick={onRetry} aria-label={`Retry ${item.name}`}>
            Retry
          </Button>
        )}
        {(item.status === 'queued' || item.status === 'uploading') && (
          <Button variant="ghost" className="min-h-8 px-2 py-1" onClick={onCancel} aria-label={`Cancel ${item.name}`}>
            Cancel
          </Button>
        )}
        {item.status !== 'uploading' && item.status !== 'done' && (
          <Button variant="ghost" className="min-h-8 px-2 py-1" onClick={onRemove} aria-label={`Remove ${item.name}`}>
            Remove
          </Button>
        )}
      </div>
    </li>
  );
}
