import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { Button } from '../../../components/ui/button';
import { paths } from '../../../config/paths';
import { categoryLabel } from '../../../lib/labels';
import { formatCredits } from '../../../lib/format';
import { useCategories } from '../../../lib/catalogue/queries';
import { useQueue } from '../api/get-queue';
import type { QueueFilters } from '../schemas';
import { StatusBadge } from '../../../components/ui/status-badge';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/**
 * The queue, most urgent first. j / k move between tickets and Enter opens the one in focus (each row's
 * number is a link, so Enter is the browser's own).
 */
export function QueueTable({ filters, userId }: { filters: QueueFilters; userId: string }) {
  const { data, fetchNextPage, hasNextPage, isFetchingNextPage, error } = useQueue(filters, userId);
  const { data: categories } = useCategories();
  const rows = data.pages.flatMap((p) => p.rows);
  const tableRef = useRef<HTMLTableElement>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'j' && event.key !== 'k') return;
      if (event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const links = [...(tableRef.current?.querySelectorAll<HTMLAnchorElement>('a[data-queue-link]') ?? [])];
      if (!links.length) return;
      event.preventDefault();
      const current = links.indexOf(document.activeElement as HTMLAnchorElement);
      const next = event.key === 'j' ? Math.min(links.length - 1, current + 1) : Math.max(0, current === -1 ? 0 : current - 1);
      links[next]!.focus();
      links[next]!.scrollIntoView({ block: 'nearest' });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  if (rows.length === 0) {
    return (
      <p className="rounded-md border border-dashed border-slate-300 p-6 text-center text-slate-700">
        {filters.q || filters.category || filters.assignee || (filters.status !== 'open' && filters.status !== 'all')
          ? 'No tickets match these filters. Clear the search or choose another status.'
          : 'The queue is empty: no open tickets right now.'}
      </p>
    );
  }

  return (
    <div>
      <p className="mb-2 text-sm text-slate-600">
        Keyboard: <kbd className="rounded border px-1">j</kbd> next, <kbd className="rounded border px-1">k</kbd> previous,{' '}
        <kbd className="rounded border px-1">Enter</kbd> open.
      </p>
      <div className="overflow-x-auto rounded-md border border-slate-200">
        <table ref={tableRef} className="w-full text-left text-sm">
          <caption className="sr-only">Tickets, most urgent first</caption>
          <thead className="bg-slate-50 text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2">Ticket</th>
              <th scope="col" className="px-3 py-2">Subject</th>
              <th scope="col" className="px-3 py-2">Status</th>
              <th scope="col" className="px-3 py-2">Customer</th>
              <th scope="col" className="px-3 py-2">Category</th>
              <th scope="col" className="px-3 py-2">Assignee</th>
              <th scope="col" className="px-3 py-2">Opened</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} className="border-t border-slate-200 focus-within:bg-blue-50 hover:bg-slate-50">
                <td className="px-3 py-2 font-semibold">
                  <Link
                    data-queue-link
                    to={paths.staff.ticket.getHref(row.number)}
                    className="text-blue-800 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-blue-800"
                  >
                    #{row.number}
                  </Link>
                </td>
                <td className="max-w-xs truncate px-3 py-2" title={row.subject}>
                  {row.subject}
                </td>
                <td className="px-3 py-2">
                  <StatusBadge status={row.status} audience="staff" />
                </td>
                <td className="px-3 py-2">{row.customer_email ?? '(deleted user)'}</td>
                <td className="px-3 py-2">{row.category ? `${categoryLabel(row.category, categories)} · ${formatCredits(row.quoted_credits ?? 0)}` : '—'}</td>
                <td className="px-3 py-2">{row.assignee_name || <span className="text-slate-600">Unassigned</span>}</td>
                <td className="px-3 py-2 whitespace-nowrap">{dateFormat.format(new Date(row.created_at))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error && <p role="alert" className="mt-2 text-sm text-red-800">More tickets could not be loaded. Try again.</p>}
      {hasNextPage && (
        <div className="mt-4 text-center">
          <Button variant="secondary" pending={isFetchingNextPage} onClick={() => void fetchNextPage()}>
            Show more tickets
          </Button>
        </div>
      )}
    </div>
  );
}
