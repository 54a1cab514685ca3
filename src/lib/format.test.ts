import { describe, expect, it } from 'vitest';
import { formatCredits, formatDate, formatDateTime, formatLongDateTime, sentence } from './format';

describe('date formats', () => {
  // Every month, both sides of midnight and noon, one- and two-digit days and minutes, a leap day.
  const instants = [
    ...Array.from({ length: 12 }, (_, month) => new Date(2026, month, 1 + month * 2, month * 2, month * 5).toISOString()),
    new Date(2026, 0, 1, 0, 0).toISOString(),
    new Date(2026, 5, 30, 11, 59).toISOString(),
    new Date(2026, 6, 4, 12, 0).toISOString(),
    new Date(2026, 11, 31, 23, 59).toISOString(),
    new Date(2028, 1, 29, 12, 30).toISOString(),
    '2026-11-27T15:04:00Z',
  ];

  it.each(instants)('%s reads as Intl.DateTimeFormat en-US writes it', (iso) => {
    const date = new Date(iso);
    expect(formatDateTime(iso)).toBe(new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(date));
    expect(formatDate(iso)).toBe(new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(date));
    expect(formatLongDateTime(iso)).toBe(new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short' }).format(date));
  });

  it('read as a person expects', () => {
    const iso = new Date(2026, 10, 27, 15, 4).toISOString();
    expect(formatDate(iso)).toBe('Nov 27, 2026');
    expect(formatDateTime(iso)).toBe('Nov 27, 2026, 3:04 PM');
    expect(formatLongDateTime(iso)).toBe('November 27, 2026 at 3:04 PM');
  });

  it('refuses what is not a date, as Intl does', () => {
    expect(() => formatDate('yesterday')).toThrow(RangeError);
  });
});

describe('credits', () => {
  it('counts one credit in the singular', () => {
    expect(formatCredits(1)).toBe('1 credit');
    expect(formatCredits(-1)).toBe('-1 credit');
    expect(formatCredits(0)).toBe('0 credits');
    expect(formatCredits(25)).toBe('25 credits');
  });
});

describe('sentence', () => {
  it.each([
    ['Only a setting was wrong', 'Only a setting was wrong.'],
    ['Only a setting was wrong.', 'Only a setting was wrong.'],
    ['Really?', 'Really?'],
    ['Wait…', 'Wait…'],
    ['He said “done.”', 'He said “done.”'],
    ['(see the docs.)', '(see the docs.)'],
    ['Trailing space.  ', 'Trailing space.'],
    ['', ''],
  ])('%j ends as %j, never with two periods', (text, expected) => {
    expect(sentence(text)).toBe(expected);
  });
});
