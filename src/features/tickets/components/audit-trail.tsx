import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { formatDateTime } from '../../../lib/format';
import type { TicketEvent } from '../api/get-thread';

type EventData = Record<string, unknown>;

const num = (value: unknown) => (typeof value === 'number' ? value : null);
const str = (value: unknown) => (typeof value === 'string' && value ? value : null);

/** One audit event in words. */
export function describeEvent(kind: string, data: EventData, categoryName: (code: string) => string): string {
  const credits = num(data.credits);
  const category = str(data.category);
  switch (kind) {
    case 'created':
      return num(data.split_from_number) !== null
        ? `Ticket opened, split from ticket #${num(data.split_from_number)}.`
        : `Ticket opened (${data.pre_approved ? 'agreed in advance with the assessment' : 'cost first'}).`;
    case 'assessed':
      return `Assessed as ${category ? categoryName(category) : 'a category'}: ${credits ?? '?'} credits.`;
    case 'reassessed':
      return `Re-categorized as ${category ? categoryName(category) : 'another category'}: ${credits ?? '?'} credits${str(data.reason) ? ` — ${str(data.reason)}` : ''}.`;
    case 'quote_confirmed':
      return `Quote of ${credits ?? '?'} credits confirmed.`;
    case 'quote_declined':
      return `Quote declined${str(data.reason) ? ` — ${str(data.reason)}` : ''}.`;
    case 'charged':
      return `${credits ?? '?'} credits charged${data.automatic ? ' automatically when credits arrived' : ''}.`;
    case 'awaiting_credits':
      return `Waiting for credits: ${credits ?? '?'} needed, balance ${num(data.balance) ?? '?'} (${num(data.missing) ?? '?'} missing).`;
    case 'refunded':
      return `${credits ?? '?'} credits refunded${str(data.reason) ? ` — ${str(data.reason)}` : ''}.`;
    case 'split':
      return `A separate question was moved to ticket #${num(data.child_number) ?? '?'}.`;
    case 'resolved':
      return 'Resolved.';
    case 'canceled':
      return 'Canceled by the customer.';
    default:
      return kind.replace(/_/g, ' ');
  }
}

export function AuditTrail({ events, categoryName }: { events: readonly TicketEvent[]; categoryName: (code: string) => string }) {
  return (
    <ol className="space-y-2 border-l-2 border-slate-200 pl-4 text-sm">
      {events.map((event) => {
        const data = (event.data ?? {}) as EventData;
        const child = num(data.child_number);
        return (
          <li key={event.id}>
            <p className="text-slate-900">
              {describeEvent(event.kind, data, categoryName)}
              {child !== null && (
                <>
                  {' '}
                  <Link to={paths.portal.ticket.getHref(child)}>Open ticket #{child}</Link>
                </>
              )}
            </p>
            <p className="text-slate-600">
              {formatDateTime(event.created_at)}
              {event.actor_name ? ` · ${event.actor_name}` : ' · Pro Portal'}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
