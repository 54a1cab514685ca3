import type { ReactNode } from 'react';
import type { Account } from '../api/get-account';

/** The balance, announced when it changes, with a warning when it is low. */
export function BalanceCard({ account, action }: { account: Account; action?: ReactNode }) {
  const low = account.balance < account.low_balance_threshold;
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
      <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-700">Credit balance</h2>
      <p className="mt-1 text-4xl font-bold text-slate-900" aria-live="polite" data-testid="balance">
        {account.balance} <span className="text-xl font-semibold">credits</span>
      </p>
      {low && (
        <p className="mt-3 rounded-md border border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          {account.balance === 0 ? 'You have no credits left.' : 'Your balance is low.'} Buy more so new tickets are not held up.
        </p>
      )}
      {action && <div className="mt-4">{action}</div>}
    </div>
  );
}
