import type { QueryClient } from '@tanstack/react-query';
import type * as AttachmentsUiModule from '../../../features/attachments/components/ticket-files';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Alert } from '../../../components/ui/alert';
import { Link } from '../../../components/ui/link';
import { useToast } from '../../../components/ui/toast';
import { paths } from '../../../config/paths';
import { releasesQueryOptions, useReleases } from '../../../lib/catalogue/queries';
import { UpgradeCost, VersionSelects } from '../../../features/catalogue/components/upgrade-calculator';
import { NewTicketForm } from '../../../features/tickets/components/new-ticket-form';
import { PageHeader } from './page-header';

/**
 * The attachments feature, loaded by the loader with the page's data: imported statically, its chunks
 * would join the preload lists the entry script carries for this page, i.e. every page's first load.
 */
type AttachmentsUi = typeof AttachmentsUiModule;
let attachmentsUi: AttachmentsUi | undefined;
const loadAttachmentsUi = async () => (attachmentsUi ??= await import('../../../features/attachments/components/ticket-files'));

export const clientLoader = (queryClient: QueryClient) => async () => {
  await Promise.all([
    queryClient.ensureQueryData(releasesQueryOptions()),
    loadAttachmentsUi().then((ui) => ui.prefetchTicketAttachments(queryClient, null)),
  ]);
  return null;
};

const noFiles: readonly never[] = [];
type Files = Parameters<Parameters<AttachmentsUi['ComposerFiles']>[0]['children']>[0];

export default function NewTicketRoute() {
  const ui = attachmentsUi;
  if (!ui) return <NewTicketPage />;
  return <ui.ComposerFiles ticketId={null}>{(files) => <NewTicketPage files={files} />}</ui.ComposerFiles>;
}

function NewTicketPage({ files }: { files?: Files }) {
  const navigate = useNavigate();
  const toast = useToast();
  const { data: releases } = useReleases();
  // The ticket is open and its files are on their way: the page shows them until they have all arrived.
  const [created, setCreated] = useState<{ id: string; number: number }>();
  const items = files?.items ?? noFiles;
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
      {created && files ? (
        <div className="space-y-4">
          <Alert tone={failed ? 'error' : 'info'} title={`Ticket #${created.number} is open`}>
            {failed
              ? 'Some files could not be uploaded. Retry or remove them; the ticket itself is already open.'
              : 'Your files are being uploaded to it now. Stay on this page until they are done: you are taken to the ticket then.'}{' '}
            <Link to={paths.portal.ticket.getHref(created.number)}>Go to ticket #{created.number}</Link>
          </Alert>
          {files.composer.field}
        </div>
      ) : (
        <NewTicketForm
          attachments={files?.composer}
          onCreated={(ticket) => {
            if (!files || files.queue.getSnapshot().length === 0) {
              toast.show(`Ticket #${ticket.number} is open.`);
              return void navigate(paths.portal.ticket.getHref(ticket.number));
            }
            setCreated(ticket);
            files.queue.start(ticket.id);
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
