import { useState } from 'react';
import { useLivePresence } from '../../../lib/live/use-live';
import { useNavigate } from 'react-router-dom';
import { Button } from '../../../components/ui/button';
import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { categoryLabel } from '../../../lib/labels';
import { formatCredits } from '../../../lib/format';
import { useCategories } from '../../../lib/catalogue/queries';
import { useCustomerSummary } from '../api/get-customer-summary';
import { useStaffMembers } from '../api/get-staff-members';
import type { StaffTicket } from '../api/get-ticket';
import { AssessDialog } from './assess-dialog';
import { AssignControl } from './assign-control';
import { AuditTrail } from './audit-trail';
import { CustomerPanel } from './customer-panel';
import { ReassessDialog } from './reassess-dialog';
import { RefundDialog } from './refund-dialog';
import { ResolveDialog } from './resolve-dialog';
import { SplitDialog } from './split-dialog';
import { StatusBadge } from '../../../components/ui/status-badge';
import { isOpenStatus } from '../../../lib/ticket-status';
import { AlsoHere, replyingNames } from './ticket-presence';
import { Thread, type ThreadAttachments } from './thread';

type Open = { kind: 'assess' | 'reassess' | 'refund' | 'resolve' } | { kind: 'split'; source: { body: string } } | null;

export function TicketView({ ticket, userId, attachments }: { ticket: StaffTicket; userId: string; attachments?: ThreadAttachments }) {
  const { data: categories } = useCategories();
  const { data: customer } = useCustomerSummary(ticket.account_id, ticket.created_by);
  const { data: staff } = useStaffMembers();
  const navigate = useNavigate();
  // Presence on the ticket's channel: who else is on this page, and whether they are writing a reply.
  const [composing, setComposing] = useState(false);
  const me = { user_id: userId, name: staff.find((member) => member.id === userId)?.name ?? 'An engineer' };
  const others = useLivePresence(`ticket:${ticket.id}`, me, composing ? 'replying' : 'viewing');
  const [dialog, setDialog] = useState<Open>(null);
  const close = () => setDialog(null);
  const isOpen = isOpenStatus(ticket.status);
  const balance = customer.account.balance;
  // Dialogs remount per opening (key) so each starts from the ticket as it is now.
  const [openings, setOpenings] = useState(0);
  const show = (next: NonNullable<Open>) => {
    setOpenings((n) => n + 1);
    setDialog(next);
  };

  return (
    <div className="space-y-6">
      <div>
        <Link to={paths.staff.root.getHref()} className="text-sm">
          ← Back to the queue
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-bold">
            #{ticket.number} {ticket.subject}
          </h1>
          <StatusBadge status={ticket.status} audience="staff" />
        </div>
        <AlsoHere others={others} />
        <p className="mt-1 text-sm text-slate-700">
          {ticket.pre_approved ? 'Pre-approved ("I agree in advance with the assessment")' : 'Cost first ("Tell me the cost first")'}
          {ticket.category && ` · ${categoryLabel(ticket.category, categories)} for ${formatCredits(ticket.quoted_credits ?? 0)}`} · {formatCredits(ticket.charged_credits)} charged
          {ticket.upgrade_from && ` · upgrade ${ticket.upgrade_from} → ${ticket.upgrade_to}`}
        </p>
      </div>

      <div role="toolbar" aria-label="Ticket actions" className="flex flex-wrap gap-2">
        {ticket.status === 'new' && <Button onClick={() => show({ kind: 'assess' })}>Assess</Button>}
        {isOpen && ticket.status !== 'new' && (
          <Button variant="secondary" onClick={() => show({ kind: 'reassess' })}>
            Re-categorize
          </Button>
        )}
        {isOpen && (
          <Button variant="secondary" onClick={() => show({ kind: 'split', source: { body: ticket.body } })}>
            Split
          </Button>
        )}
        {ticket.charged_credits > 0 && (
          <Button variant="secondary" onClick={() => show({ kind: 'refund' })}>
            Refund
          </Button>
        )}
        {isOpen && (
          <Button variant="secondary" onClick={() => show({ kind: 'resolve' })}>
            Resolve
          </Button>
        )}
      </div>

      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <Thread
          ticket={ticket}
          onSplitFrom={(source) => show({ kind: 'split', source })}
          attachments={attachments}
          collision={{ othersReplying: replyingNames(others), onComposing: setComposing }}
        />
        <div className="space-y-6">
          <CustomerPanel ticket={ticket} />
          <AssignControl ticket={ticket} userId={userId} />
          <AuditTrail ticket={ticket} />
        </div>
      </div>

      {dialog?.kind === 'assess' && <AssessDialog key={openings} open onClose={close} ticket={ticket} categories={categories} balance={balance} />}
      {dialog?.kind === 'reassess' && <ReassessDialog key={openings} open onClose={close} ticket={ticket} categories={categories} balance={balance} />}
      {dialog?.kind === 'refund' && <RefundDialog key={openings} open onClose={close} ticket={ticket} />}
      {dialog?.kind === 'resolve' && <ResolveDialog key={openings} open onClose={close} ticket={ticket} />}
      {dialog?.kind === 'split' && (
        <SplitDialog
          key={openings}
          open
          onClose={close}
          ticket={ticket}
          source={dialog.source}
          onSplit={(number) => {
            close();
            void navigate(paths.staff.ticket.getHref(number));
          }}
        />
      )}
    </div>
  );
}
