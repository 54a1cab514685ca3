import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Dialog } from '../../../components/ui/dialog';
import { TextAreaField } from '../../../components/ui/fields';
import { errorMessage } from '../../../lib/error-message';
import { formatCredits } from '../../../lib/format';
import { useMoneyAction } from '../../../lib/money-action';
import { useAssessTicket } from '../api/assess-ticket';
import type { StaffTicket } from '../api/get-ticket';
import type { TicketCategory } from '../../../lib/catalogue/categories';
import { CategoryPricePicker, usePricedChoice } from './category-price-picker';
import { OutcomePreview } from './outcome-preview';
import { PricingActions } from './pricing-actions';

/** Assess a new ticket: category, live price and what will happen, then one explicit commit. */
export function AssessDialog(props: { open: boolean; onClose: () => void; ticket: StaffTicket; categories: TicketCategory[]; balance: number }) {
  const { open, onClose, ticket, categories, balance } = props;
  const [note, setNote] = useState('');
  const assess = useAssessTicket();
  // Charges or refunds may follow: a double click sends one request (the database refuses a repeat anyway).
  const action = useMoneyAction();
  const { choice, setChoice, priced, outcome } = usePricedChoice(ticket, categories, { code: '', credits: '' });

  const close = () => {
    assess.reset();
    onClose();
  };

  return (
    <Dialog open={open} title={`Assess ticket #${ticket.number}`} onClose={() => !action.sending && close()} footer={null}>
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          if (!('outcome' in priced)) return;
          action.run(() => assess.mutateAsync({ ...priced.input, note }).then(close));
        }}
      >
        <p className="text-sm text-slate-700">
          The customer chose <strong>{ticket.pre_approved ? '"I agree in advance with the assessment"' : '"Tell me the cost first"'}</strong>.
          Their balance is {formatCredits(balance)}.
        </p>
        <CategoryPricePicker ticket={ticket} categories={categories} value={choice} onChange={setChoice} priced={priced} />
        <OutcomePreview priced={priced} />
        <TextAreaField label="Note for the audit trail (optional)" name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
        {assess.isError && <Alert tone="error" title="The ticket was not assessed">{errorMessage(assess.error)}</Alert>}
        <PricingActions verb="Assess" outcome={outcome} sending={action.sending} onCancel={close} />
      </form>
    </Dialog>
  );
}
