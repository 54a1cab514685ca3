import type { Database } from '../../lib/database.types';

export type TransferKind = Database['public']['Enums']['credit_transfer_kind'];

export const KIND_LABELS: Record<TransferKind, string> = {
  purchase: 'Purchase',
  ticket_charge: 'Ticket charge',
  ticket_refund: 'Ticket refund',
  adjustment: 'Adjustment',
};

/** One line of the statement: an entry on the customer's account and what caused it. */
export type StatementLine = {
  id: number;
  createdAt: string;
  kind: TransferKind;
  amount: number;
  balanceAfter: number;
  note: string | null;
  orderId: string | null;
  ticketNumber: number | null;
  ticketSubject: string | null;
};
