import { describe, expect, it } from 'vitest';
import { TICKET_STATUSES } from '../../lib/ticket-status';
import { parseQueueFilters } from './schemas';

describe('the queue filters read from the URL', () => {
  it.each(TICKET_STATUSES)('accept the status %s', (status) => {
    expect(parseQueueFilters(new URLSearchParams({ status })).status).toBe(status);
  });

  it('fall back to the open tickets on an unknown status', () => {
    expect(parseQueueFilters(new URLSearchParams({ status: 'escalated' })).status).toBe('open');
  });
});
