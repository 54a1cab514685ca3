import { describe, expect, it } from 'vitest';
import { formatMoney } from './money';

describe('formatMoney', () => {
  it('writes minor units in the currency, whatever the case of its code', () => {
    expect(formatMoney(10000, 'usd')).toBe('$100.00');
    expect(formatMoney(1999, 'USD')).toBe('$19.99');
    expect(formatMoney(500, 'eur')).toBe('€5.00');
  });

  it('keeps formatting right when one currency follows another', () => {
    expect(formatMoney(100, 'eur')).toBe('€1.00');
    expect(formatMoney(100, 'usd')).toBe('$1.00');
  });
});
