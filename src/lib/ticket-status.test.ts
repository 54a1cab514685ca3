import { describe, expect, it } from 'vitest';
import {
  CLOSED_STATUSES,
  isCancelableStatus,
  isOpenStatus,
  isWaitingOnCustomer,
  OPEN_STATUSES,
  QUEUE_STATUS_ORDER,
  TICKET_STATUSES,
  WAITING_ON_CUSTOMER_STATUSES,
} from './ticket-status';

describe('ticket status groupings', () => {
  it('splits every status into open or closed, once', () => {
    expect([...OPEN_STATUSES, ...CLOSED_STATUSES].sort()).toEqual([...TICKET_STATUSES].sort());
    expect(OPEN_STATUSES).toEqual(['new', 'awaiting_confirmation', 'awaiting_credits', 'in_progress']);
    expect(CLOSED_STATUSES).toEqual(['resolved', 'declined', 'canceled']);
    expect(TICKET_STATUSES.filter(isOpenStatus)).toEqual(OPEN_STATUSES);
  });

  it('waits on the customer for a quote to confirm or credits to arrive, both open', () => {
    expect(WAITING_ON_CUSTOMER_STATUSES).toEqual(['awaiting_confirmation', 'awaiting_credits']);
    expect(TICKET_STATUSES.filter(isWaitingOnCustomer)).toEqual(WAITING_ON_CUSTOMER_STATUSES);
    expect(WAITING_ON_CUSTOMER_STATUSES.every(isOpenStatus)).toBe(true);
  });

  it('offers cancel where cancel_ticket allows it: open and not yet in progress', () => {
    expect(TICKET_STATUSES.filter(isCancelableStatus)).toEqual(['new', 'awaiting_confirmation', 'awaiting_credits']);
  });

  it('orders the staff queue by what needs an engineer first, with every status once', () => {
    expect(QUEUE_STATUS_ORDER).toEqual(['new', 'in_progress', 'awaiting_credits', 'awaiting_confirmation', 'resolved', 'declined', 'canceled']);
  });
});
