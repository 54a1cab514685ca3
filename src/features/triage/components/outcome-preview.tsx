import { formatCredits } from '../../../lib/format';
import { describeOutcome, type Outcome } from '../cost-preview';

/** What committing will do, announced as it changes. */
export function OutcomePreview({ price, outcome, error }: { price: number | null; outcome: Outcome | null; error: string | null }) {
  return (
    <div aria-live="polite" className="rounded-md border border-blue-200 bg-blue-50 p-3 text-sm text-blue-950">
      {error ? (
        <p>{error}</p>
      ) : outcome && price !== null ? (
        <>
          <p className="font-semibold">Price: {formatCredits(price)}</p>
          <p className="mt-1">{describeOutcome(outcome)}</p>
        </>
      ) : (
        <p>Working out the price…</p>
      )}
    </div>
  );
}
