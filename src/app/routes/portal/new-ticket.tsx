import type { QueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { useToast } from '../../../components/ui/toast';
import { paths } from '../../../config/paths';
import { releasesQueryOptions, useReleases } from '../../../lib/catalogue/queries';
import { UpgradeCost, VersionSelects } from '../../../features/catalogue/components/upgrade-calculator';
import { NewTicketForm } from '../../../features/tickets/components/new-ticket-form';
import { PageHeader } from './page-header';

export const clientLoader = (queryClient: QueryClient) => async () => {
  await queryClient.ensureQueryData(releasesQueryOptions());
  return null;
};

export default function NewTicketRoute() {
  const navigate = useNavigate();
  const toast = useToast();
  const { data: releases } = useReleases();

  return (
    <section className="max-w-2xl space-y-6">
      <PageHeader title="Open a ticket">
        An engineer reads it, puts it in a priced category and answers it. See the{' '}
        <a href={`${paths.home.getHref()}#prices-title`} className="font-medium text-blue-800 underline">
          price list
        </a>
        .
      </PageHeader>
      <NewTicketForm
        onCreated={(ticket) => {
          toast.show(`Ticket #${ticket.number} is open.`);
          void navigate(paths.portal.ticket.getHref(ticket.number));
        }}
        upgrade={({ from, to, setRange }) => (
          <>
            <p className="text-sm text-slate-700">
              For an upgrade, choose the version you run and the one you want: the price follows the number of versions.
            </p>
            <VersionSelects releases={releases} from={from} to={to} onChange={setRange} optional />
            {(from || to) && <UpgradeCost from={from} to={to} />}
          </>
        )}
      />
    </section>
  );
}
