import type { QueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import { Skeleton } from '../../../components/ui/skeleton';
import { paths } from '../../../config/paths';
import { ticketsQueryOptions, useTickets } from '../../../features/tickets/api/get-tickets';
import { TicketFilters } from '../../../features/tickets/components/ticket-filters';
import { TicketList } from '../../../features/tickets/components/ticket-list';
import { parseTicketFilters, type TicketFilters as Filters } from '../../../features/tickets/schemas';
import { useAuthSession } from '../../../lib/auth-session';
import { buttonLinkClass, PageHeader } from './page-header';
import { portalLoader } from './portal-loader';

export const clientLoader = (queryClient: QueryClient) =>
  portalLoader((userId, _params, request) =>
    queryClient.ensureQueryData(ticketsQueryOptions(userId, parseTicketFilters(new URL(request.url).searchParams))),
  );

function Tickets({ userId, filters }: { userId: string; filters: Filters }) {
  const { data: tickets } = useTickets(userId, filters);
  const filtered = filters.status !== 'all' || filters.q !== '';
  return (
    <>
      <p className="sr-only" aria-live="polite">
        {tickets.length} ticket{tickets.length === 1 ? '' : 's'} found.
      </p>
      <TicketList
        tickets={tickets}
        empty={
          filtered
            ? { title: 'No tickets match', text: 'Try another status or search, or show all tickets.' }
            : { title: 'You have no tickets yet', text: 'Open a ticket whenever you need help.' }
        }
      />
    </>
  );
}

export default function TicketsRoute() {
  const auth = useAuthSession();
  const [search] = useSearchParams();
  const filters = parseTicketFilters(search);
  return (
    <section className="space-y-6">
      <PageHeader
        title="Your tickets"
        actions={
          <RouterLink to={paths.portal.newTicket.getHref()} className={buttonLinkClass}>
            Open a ticket
          </RouterLink>
        }
      />
      <TicketFilters filters={filters} />
      <Suspense fallback={<Skeleton lines={6} label="Loading tickets…" />}>
        {auth.user && <Tickets userId={auth.user.id} filters={filters} />}
      </Suspense>
    </section>
  );
}
