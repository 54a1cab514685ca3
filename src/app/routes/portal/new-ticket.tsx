import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Alert } from '../../../components/ui/alert';
import { Link } from '../../../components/ui/link';
import { useAttachmentComposer } from '../../../features/attachments/components/use-attachment-composer';
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
  const { composer, queue, items } = useAttachmentComposer({ ticketId: null });
  // The ticket is open and its files are on their way: the page shows them until they have all arrived.
  const [created, setCreated] = useState<{ id: string; number: number }>();
  const settled = items.every((item) => item.status === 'done' || item.status === 'canceled');
  const failed = items.some((item) => item.status === 'failed');

  useEffect(() => {
    if (!created || !settled) return;
    const attached = items.filter((item) => item.status === 'done').length;
    toast.show(`Ticket #${created.number} is open${attached ? ` with ${attached} file${attached === 1 ? '' : 's'}` : ''}.`);
    void navigate(paths.portal.ticket.getHref(created.number));
  }, [created, settled, items, toast, navigate]);

  return (
    <section className="max-w-2xl space-y-6">
      <PageHeader title="Open a ticket">
        An engineer reads it, puts it in a priced category and answers it. See the{' '}
        <a href={`${paths.home.getHref()}#prices-title`} className="font-medium text-blue-800 underline">
          price list
        </a>
        .
      </PageHeader>
      {created ? (
        <div className="space-y-4">
          <Alert tone={failed ? 'error' : 'info'} title={`Ticket #${created.number} is open`}>
            {failed
              ? 'Some files could not be uploaded. Retry or remove them; the ticket itself is already open.'
              : 'Your files are being uploaded to it now. Stay on this page until they are done: you are taken to the ticket then.'}{' '}
            <Link to={paths.portal.ticket.getHref(created.number)}>Go to ticket #{created.number}</Link>
          </Alert>
          {composer.field}
        </div>
      ) : (
        <NewTicketForm
          attachments={composer}
          onCreated={(ticket) => {
            if (queue.getSnapshot().length === 0) {
              toast.show(`Ticket #${ticket.number} is open.`);
              return void navigate(paths.portal.ticket.getHref(ticket.number));
            }
            setCreated(ticket);
            queue.start(ticket.id);
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
      )}
    </section>
  );
}
