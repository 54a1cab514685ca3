import type { QueryClient } from '@tanstack/react-query';
import type * as AttachmentsUiModule from '../../../features/attachments/components/ticket-files';
import { Suspense, useEffect, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { Alert } from '../../../components/ui/alert';
import { Link } from '../../../components/ui/link';
import { Skeleton } from '../../../components/ui/skeleton';
import { paths } from '../../../config/paths';
import { packagesQueryOptions, usePackages } from '../../../features/catalogue/api/queries';
import { categoriesQueryOptions, useCategories } from '../../../lib/catalogue/queries';
import { PackagePicker } from '../../../features/catalogue/components/package-picker';
import { packageCovering } from '../../../features/catalogue/pricing';
import { ticketQueryOptions, useTicket, type TicketDetail } from '../../../features/tickets/api/get-ticket';
import { threadQueryOptions, useThread } from '../../../features/tickets/api/get-thread';
import { AuditTrail } from '../../../features/tickets/components/audit-trail';
import { CancelTicketButton } from '../../../features/tickets/components/cancel-ticket-button';
import { QuotePanel } from '../../../features/tickets/components/quote-panel';
import { closedQuoteMessage, parseQuoteIntent } from '../../../features/tickets/quote-link';
import { StatusBadge } from '../../../components/ui/status-badge';
import { isCancelableStatus, isOpenStatus } from '../../../lib/ticket-status';
import { ReplyForm, TicketThread } from '../../../features/tickets/components/ticket-thread';
import { useAuthSession } from '../../../lib/auth-session';
import type { ComposerAttachments } from '../../../lib/composer-attachments';
import { categoryNamer } from '../../../lib/labels';
import { formatCredits } from '../../../lib/format';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { useLiveRefresh } from '../../../lib/live/use-live';
import { attachmentKeys } from '../../../features/attachments/api/keys';
import { creditKeys } from '../../../features/credits/api/keys';
import { ticketKeys } from '../../../features/tickets/api/keys';
import { PageHeader } from './page-header';
import { portalLoader } from './portal-loader';

const ticketNumber = (value: string | undefined) => {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : null;
};

/**
 * The attachments feature, loaded by the loader with the page's data: imported statically, its chunks
 * would join the preload lists the entry script carries for this page, i.e. every page's first load.
 */
type AttachmentsUi = typeof AttachmentsUiModule;
let attachmentsUi: AttachmentsUi | undefined;
const loadAttachmentsUi = async () => (attachmentsUi ??= await import('../../../features/attachments/components/ticket-files'));

export const clientLoader = (queryClient: QueryClient) =>
  portalLoader(async (userId, params) => {
    const number = ticketNumber(params.number);
    if (number === null) return;
    const [detail] = await Promise.all([
      queryClient.ensureQueryData(ticketQueryOptions(userId, number)),
      queryClient.ensureQueryData(categoriesQueryOptions()),
      queryClient.ensureQueryData(packagesQueryOptions()),
    ]);
    // The files too, so the thread does not move when they arrive; a failure there is shown in the
    // thread with a retry rather than failing the page (prefetchQuery does not throw).
    if (detail) {
      await Promise.all([
        queryClient.ensureQueryData(threadQueryOptions(detail.ticket.id)),
        loadAttachmentsUi().then((ui) => ui.prefetchTicketAttachments(queryClient, detail.ticket.id)),
      ]);
    }
  });

function CreditsNeeded({ detail }: { detail: TicketDetail }) {
  const { data: packages } = usePackages();
  const due = (detail.ticket.quoted_credits ?? 0) - detail.ticket.charged_credits;
  const missing = Math.max(0, due - detail.balance);
  return (
    <section aria-labelledby="credits-needed-title" className="rounded-lg border-2 border-red-300 bg-red-50 p-4 sm:p-6">
      <h2 id="credits-needed-title" className="text-lg font-bold text-slate-900">
        Awaiting credits: buy {missing} more
      </h2>
      <p className="mt-2 text-slate-900">
        This ticket costs {formatCredits(due)} and your balance is {detail.balance}. As soon as you add {formatCredits(missing)} it is charged
        automatically and the engineer continues. After paying you can come straight back here.
      </p>
      <div className="mt-4">
        <PackagePicker
          packages={packages}
          initialCredits={packageCovering(packages, missing)?.credits}
          returnTo={paths.portal.ticket.getHref(detail.ticket.number)}
        />
      </div>
    </section>
  );
}

/**
 * The `?quote=` of a quote mail's button, read once when the page opens and then taken out of the
 * address: once the customer has answered, the ticket no longer waits, and a lingering parameter would
 * reopen the question or report it closed on the next render or reload.
 */
function useQuoteIntentOnArrival() {
  const [search, setSearch] = useSearchParams();
  const [intent] = useState(() => parseQuoteIntent(search.get('quote')));
  useEffect(() => {
    if (!search.has('quote')) return;
    setSearch(
      (current) => {
        current.delete('quote');
        return current;
      },
      { replace: true },
    );
  }, [search, setSearch]);
  return intent;
}

/**
 * The ticket as it changes: the database announces on `ticket:<id>` what this customer may see (the
 * engineer's replies, quotes, charges, status; never internal notes), and the page refetches it. A
 * charge also moves the balance shown elsewhere in the portal.
 */
function useLiveTicket(userId: string, number: number, ticketId: string | undefined) {
  useLiveRefresh(ticketId ? [`ticket:${ticketId}`] : [], (event) =>
    !ticketId
      ? []
      : [
          ticketKeys.detail(userId, number),
          ticketKeys.thread(ticketId),
          attachmentKeys.ticket(ticketId),
          ticketKeys.lists(),
          ticketKeys.needingAction(userId),
          ticketKeys.activity(userId),
          ...(!event || event.reason === 'charge' ? [creditKeys.all] : []),
        ],
  );
}

function TicketView({ userId, number }: { userId: string; number: number }) {
  const { data: detail } = useTicket(userId, number);
  useLiveTicket(userId, number, detail?.ticket.id);
  const { data: categories } = useCategories();
  const quoteIntent = useQuoteIntentOnArrival();
  // The status the customer arrived to: the message about a closed quote describes that, and does not
  // turn up after they confirm on this page.
  const [arrivalStatus] = useState(() => detail?.ticket.status);
  useDocumentTitle(detail ? `Ticket #${number}` : 'Ticket not found');
  if (!detail) {
    return (
      <section>
        <h1 className="text-2xl font-bold">Ticket not found</h1>
        <p className="mt-4 text-slate-700">
          There is no ticket #{number} on your account. <Link to={paths.portal.tickets.getHref()}>See your tickets</Link>
        </p>
      </section>
    );
  }
  const { ticket, parent, children } = detail;
  const categoryName = categoryNamer(categories);
  const open = isOpenStatus(ticket.status);
  const cancelable = isCancelableStatus(ticket.status) && ticket.charged_credits === 0;

  return (
    <article className="space-y-6">
      <PageHeader title={`Ticket #${ticket.number}: ${ticket.subject}`} actions={cancelable && <CancelTicketButton ticketId={ticket.id} number={ticket.number} />}>
        <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
          <StatusBadge status={ticket.status} audience="customer" />
          <span>{ticket.pre_approved ? `Agreed in advance with the assessment${ticket.pre_approval_ceiling ? ` up to ${formatCredits(ticket.pre_approval_ceiling)}` : ''}` : 'Cost first'}</span>
          {ticket.category && (
            <span>
              {categoryName(ticket.category)} · {formatCredits(ticket.quoted_credits ?? 0)}
            </span>
          )}
          <span>Charged: {formatCredits(ticket.charged_credits)}</span>
          {ticket.upgrade_from && (
            <span>
              Upgrade {ticket.upgrade_from} → {ticket.upgrade_to}
            </span>
          )}
        </p>
      </PageHeader>

      {(parent || children.length > 0) && (
        <nav aria-label="Related tickets" className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm">
          {parent && (
            <p>
              Split from <Link to={paths.portal.ticket.getHref(parent.number)}>ticket #{parent.number}: {parent.subject}</Link>
            </p>
          )}
          {children.map((child) => (
            <p key={child.number}>
              A separate question moved to <Link to={paths.portal.ticket.getHref(child.number)}>ticket #{child.number}: {child.subject}</Link>
            </p>
          ))}
        </nav>
      )}

      {quoteIntent && arrivalStatus && <ClosedQuote message={closedQuoteMessage(arrivalStatus, quoteIntent)} />}
      {ticket.status === 'awaiting_confirmation' && (
        <QuotePanel
          detail={detail}
          categoryName={categoryName(ticket.category ?? '')}
          initialDialog={arrivalStatus === 'awaiting_confirmation' ? quoteIntent : null}
        />
      )}
      {ticket.status === 'awaiting_credits' && <CreditsNeeded detail={detail} />}
      {ticket.status === 'new' && (
        <Alert tone="info">An engineer will assess this ticket soon. {ticket.pre_approved ? 'The credits are taken when it is assessed.' : 'You will see the price before anything is charged (except for simple questions, 5 credits).'}</Alert>
      )}

      <Suspense fallback={<Skeleton lines={6} label="Loading the conversation…" />}>
        <Conversation detail={detail} open={open} categoryName={categoryName} />
      </Suspense>
    </article>
  );
}

function ClosedQuote({ message }: { message: ReturnType<typeof closedQuoteMessage> }) {
  if (!message) return null;
  return (
    <Alert tone="info" title={message.title}>
      {message.body}
    </Alert>
  );
}

function Conversation({ detail, open, categoryName }: { detail: TicketDetail; open: boolean; categoryName: (code: string) => string }) {
  const { data: thread } = useThread(detail.ticket.id);
  const ui = attachmentsUi;
  const reply = (composer?: ComposerAttachments) => <ReplyForm ticketId={detail.ticket.id} attachments={composer} />;
  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_18rem]">
      <section aria-labelledby="conversation-title" className="min-w-0 space-y-4">
        <h2 id="conversation-title" className="text-lg font-bold">
          Conversation
        </h2>
        <TicketThread
          ticket={detail.ticket}
          messages={thread.messages}
          renderAttachments={ui && ((messageId) => <ui.MessageAttachments ticketId={detail.ticket.id} messageId={messageId} audience="customer" />)}
        />
        {open ? (
          ui ? <ui.ComposerFiles ticketId={detail.ticket.id}>{({ composer }) => reply(composer)}</ui.ComposerFiles> : reply()
        ) : (
          <p className="text-sm text-slate-700">
            This ticket is closed. <Link to={paths.portal.newTicket.getHref()}>Open a new ticket</Link> for a new question.
          </p>
        )}
      </section>
      <section aria-labelledby="audit-title">
        <h2 id="audit-title" className="text-lg font-bold">
          Audit trail
        </h2>
        <div className="mt-3">
          <AuditTrail events={thread.events} categoryName={categoryName} />
        </div>
      </section>
    </div>
  );
}

export default function TicketRoute() {
  const auth = useAuthSession();
  const { number: raw } = useParams();
  const number = ticketNumber(raw);
  if (number === null) {
    return (
      <section>
        <h1 className="text-2xl font-bold">Ticket not found</h1>
        <p className="mt-4">
          <Link to={paths.portal.tickets.getHref()}>See your tickets</Link>
        </p>
      </section>
    );
  }
  return (
    <Suspense fallback={<Skeleton lines={8} label="Loading the ticket…" />}>
      {/* Keyed: the quote link's state belongs to the ticket the person arrived at. */}
      {auth.user && <TicketView key={number} userId={auth.user.id} number={number} />}
    </Suspense>
  );
}
