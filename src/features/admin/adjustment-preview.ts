import { formatCredits } from '../../lib/format';

export type AdjustmentPreview = { ok: true; balanceAfter: number } | { ok: false; problem: string };

/**
 * What an adjustment would leave on the account. A customer balance never goes below zero (adjust_credits
 * refuses it), so a removal larger than the balance is shown as refused, never as a negative balance.
 */
export function previewAdjustment(balance: number, amount: number): AdjustmentPreview {
  const balanceAfter = balance + amount;
  if (balanceAfter >= 0) return { ok: true, balanceAfter };
  return {
    ok: false,
    problem:
      balance > 0
        ? `This would be refused: removing ${formatCredits(-amount)} would take the balance of ${formatCredits(balance)} below zero. Remove at most ${formatCredits(balance)}.`
        : 'This would be refused: the balance is 0 credits, so there is nothing to remove.',
  };
}
