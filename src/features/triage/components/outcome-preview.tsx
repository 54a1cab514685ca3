import { formatCredits } from '../../../lib/format';
import { describeOutcome } from '../outcome-labels';
import type { Priced } from './category-price-picker';

/** What committing will do, as the database previews it, announced as it changes. */
export function OutcomePreview({ priced }: { priced: Priced }) {
  return (
    <div aria-live="polite" className="rounded-md border border-blue-200 bg-blue-50 p-3 text-sm text-blue-950">
      {'error' in priced ? (
        <p>{priced.error}</p>
      ) : 'outcome' in priced ? (
        <>
          <p className="font-semibold">Price: {formatCredits(priced.outcome.price)}</p>
          <p className="mt-1">{describeOutcome(priced.outcome)}</p>
        </>
      ) : (
        <p>Working out the price…</p>
      )}
    </div>
  );
}
