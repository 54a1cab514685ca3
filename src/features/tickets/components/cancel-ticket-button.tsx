import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { useToast } from '../../../components/ui/toast';
import { apiErrorMessage } from '../../../lib/api-errors';
import { useCancelTicket } from '../api/ticket-actions';

/** Withdraws a ticket; offered only while nothing has been charged for it. */
export function CancelTicketButton({ ticketId, number }: { ticketId: string; number: number }) {
  const [open, setOpen] = useState(false);
  const cancel = useCancelTicket();
  const toast = useToast();
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Cancel ticket
      </Button>
      <ConfirmDialog
        open={open}
        title={`Cancel ticket #${number}?`}
        confirmLabel="Cancel the ticket"
        cancelLabel="Keep it open"
        pending={cancel.isPending}
        onClose={() => setOpen(false)}
        onConfirm={() =>
          // The button unmounts once the ticket is canceled, so mutate's own callbacks would not run.
          void cancel.mutateAsync(ticketId).then(
            () => {
              setOpen(false);
              toast.show(`Ticket #${number} is canceled.`);
            },
            () => undefined, // shown in the dialog from cancel.error
          )
        }
        error={cancel.isError && <Alert tone="error">{apiErrorMessage(cancel.error)}</Alert>}
      >
        <p>Nothing has been charged for this ticket. Once canceled it is closed and cannot be reopened.</p>
      </ConfirmDialog>
    </>
  );
}
