import { describe, expect, it } from 'vitest';
import type { StatementLine } from './schemas';
import { csvCell, statementCsv } from './statement-csv';

const line = (overrides: Partial<StatementLine>): StatementLine => ({
  id: 1,
  createdAt: '2026-11-27T10:00:00.000Z',
  kind: 'purchase',
  amount: 50,
  balanceAfter: 50,
  note: null,
  orderId: null,
  ticketNumber: null,
  ticketSubject: null,
  ...overrides,
});

describe('statementCsv', () => {
  it('writes a header and one row per entry, oldest first, with CRLF line ends', () => {
    const csv = statementCsv([
      line({ id: 2, kind: 'ticket_charge', amount: -20, balanceAfter: 30, ticketNumber: 1003, note: 'Ticket #1003' }),
      line({ id: 1, orderId: '6f1c2b1e-0000-4000-8000-000000000001' }),
    ]);
    expect(csv).toBe(
      'Date,Kind,Credits,Balance after,Ticket,Order,Note\r\n' +
        '2026-11-27T10:00:00.000Z,Purchase,50,50,,6f1c2b1e-0000-4000-8000-000000000001,\r\n' +
        '2026-11-27T10:00:00.000Z,Ticket charge,-20,30,#1003,,Ticket #1003\r\n',
    );
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('a, "b"\nc')).toBe('"a, ""b""\nc"');
    expect(statementCsv([line({ note: 'Refund, "goodwill"' })]).split('\r\n')[1]).toBe(
      '2026-11-27T10:00:00.000Z,Purchase,50,50,,,"Refund, ""goodwill"""',
    );
  });

  it('defuses text a spreadsheet would run as a formula, but keeps numbers as numbers', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-20)).toBe('-20');
    expect(csvCell(null)).toBe('');
  });
});
