import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../lib/error-message';
import { formatCredits } from '../../../lib/format';
import { isWaitingOnCustomer } from '../../../lib/ticket-status';
import type { StaffTicket } from '../api/get-ticket';
import { useResolveTicket } from '../api/resolve-ticket';

export function ResolveDialog({ open, onClose, ticket }: { open: boolean; onClose: () => void; ticket: StaffTicket }) {
  const resolve = useResolveTicket();
  const close = () => {
    resolve.reset();
    onClose();
  };
  const pendingCharge = isWaitingOnCustomer(ticket.status);
  return (
    <Dialog open={open} title={`Resolve ticket #${ticket.number}`} onClose={() => !resolve.isPending && close()} footer={null}>
      <div className="space-y-4">
        <p className="text-sm text-slate-700">
          The ticket closes as answered and the customer is told. {formatCredits(ticket.charged_credits)} {ticket.charged_credits === 1 ? 'was' : 'were'} charged; nothing more will be.
          {pendingCharge && ' The pending quote or charge is dropped.'}
        </p>
        {resolve.isError && <Alert tone="error" title="The ticket was not resolved">{errorMessage(resolve.error)}</Alert>}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close} disabled={resolve.isPending}>
            Cancel
          </Button>
          <Button pending={resolve.isPending} onClick={() => resolve.mutate({ ticketId: ticket.id }, { onSuccess: close })}>
            Resolve ticket
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
