import { STATUS_LABELS, type TicketStatus } from '../schemas';

const tones: Record<TicketStatus, string> = {
  new: 'bg-blue-100 text-blue-950',
  in_progress: 'bg-amber-100 text-amber-950',
  awaiting_credits: 'bg-red-100 text-red-950',
  awaiting_confirmation: 'bg-purple-100 text-purple-950',
  resolved: 'bg-green-100 text-green-950',
  declined: 'bg-slate-200 text-slate-900',
  canceled: 'bg-slate-200 text-slate-900',
};

export function StatusBadge({ status }: { status: TicketStatus }) {
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold whitespace-nowrap ${tones[status]}`}>
      {STATUS_LABELS[status]}
    </span>
  );
}
