import type { StaffTicket } from '../api/get-ticket';
import { useTicketEvents, type TicketEvent } from '../api/get-ticket-events';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

type Data = Record<string, unknown>;
const s = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v == null ? '' : JSON.stringify(v);

function describe(event: TicketEvent): string {
  const d = (event.data ?? {}) as Data;
  switch (event.kind) {
    case 'created':
      return d.split_from_number ? `Split from ticket #${s(d.split_from_number)}` : `Opened (${d.pre_approved ? 'pre-approved' : 'cost first'})`;
    case 'assessed':
      return `Assessed as ${s(d.category)} for ${s(d.credits)} credits${d.note ? ` — ${s(d.note)}` : ''}`;
    case 'reassessed':
      return `Re-categorized ${s(d.from_category)} (${s(d.from_credits)}) → ${s(d.to_category)} (${s(d.to_credits)}): ${s(d.reason)}`;
    case 'charged':
      return `Charged ${s(d.credits)} credits${d.automatic ? ' automatically when credits arrived' : ''}`;
    case 'refunded':
      return `Refunded ${s(d.credits)} credits: ${s(d.reason)}`;
    case 'awaiting_credits':
      return `Waiting for credits: ${s(d.missing)} missing (costs ${s(d.credits)}, balance ${s(d.balance)})`;
    case 'quote_confirmed':
      return `Customer confirmed ${s(d.credits)} credits`;
    case 'quote_declined':
      return `Customer declined the quote${d.reason ? `: ${s(d.reason)}` : ''}`;
    case 'split':
      return `Split off ticket #${s(d.child_number)} "${s(d.subject)}"`;
    case 'resolved':
      return 'Resolved';
    case 'canceled':
      return 'Canceled by the customer';
    case 'assigned':
      return d.assignee_id ? `Assigned to ${s(d.assignee_name)}` : 'Unassigned';
    default:
      return event.kind;
  }
}

export function AuditTrail({ ticket }: { ticket: StaffTicket }) {
  const { data: events } = useTicketEvents(ticket.id);
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title" className="text-lg font-bold">
        Audit trail
      </h2>
      {events.length === 0 && <p className="mt-3 text-sm text-slate-700">Nothing has happened on this ticket yet.</p>}
      <ol className="mt-3 space-y-2 text-sm">
        {events.map((e) => (
          <li key={e.id} className="border-l-2 border-slate-300 pl-3">
            <p>
              {describe(e)}
              {e.internal && <span className="ml-2 rounded bg-amber-100 px-1 text-xs text-amber-950">staff only</span>}
            </p>
            <p className="text-slate-600">
              {e.actor_name || 'Pro Portal'} · <time dateTime={e.created_at}>{when.format(new Date(e.created_at))}</time>
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
