import { Button } from '../../../components/ui/button';
import { EmptyState } from '../../../components/ui/empty-state';
import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { formatDateTime } from '../../../lib/format';
import { KIND_LABELS, type StatementLine } from '../schemas';
import { statementCsv } from '../statement-csv';


function download(lines: readonly StatementLine[]) {
  const blob = new Blob([statementCsv(lines)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = `pro-portal-statement-${new Date().toISOString().slice(0, 10)}.csv`;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Every credit in and out, newest first, with the balance after each. */
export function StatementTable({ lines }: { lines: readonly StatementLine[] }) {
  if (lines.length === 0) {
    return <EmptyState title="No credit movements yet">Your purchases and ticket charges will be listed here.</EmptyState>;
  }
  return (
    <div className="space-y-3">
      <Button variant="secondary" onClick={() => download(lines)}>
        Export CSV
      </Button>
      <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full min-w-[36rem] text-left text-sm">
          <caption className="sr-only">Credit statement, newest first</caption>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2">Date</th>
              <th scope="col" className="px-3 py-2">Kind</th>
              <th scope="col" className="px-3 py-2">For</th>
              <th scope="col" className="px-3 py-2 text-right">Credits</th>
              <th scope="col" className="px-3 py-2 text-right">Balance</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.id} className="border-t border-slate-200">
                <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(line.createdAt)}</td>
                <td className="px-3 py-2">{KIND_LABELS[line.kind]}</td>
                <td className="px-3 py-2">
                  {line.ticketNumber !== null ? (
                    <Link to={paths.portal.ticket.getHref(line.ticketNumber)}>
                      Ticket #{line.ticketNumber}
                      {line.ticketSubject ? ` · ${line.ticketSubject}` : ''}
                    </Link>
                  ) : line.orderId ? (
                    <Link to={paths.portal.receipt.getHref(line.orderId)}>Receipt</Link>
                  ) : (
                    <span className="text-slate-700">{line.note ?? '—'}</span>
                  )}
                </td>
                <td className={`px-3 py-2 text-right font-medium ${line.amount > 0 ? 'text-green-800' : 'text-slate-900'}`}>
                  {line.amount > 0 ? `+${line.amount}` : `−${Math.abs(line.amount)}`}
                </td>
                <td className="px-3 py-2 text-right">{line.balanceAfter}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
