import { describe, expect, it } from 'vitest';
import { TICKET_STATUSES } from '../../lib/ticket-status';
import { parseTicketFilters } from './schemas';

describe("the customer's ticket filters read from the URL", () => {
  it.each(TICKET_STATUSES)('accept the status %s', (status) => {
    expect(parseTicketFilters(new URLSearchParams({ status })).status).toBe(status);
  });

  it('fall back to all tickets on an unknown status', () => {
    expect(parseTicketFilters(new URLSearchParams({ status: 'escalated' })).status).toBe('all');
  });
});
