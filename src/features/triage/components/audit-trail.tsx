import { categoryNamer, describeTicketEvent } from '../../../lib/labels';
import { useCategories } from '../../../lib/catalogue/queries';
import type { StaffTicket } from '../api/get-ticket';
import { useTicketEvents } from '../api/get-ticket-events';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function AuditTrail({ ticket }: { ticket: StaffTicket }) {
  const { data: events } = useTicketEvents(ticket.id);
  const { data: categories } = useCategories();
  const categoryName = categoryNamer(categories);
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
              {describeTicketEvent(e.kind, e.data, { categoryName, audience: 'staff' })}
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
