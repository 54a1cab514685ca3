import { statusLabel, type EventAudience } from '../../lib/labels';
import type { TicketStatus } from '../../lib/ticket-status';

/** A colour per status; the ring keeps neighbouring badges apart without relying on colour alone. */
const tones: Record<TicketStatus, string> = {
  new: 'bg-slate-100 text-slate-800 ring-slate-300',
  awaiting_confirmation: 'bg-amber-50 text-amber-900 ring-amber-400',
  awaiting_credits: 'bg-red-50 text-red-900 ring-red-300',
  in_progress: 'bg-blue-50 text-blue-900 ring-blue-300',
  resolved: 'bg-green-50 text-green-900 ring-green-300',
  declined: 'bg-slate-100 text-slate-700 ring-slate-300',
  canceled: 'bg-slate-100 text-slate-700 ring-slate-300',
};

/** A ticket's status as a badge, in the words of whoever is looking (customer or staff). */
export function StatusBadge({ status, audience }: { status: TicketStatus; audience: EventAudience }) {
  return (
    <span className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${tones[status]}`}>
      {statusLabel(status, audience)}
    </span>
  );
}
