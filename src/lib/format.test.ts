import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatLongDateTime } from './format';

describe('date formats', () => {
  const iso = '2026-11-27T15:04:00Z';

  it('match what toLocaleString gives for the same options', () => {
    const date = new Date(iso);
    expect(formatDateTime(iso)).toBe(date.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' }));
    expect(formatDate(iso)).toBe(date.toLocaleDateString('en-US', { dateStyle: 'medium' }));
    expect(formatLongDateTime(iso)).toBe(date.toLocaleString('en-US', { dateStyle: 'long', timeStyle: 'short' }));
  });

  it('read as a person expects', () => {
    expect(formatDate(iso)).toBe('Nov 27, 2026');
  });
});
