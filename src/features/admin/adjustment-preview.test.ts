import { describe, expect, it } from 'vitest';
import { previewAdjustment } from './adjustment-preview';

describe('credit adjustment preview', () => {
  it('shows the resulting balance of an addition or a covered removal', () => {
    expect(previewAdjustment(10, 5)).toEqual({ ok: true, balanceAfter: 15 });
    expect(previewAdjustment(10, -10)).toEqual({ ok: true, balanceAfter: 0 });
  });

  it('never shows a negative balance: a removal beyond the balance is refused, saying how much can go', () => {
    expect(previewAdjustment(10, -25)).toEqual({
      ok: false,
      problem: 'This would be refused: removing 25 credits would take the balance of 10 credits below zero. Remove at most 10 credits.',
    });
    expect(previewAdjustment(1, -2)).toEqual({
      ok: false,
      problem: 'This would be refused: removing 2 credits would take the balance of 1 credit below zero. Remove at most 1 credit.',
    });
    expect(previewAdjustment(0, -1)).toEqual({ ok: false, problem: 'This would be refused: the balance is 0 credits, so there is nothing to remove.' });
  });
});
