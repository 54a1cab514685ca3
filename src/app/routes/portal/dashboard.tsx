import type { QueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { Alert } from '../../../components/ui/alert';
import { EmptyState } from '../../../components/ui/empty-state';
import { Link } from '../../../components/ui/link';
import { Skeleton } from '../../../components/ui/skeleton';
import { paths } from '../../../config/paths';
import { accountQueryOptions, useAccount } from '../../../features/credits/api/get-account';
import { BalanceCard } from '../../../features/credits/components/balance-card';
import { recentActivityQueryOptions, useRecentActivity } from '../../../features/tickets/api/get-activity';
import { ticketsNeedingActionQueryOptions, useTicketsNeedingAction } from '../../../features/tickets/api/get-tickets';
import { StatusBadge } from '../../../components/ui/status-badge';
import { useAuthSession } from '../../../lib/auth-session';
import { formatCredits, formatDateTime } from '../../../lib/format';
import { categoryLabel, describeTicketEvent } from '../../../lib/labels';
import { buttonLinkClass, PageHeader, secondaryLinkClass } from './page-header';
import { portalLoader } from './portal-loader';

export const clientLoader = (queryClient: QueryClient) =>
  portalLoader((userId) =>
    Promise.all([
      queryClient.ensureQueryData(accountQueryOptions(userId)),
      queryClient.ensureQueryData(ticketsNeedingActionQueryOptions(userId)),
      queryClient.ensureQueryData(recentActivityQueryOptions(userId)),
    ]),
  );

function Dashboard({ userId }: { userId: string }) {
  const { data: account } = useAccount(userId);
  const { data: needing } = useTicketsNeedingAction(userId);
  const { data: activity } = useRecentActivity(userId);
  const balance = account?.balance ?? 0;

  return (
    <div className="mt-6 grid gap-6 lg:grid-cols-[20rem_1fr]">
      <div className="space-y-6">
        {account ? (
          <BalanceCard
            account={account}
            action={
              <RouterLink to={paths.portal.credits.getHref()} className={buttonLinkClass}>
                Buy credits
              </RouterLink>
            }
          />
        ) : (
          <Alert tone="info">Your sign-in has no credit account. Contact support through a ticket.</Alert>
        )}
      </div>
      <div className="space-y-8">
        <section aria-labelledby="action-title">
          <h2 id="action-title" className="text-lg font-bold">
            Tickets that need you
          </h2>
          <div className="mt-3">
            {needing.length === 0 ? (
              <EmptyState title="Nothing needs you right now">Quotes to confirm and tickets waiting for credits show up here.</EmptyState>
            ) : (
              <ul className="space-y-3">
                {needing.map((ticket) => {
                  const due = (ticket.quoted_credits ?? 0) - ticket.charged_credits;
                  const missing = Math.max(0, due - balance);
                  return (
                    <li key={ticket.id} className="rounded-lg border border-slate-200 bg-white p-4">
                      <div className="flex flex-wrap items-center justify-between gap-2">
                        <Link to={paths.portal.ticket.getHref(ticket.number)}>
                          #{ticket.number} {ticket.subject}
                        </Link>
                        <StatusBadge status={ticket.status} audience="customer" />
                      </div>
                      <p className="mt-1 text-sm text-slate-800">
                        {ticket.status === 'awaiting_confirmation'
                          ? `Confirm or decline the quote of ${formatCredits(ticket.quoted_credits ?? 0)}.`
                          : `Needs ${formatCredits(due)}: buy ${missing} more and it continues automatically.`}
                      </p>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
        </section>
        <section aria-labelledby="activity-title">
          <h2 id="activity-title" className="text-lg font-bold">
            Recent activity
          </h2>
          <div className="mt-3">
            {activity.length === 0 ? (
              <EmptyState title="No activity yet">
                <Link to={paths.portal.newTicket.getHref()}>Open your first ticket</Link> when you need help.
              </EmptyState>
            ) : (
              <ul className="space-y-2 text-sm">
                {activity.map((event) => (
                  <li key={event.id} className="rounded-md border border-slate-200 bg-white px-3 py-2">
                    {event.ticket && (
                      <Link to={paths.portal.ticket.getHref(event.ticket.number)}>#{event.ticket.number}</Link>
                    )}{' '}
                    {describeTicketEvent(event.kind, event.data, { categoryName: (code) => categoryLabel(code), audience: 'customer' })}
                    <span className="block text-slate-600">
                      {formatDateTime(event.created_at)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </section>
      </div>
    </div>
  );
}

export default function PortalDashboardRoute() {
  const auth = useAuthSession();
  return (
    <section>
      <PageHeader
        title="Your portal"
        actions={
          <>
            <RouterLink to={paths.portal.newTicket.getHref()} className={buttonLinkClass}>
              Open a ticket
            </RouterLink>
            <RouterLink to={paths.portal.tickets.getHref()} className={secondaryLinkClass}>
              All tickets
            </RouterLink>
          </>
        }
      >
        Signed in as <strong>{auth.user?.email}</strong>.
      </PageHeader>
      <Suspense fallback={<div className="mt-6"><Skeleton lines={6} label="Loading your portal…" /></div>}>{auth.user && <Dashboard userId={auth.user.id} />}</Suspense>
    </section>
  );
}
