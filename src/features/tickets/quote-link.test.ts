import { describe, expect, it } from 'vitest';
import { TICKET_STATUSES } from '../../lib/ticket-status';
import { closedQuoteMessage, parseQuoteIntent } from './quote-link';

describe("a quote mail's link", () => {
  it('accepts only confirm and decline', () => {
    expect(parseQuoteIntent('confirm')).toBe('confirm');
    expect(parseQuoteIntent('decline')).toBe('decline');
    expect(parseQuoteIntent('CONFIRM')).toBeNull();
    expect(parseQuoteIntent('pay')).toBeNull();
    expect(parseQuoteIntent('')).toBeNull();
    expect(parseQuoteIntent(null)).toBeNull();
  });

  it('opens the dialog only while the ticket waits for the quote', () => {
    for (const intent of ['confirm', 'decline'] as const) {
      expect(closedQuoteMessage('awaiting_confirmation', intent), intent).toBeNull();
    }
  });

  it('says why for every other status, and which answer can no longer be given', () => {
    for (const status of TICKET_STATUSES.filter((s) => s !== 'awaiting_confirmation')) {
      const confirm = closedQuoteMessage(status, 'confirm');
      const decline = closedQuoteMessage(status, 'decline');
      expect(confirm?.title, status).toBe('This quote can no longer be confirmed');
      expect(decline?.title, status).toBe('This quote can no longer be declined');
      expect(confirm?.body.length, status).toBeGreaterThan(20);
    }
  });

  it('tells an answered quote from a changed one', () => {
    expect(closedQuoteMessage('in_progress', 'confirm')?.body).toMatch(/already confirmed/);
    expect(closedQuoteMessage('awaiting_credits', 'decline')?.body).toMatch(/already confirmed/);
    expect(closedQuoteMessage('declined', 'confirm')?.body).toMatch(/already declined/);
    expect(closedQuoteMessage('new', 'confirm')?.body).toMatch(/changed/);
    expect(closedQuoteMessage('canceled', 'confirm')?.body).toMatch(/canceled/);
  });
});
