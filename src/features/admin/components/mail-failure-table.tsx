import { Button } from '../../../components/ui/button';
import { EmptyState } from '../../../components/ui/empty-state';
import { formatDateTime } from '../../../lib/format';
import { humanizeCode } from '../../../lib/category-label';
import type { MailFailure } from '../api/mail-failures';

/** What each status means for the admin deciding whether to send again. */
export const MAIL_STATUS_HELP: Record<string, { label: string; help: string }> = {
  dead: { label: 'Dead', help: 'Failed for good (a bounce or an invalid address) or too many times; it was not delivered.' },
  unknown: { label: 'Unknown', help: 'The worker stopped mid-send; it may have been delivered.' },
};

const statusOf = (status: string) => MAIL_STATUS_HELP[status] ?? { label: humanizeCode(status), help: '' };

/** The mail that did not go out, one row each, with a Retry button that only asks (the caller's dialog). */
export function MailFailureTable({ failures, onRetry }: { failures: readonly MailFailure[]; onRetry: (failure: MailFailure) => void }) {
  if (failures.length === 0) {
    return <EmptyState title="No mail problems">Every notification e-mail was sent, or is still being tried.</EmptyState>;
  }
  return (
    <div className="space-y-4">
      <dl className="grid gap-1 text-sm sm:grid-cols-[auto_1fr] sm:gap-x-4">
        {Object.values(MAIL_STATUS_HELP).map(({ label, help }) => (
          <div key={label} className="contents">
            <dt className="font-semibold">{label}</dt>
            <dd className="text-slate-700">{help}</dd>
          </div>
        ))}
      </dl>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Notification e-mails that were not sent</caption>
          <thead className="bg-slate-50 text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2">Kind</th>
              <th scope="col" className="px-3 py-2">Recipient</th>
              <th scope="col" className="px-3 py-2">Status</th>
              <th scope="col" className="px-3 py-2">Attempts</th>
              <th scope="col" className="px-3 py-2">Last error</th>
              <th scope="col" className="px-3 py-2">Queued</th>
              <th scope="col" className="px-3 py-2">Last change</th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200">
            {failures.map((failure) => (
              <tr key={failure.id} data-mail-id={failure.id}>
                <td className="px-3 py-2">{humanizeCode(failure.kind)}</td>
                <td className="px-3 py-2 break-all">{failure.to_email}</td>
                <td className="px-3 py-2">
                  <span className="font-semibold">{statusOf(failure.status).label}</span>
                  <span className="block text-xs text-slate-700">{statusOf(failure.status).help}</span>
                </td>
                <td className="px-3 py-2 tabular-nums">{failure.attempts}</td>
                <td className="max-w-xs px-3 py-2 break-words text-slate-800">{failure.last_error || '—'}</td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(failure.created_at)}</td>
                <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(failure.updated_at)}</td>
                <td className="px-3 py-2">
                  <Button variant="secondary" onClick={() => onRetry(failure)} aria-label={`Retry the ${humanizeCode(failure.kind).toLowerCase()} e-mail to ${failure.to_email}`}>
                    Retry
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
