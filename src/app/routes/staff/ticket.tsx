import type { QueryClient } from '@tanstack/react-query';
import type * as AttachmentsUiModule from '../../../features/attachments/components/ticket-files';
import { useOutletContext, useParams, type LoaderFunctionArgs } from 'react-router-dom';
import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import type { CurrentRole } from '../../../lib/current-role';
import { useLiveRefresh } from '../../../lib/live/use-live';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { attachmentKeys } from '../../../features/attachments/api/keys';
import { triageKeys } from '../../../features/triage/api/keys';
import { categoriesQueryOptions } from '../../../lib/catalogue/queries';
import { customerSummaryQueryOptions } from '../../../features/triage/api/get-customer-summary';
import { staffMembersQueryOptions } from '../../../features/triage/api/get-staff-members';
import { ticketQueryOptions, useTicket } from '../../../features/triage/api/get-ticket';
import { ticketEventsQueryOptions } from '../../../features/triage/api/get-ticket-events';
import { ticketMessagesQueryOptions } from '../../../features/triage/api/get-ticket-messages';
import { TicketView } from '../../../features/triage/components/ticket-view';
import type { StaffTicket as StaffTicketRow } from '../../../features/triage/api/get-ticket';
import { roleFor } from '../require-role';

const ticketNumber = (value: string | undefined) => (value && /^\d{1,9}$/.test(value) ? Number(value) : null);

/**
 * The attachments feature, loaded by the loader with the page's data: imported statically, its chunks
 * would join the preload lists the entry script carries for this page, i.e. every page's first load.
 */
type AttachmentsUi = typeof AttachmentsUiModule;
let attachmentsUi: AttachmentsUi | undefined;
const loadAttachmentsUi = async () => (attachmentsUi ??= await import('../../../features/attachments/components/ticket-files'));

export const clientLoader =
  (queryClient: QueryClient) =>
  async ({ params }: LoaderFunctionArgs) => {
    const number = ticketNumber(params.number);
    if (!(await roleFor(queryClient, 'staff')) || number === null) return null;
    const ticket = await queryClient.ensureQueryData(ticketQueryOptions(number));
    if (!ticket) return null;
    await Promise.all([
      queryClient.ensureQueryData(ticketMessagesQueryOptions(ticket.id)),
      queryClient.ensureQueryData(ticketEventsQueryOptions(ticket.id)),
      queryClient.ensureQueryData(customerSummaryQueryOptions(ticket.account_id, ticket.created_by)),
      queryClient.ensureQueryData(categoriesQueryOptions()),
      queryClient.ensureQueryData(staffMembersQueryOptions()),
      loadAttachmentsUi().then((ui) => ui.prefetchTicketAttachments(queryClient, ticket.id)),
    ]);
    return null;
  };

export default function StaffTicketRoute() {
  const { number: param } = useParams();
  const number = ticketNumber(param);
  if (number === null) return <Missing label={param ?? ''} />;
  return <StaffTicket number={number} />;
}

function StaffTicket({ number }: { number: number }) {
  const role = useOutletContext<NonNullable<CurrentRole>>();
  const { data: ticket } = useTicket(number);
  useDocumentTitle(ticket ? `#${ticket.number} ${ticket.subject}` : 'Ticket not found');
  useLiveTicket(ticket);
  if (!ticket) return <Missing label={String(number)} />;
  return <TicketWithFiles key={ticket.id} ticket={ticket} userId={role.userId} />;
}

/**
 * The ticket as it changes: `ticket:<id>` announces what the customer may see too (their replies,
 * quotes, charges, status), the staff-only `queue` also internal notes and assignments, of every
 * ticket (the others are ignored here). One change announced on both costs one refetch.
 */
function useLiveTicket(ticket: StaffTicketRow | null) {
  useLiveRefresh(ticket ? [`ticket:${ticket.id}`, 'queue'] : [], (event) =>
    !ticket || (event && event.ticket_id !== ticket.id)
      ? []
      : [
          triageKeys.ticket(ticket.number),
          triageKeys.messages(ticket.id),
          triageKeys.events(ticket.id),
          triageKeys.customer(ticket.account_id, ticket.created_by),
          attachmentKeys.ticket(ticket.id),
        ],
  );
}

/** Staff see every file, internal ones marked, and may hide one from the customer. */
function TicketWithFiles({ ticket, userId }: { ticket: StaffTicketRow; userId: string }) {
  const ui = attachmentsUi;
  if (!ui) return <TicketView ticket={ticket} userId={userId} />;
  return (
    <ui.ComposerFiles ticketId={ticket.id} audience="staff">
      {({ composer }) => (
        <TicketView
          ticket={ticket}
          userId={userId}
          attachments={{ composer, render: (messageId) => <ui.MessageAttachments ticketId={ticket.id} messageId={messageId} audience="staff" /> }}
        />
      )}
    </ui.ComposerFiles>
  );
}

function Missing({ label }: { label: string }) {
  return (
    <section className="py-8 text-center">
      <h1 className="text-2xl font-bold">There is no ticket #{label}</h1>
      <p className="mt-4">
        <Link to={paths.staff.root.getHref()}>Back to the queue</Link>
      </p>
    </section>
  );
}
