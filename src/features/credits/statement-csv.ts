import { KIND_LABELS, type StatementLine } from './schemas';

/**
 * A cell for CSV (RFC 4180): quoted when it holds a comma, quote or line break. Text that a spreadsheet
 * would run as a formula (=, +, -, @ at the start) is prefixed with an apostrophe; numbers stay numbers.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const STATEMENT_HEADER = ['Date', 'Kind', 'Credits', 'Balance after', 'Ticket', 'Order', 'Note'];

/** The statement as CSV, oldest line first, CRLF line ends (what spreadsheets expect). */
export function statementCsv(lines: readonly StatementLine[]): string {
  const rows = [...lines]
    .sort((a, b) => a.id - b.id)
    .map((line) => [
      line.createdAt,
      KIND_LABELS[line.kind],
      line.amount,
      line.balanceAfter,
      line.ticketNumber === null ? null : `#${line.ticketNumber}`,
      line.orderId,
      line.note,
    ]);
  return [STATEMENT_HEADER, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
