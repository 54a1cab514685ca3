import { Button } from '../../../components/ui/button';
import { commitLabel } from '../outcome-labels';
import type { QuoteOutcome } from '../schemas';

/**
 * The footer of a pricing dialog (assess, re-categorize): Cancel, kept off while a charge or refund is
 * on its way, and one commit button that says what it will do, enabled only once the database has
 * previewed the choice.
 */
export function PricingActions({
  verb,
  outcome,
  sending,
  onCancel,
}: {
  verb: 'Assess' | 'Re-categorize';
  outcome: QuoteOutcome | null;
  sending: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="flex justify-end gap-2">
      <Button variant="secondary" onClick={onCancel} disabled={sending}>
        Cancel
      </Button>
      <Button type="submit" pending={sending} disabled={!outcome}>
        {outcome ? commitLabel(outcome, verb) : verb}
      </Button>
    </div>
  );
}
