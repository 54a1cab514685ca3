import type { QueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { useNavigate, useOutletContext, useSearchParams, type LoaderFunctionArgs } from 'react-router-dom';
import { PageSpinner } from '../../../components/ui/spinner';
import { paths } from '../../../config/paths';
import type { CurrentRole } from '../../../lib/current-role';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { categoriesQueryOptions } from '../../../lib/catalogue/queries';
import { queueQueryOptions } from '../../../features/triage/api/get-queue';
import { staffMembersQueryOptions } from '../../../features/triage/api/get-staff-members';
import { statusCountsQueryOptions } from '../../../features/triage/api/get-status-counts';
import { useLiveQueue } from '../../../features/triage/api/use-live-queue';
import { QueueFilters } from '../../../features/triage/components/queue-filters';
import { QueueTable } from '../../../features/triage/components/queue-table';
import { StatusCounts } from '../../../features/triage/components/status-counts';
import { parseQueueFilters, type QueueFilters as Filters } from '../../../features/triage/schemas';
import { roleFor } from '../require-role';

export const clientLoader =
  (queryClient: QueryClient) =>
  async ({ request }: LoaderFunctionArgs) => {
    const role = await roleFor(queryClient, 'staff');
    if (!role) return null;
    const filters = parseQueueFilters(new URL(request.url).searchParams);
    await Promise.all([
      queryClient.ensureInfiniteQueryData(queueQueryOptions(filters, role.userId)),
      queryClient.ensureQueryData(statusCountsQueryOptions()),
      queryClient.ensureQueryData(categoriesQueryOptions()),
      queryClient.ensureQueryData(staffMembersQueryOptions()),
    ]);
    return null;
  };

const hrefFor = (filters: Filters) => {
  const search = new URLSearchParams();
  if (filters.status !== 'open') search.set('status', filters.status);
  if (filters.category) search.set('category', filters.category);
  if (filters.assignee) search.set('assignee', filters.assignee);
  if (filters.q) search.set('q', filters.q);
  const text = search.toString();
  return `${paths.staff.root.getHref()}${text ? `?${text}` : ''}`;
};

export default function StaffQueueRoute() {
  useDocumentTitle('Support queue');
  const role = useOutletContext<NonNullable<CurrentRole>>();
  const [search] = useSearchParams();
  const filters = parseQueueFilters(search);
  const navigate = useNavigate();
  useLiveQueue();

  return (
    <section aria-labelledby="queue-title" className="space-y-6">
      <h1 id="queue-title" className="text-2xl font-bold">
        Support queue
      </h1>
      <StatusCounts filters={filters} hrefFor={hrefFor} />
      <QueueFilters key={filters.q} filters={filters} onChange={(next) => void navigate(hrefFor(next))} />
      <Suspense fallback={<PageSpinner label="Loading tickets…" />}>
        <QueueTable filters={filters} userId={role.userId} />
      </Suspense>
    </section>
  );
}
