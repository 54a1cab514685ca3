import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Dialog } from '../../../components/ui/dialog';
import { TextAreaField } from '../../../components/ui/fields';
import { categoryLabel } from '../../../lib/labels';
import { errorMessage } from '../../../lib/error-message';
import { formatCredits } from '../../../lib/format';
import { useMoneyAction } from '../../../lib/money-action';
import type { StaffTicket } from '../api/get-ticket';
import { useReassessTicket } from '../api/reassess-ticket';
import type { TicketCategory } from '../../../lib/catalogue/categories';
import { reasonSchema } from '../schemas';
import { CategoryPricePicker, usePricedChoice } from './category-price-picker';
import { OutcomePreview } from './outcome-preview';
import { PricingActions } from './pricing-actions';

/** Re-categorize: the new price against what was charged — refund, extra charge or a new quote — with a reason. */
export function ReassessDialog(props: { open: boolean; onClose: () => void; ticket: StaffTicket; categories: TicketCategory[]; balance: number }) {
  const { open, onClose, ticket, categories, balance } = props;
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const reassess = useReassessTicket();
  // Charges or refunds may follow: a double click sends one request (the database refuses a repeat anyway).
  const action = useMoneyAction();
  const { choice, setChoice, priced, outcome } = usePricedChoice(ticket, categories, { code: ticket.category ?? '', credits: String(ticket.quoted_credits ?? '') });

  const close = () => {
    reassess.reset();
    onClose();
  };

  return (
    <Dialog open={open} title={`Re-categorize ticket #${ticket.number}`} onClose={() => !action.sending && close()} footer={null}>
      <form
        className="space-y-4"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const parsed = reasonSchema.safeParse(reason);
          setReasonError(parsed.success ? undefined : parsed.error.issues[0]?.message);
          if (!parsed.success || !('outcome' in priced)) return;
          action.run(() => reassess.mutateAsync({ ...priced.input, reason }).then(close));
        }}
      >
        <p className="text-sm text-slate-700">
          Now <strong>{categoryLabel(ticket.category ?? '', categories)}</strong> for {formatCredits(ticket.quoted_credits ?? 0)};{' '}
          {ticket.charged_credits} charged so far. Balance {formatCredits(balance)}.
        </p>
        <CategoryPricePicker ticket={ticket} categories={categories} value={choice} onChange={setChoice} priced={priced} />
        <OutcomePreview priced={priced} />
        <TextAreaField
          label="Reason (the customer sees it)"
          name="reason"
          rows={2}
          required
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={reasonError}
          maxLength={2000}
        />
        {reassess.isError && <Alert tone="error" title="The ticket was not re-categorized">{errorMessage(reassess.error)}</Alert>}
        <PricingActions verb="Re-categorize" outcome={outcome} sending={action.sending} onCancel={close} />
      </form>
    </Dialog>
  );
}
