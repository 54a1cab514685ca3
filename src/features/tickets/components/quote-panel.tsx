import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { TextAreaField } from '../../../components/ui/fields';
import { useToast } from '../../../components/ui/toast';
import type { QuoteIntent } from '../quote-link';
import { apiErrorMessage } from '../../../lib/api-errors';
import { formatCredits } from '../../../lib/format';
import { useMoneyAction } from '../../../lib/money-action';
import { useConfirmQuote, useDeclineQuote } from '../api/ticket-actions';
import type { TicketDetail } from '../api/get-ticket';

/**
 * A quote waiting for the customer: the price, the balance after, Confirm (charges) or Decline (closes).
 * `initialDialog` opens one dialog at once (a quote mail's button); it still only asks.
 */
export function QuotePanel({
  detail,
  categoryName,
  initialDialog = null,
}: {
  detail: TicketDetail;
  categoryName: string;
  initialDialog?: QuoteIntent | null;
}) {
  const { ticket, balance } = detail;
  const due = (ticket.quoted_credits ?? 0) - ticket.charged_credits;
  const after = balance - due;
  const confirm = useConfirmQuote();
  const decline = useDeclineQuote();
  const toast = useToast();
  const [dialog, setDialog] = useState<QuoteIntent | null>(initialDialog);
  const quoted = ticket.quoted_credits ?? 0;
  // The price the open confirmation was asked at. The page is live, so the engineer's re-pricing can
  // arrive while the dialog is open: the dialog then asks at the new price and says that it changed,
  // rather than swapping the number under the customer's cursor.
  const [askedAt, setAskedAt] = useState<number | null>(initialDialog === 'confirm' ? quoted : null);
  const repricedFrom = dialog === 'confirm' && askedAt !== null && askedAt !== quoted ? askedAt : null;
  // One key per confirmation the customer starts: a retried or repeated request is charged once.
  const action = useMoneyAction();
  const [reason, setReason] = useState('');

  return (
    <section aria-labelledby="quote-title" className="rounded-lg border-2 border-amber-500 bg-amber-50 p-4 sm:p-6">
      <h2 id="quote-title" className="text-lg font-bold text-slate-900">
        Please confirm the price
      </h2>
      <p className="mt-2 text-slate-900">
        The engineer assessed this ticket as <strong>{categoryName}</strong> for <strong>{formatCredits(ticket.quoted_credits ?? 0)}</strong>
        {ticket.charged_credits > 0 && ` (${ticket.charged_credits} already charged, ${due} more)`}.
      </p>
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-700">Your balance</dt>
        <dd className="font-semibold">{formatCredits(balance)}</dd>
        <dt className="text-slate-700">Balance after confirming</dt>
        <dd className="font-semibold" data-testid="balance-after">
          {after >= 0 ? formatCredits(after) : `not enough — ${formatCredits(-after)} short`}
        </dd>
      </dl>
      {after < 0 && (
        <p className="mt-2 text-sm text-slate-800">
          You can confirm now: the ticket then waits and is charged automatically as soon as you add {formatCredits(-after)}.
        </p>
      )}
      <div className="mt-4 flex flex-wrap gap-3">
        <Button
          onClick={() => {
            action.renew();
            confirm.reset();
            setAskedAt(quoted);
            setDialog('confirm');
          }}
        >
          Confirm {formatCredits(due)}
        </Button>
        <Button variant="secondary" onClick={() => setDialog('decline')}>
          Decline
        </Button>
      </div>

      <ConfirmDialog
        open={dialog === 'confirm'}
        title={`Confirm ${formatCredits(due)}?`}
        confirmLabel={`Yes, confirm ${formatCredits(due)}`}
        pending={action.sending}
        onClose={() => setDialog(null)}
        onConfirm={() =>
          // mutateAsync, not mutate's callbacks: the panel unmounts once the ticket is no longer waiting.
          // The credits are the price this panel shows: if the engineer changed it meanwhile, nothing is
          // charged, the ticket reloads and the dialog asks again at the new price.
          action.run((idempotencyKey) => {
            setAskedAt(quoted);
            return confirm.mutateAsync({ ticketId: ticket.id, credits: quoted, idempotencyKey }).then((updated) => {
              setDialog(null);
              toast.show(updated.status === 'awaiting_credits' ? 'Confirmed. The ticket waits for credits.' : `Confirmed: ${formatCredits(due)} charged.`);
            });
          })
        }
        error={
          confirm.isError ? (
            <Alert tone="error">{apiErrorMessage(confirm.error)}</Alert>
          ) : (
            repricedFrom !== null && (
              <Alert tone="error">
                The engineer changed the price while you were reading: it now costs {formatCredits(quoted)}, not {formatCredits(repricedFrom)}. Nothing
                was charged; confirm again at the new price.
              </Alert>
            )
          )
        }
      >
        <p>
          {after >= 0
            ? `${formatCredits(due)} will be taken from your balance now (${balance} → ${after}) and the engineer will answer the ticket.`
            : `Your balance (${balance}) does not cover ${formatCredits(due)}. The ticket will wait and be charged as soon as you add credits.`}
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={dialog === 'decline'}
        title="Decline the quote?"
        confirmLabel="Decline and close the ticket"
        cancelLabel="Keep the ticket"
        pending={decline.isPending}
        onClose={() => setDialog(null)}
        onConfirm={() =>
          void decline.mutateAsync({ ticketId: ticket.id, reason }).then(
            () => {
              setDialog(null);
              toast.show('Quote declined. The ticket is closed.');
            },
            () => undefined, // shown in the dialog from decline.error
          )
        }
        error={decline.isError && <Alert tone="error">{apiErrorMessage(decline.error)}</Alert>}
      >
        <p>
          The ticket will be closed without an answer.
          {ticket.charged_credits > 0 ? ` The ${formatCredits(ticket.charged_credits)} already charged ${ticket.charged_credits === 1 ? 'is' : 'are'} kept.` : ' Nothing is charged.'}
        </p>
        <TextAreaField label="Reason (optional)" name="reason" rows={3} value={reason} onChange={(event) => setReason(event.target.value)} />
      </ConfirmDialog>
    </section>
  );
}
