import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { TextAreaField } from '../../../components/ui/fields';
import { TextField } from '../../../components/ui/text-field';
import { errorMessage } from '../../../lib/error-message';
import { formatCredits } from '../../../lib/format';
import { useMoneyAction } from '../../../lib/money-action';
import type { StaffTicket } from '../api/get-ticket';
import { useRefundTicket } from '../api/refund-ticket';
import { creditsSchema, reasonSchema } from '../schemas';

/** Give back some or all of a ticket's charge, with a reason the customer sees. */
export function RefundDialog({ open, onClose, ticket }: { open: boolean; onClose: () => void; ticket: StaffTicket }) {
  const [credits, setCredits] = useState(String(ticket.charged_credits));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ credits?: string; reason?: string }>({});
  const refund = useRefundTicket();
  const action = useMoneyAction();
  const close = () => {
    refund.reset();
    action.renew();
    onClose();
  };

  return (
    <Dialog open={open} title={`Refund ticket #${ticket.number}`} onClose={() => !action.sending && close()} footer={null}>
      <form
        className="space-y-4"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const amount = creditsSchema.safeParse(credits);
          const why = reasonSchema.safeParse(reason);
          const next = {
            credits: !amount.success
              ? amount.error.issues[0]?.message
              : amount.data > ticket.charged_credits
                ? `Refund at most the ${formatCredits(ticket.charged_credits)} charged.`
                : undefined,
            reason: why.success ? undefined : why.error.issues[0]?.message,
          };
          setErrors(next);
          if (next.credits || next.reason || !amount.success) return;
          action.run((idempotencyKey) => refund.mutateAsync({ ticketId: ticket.id, credits: amount.data, reason, idempotencyKey }).then(close));
        }}
      >
        <p className="text-sm text-slate-700">{formatCredits(ticket.charged_credits)} {ticket.charged_credits === 1 ? 'was' : 'were'} charged for this ticket. The refund goes back to the customer's balance at once.</p>
        <TextField label="Credits to refund" name="credits" type="number" inputMode="numeric" min={1} max={ticket.charged_credits} value={credits} onChange={(e) => setCredits(e.target.value)} error={errors.credits} />
        <TextAreaField label="Reason (the customer sees it)" name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} maxLength={2000} />
        {refund.isError && <Alert tone="error" title="Nothing was refunded">{errorMessage(refund.error)}</Alert>}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close} disabled={action.sending}>
            Cancel
          </Button>
          <Button type="submit" pending={action.sending}>
            Refund {Number(credits) > 0 ? formatCredits(Number(credits)) : ''}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
