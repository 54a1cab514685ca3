import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { TextAreaField } from '../../../components/ui/fields';
import { errorMessage } from '../../../lib/error-message';
import { formatCredits } from '../../../lib/format';
import { useMoneyAction } from '../../../lib/money-action';
import { useAssessTicket } from '../api/assess-ticket';
import type { StaffTicket } from '../api/get-ticket';
import { commitLabel, predictOutcome } from '../cost-preview';
import type { TicketCategory } from '../../../lib/catalogue/categories';
import { CategoryPricePicker, usePrice, type PriceChoice } from './category-price-picker';
import { OutcomePreview } from './outcome-preview';

/** Assess a new ticket: category, live price and what will happen, then one explicit commit. */
export function AssessDialog(props: { open: boolean; onClose: () => void; ticket: StaffTicket; categories: TicketCategory[]; balance: number }) {
  const { open, onClose, ticket, categories, balance } = props;
  const [choice, setChoice] = useState<PriceChoice>({ code: '', credits: '' });
  const [note, setNote] = useState('');
  const assess = useAssessTicket();
  // Charges or refunds may follow: a double click sends one request (the database refuses a repeat anyway).
  const action = useMoneyAction();
  const category = categories.find((c) => c.code === choice.code);
  const priced = usePrice(ticket, category, choice);
  const outcome = category && 'price' in priced ? predictOutcome(ticket, category, priced.price, balance) : null;

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
          if (!category || !('price' in priced)) return;
          action.run(() => assess.mutateAsync({ ticketId: ticket.id, category: category.code, credits: priced.creditsArg, versions: priced.versionsArg, note }).then(close));
        }}
      >
        <p className="text-sm text-slate-700">
          The customer chose <strong>{ticket.pre_approved ? '"I agree in advance with the assessment"' : '"Tell me the cost first"'}</strong>.
          Their balance is {formatCredits(balance)}.
        </p>
        <CategoryPricePicker ticket={ticket} categories={categories} value={choice} onChange={setChoice} priced={priced} />
        <OutcomePreview
          price={'price' in priced ? priced.price : null}
          outcome={outcome}
          error={'error' in priced ? priced.error : null}
        />
        <TextAreaField label="Note for the audit trail (optional)" name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
        {assess.isError && <Alert tone="error" title="The ticket was not assessed">{errorMessage(assess.error)}</Alert>}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close} disabled={action.sending}>
            Cancel
          </Button>
          <Button type="submit" pending={action.sending} disabled={!outcome}>
            {outcome ? commitLabel(outcome, 'Assess') : 'Assess'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
