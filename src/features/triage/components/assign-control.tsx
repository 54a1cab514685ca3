import { useId } from 'react';
import { Button } from '../../../components/ui/button';
import { errorMessage } from '../../../lib/error-message';
import { useAssignTicket } from '../api/assign-ticket';
import { useStaffMembers } from '../api/get-staff-members';
import type { StaffTicket } from '../api/get-ticket';

export function AssignControl({ ticket, userId }: { ticket: StaffTicket; userId: string }) {
  const { data: staff } = useStaffMembers();
  const assign = useAssignTicket();
  const id = useId();
  return (
    <div className="space-y-2">
      <label htmlFor={id} className="block text-sm font-medium text-slate-900">
        Assignee
      </label>
      <div className="flex flex-wrap gap-2">
        <select
          id={id}
          value={ticket.assignee_id ?? ''}
          disabled={assign.isPending}
          onChange={(e) => assign.mutate({ ticketId: ticket.id, assigneeId: e.target.value || null })}
          className="min-w-0 flex-1 rounded-md border border-slate-400 bg-white px-3 py-2"
        >
          <option value="">Unassigned</option>
          {staff.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        {ticket.assignee_id !== userId && (
          <Button variant="secondary" pending={assign.isPending} onClick={() => assign.mutate({ ticketId: ticket.id, assigneeId: userId })}>
            Assign to me
          </Button>
        )}
      </div>
      {assign.isError && (
        <p role="alert" className="text-sm text-red-800">
          {errorMessage(assign.error)}
        </p>
      )}
    </div>
  );
}
