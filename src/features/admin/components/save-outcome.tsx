import { errorMessage } from '../../../lib/error-message';

/**
 * Under a row the admin saves on its own (a package, a category): what to fix before saving, or why
 * the server refused, or that it was saved. `className` only places it in its row.
 */
export function SaveOutcome({
  problem,
  failure,
  saved,
  className,
}: {
  /** What the form found wrong; shown before any server error, since nothing was sent. */
  problem: string | undefined;
  /** The save's error, when it failed. */
  failure: { error: unknown } | undefined;
  saved: boolean;
  className: string;
}) {
  return (
    <>
      {(problem || failure) && (
        <p role="alert" className={`${className} text-red-800`}>
          {problem ?? errorMessage(failure?.error)}
        </p>
      )}
      {saved && (
        <p role="status" className={`${className} text-green-800`}>
          Saved.
        </p>
      )}
    </>
  );
}
