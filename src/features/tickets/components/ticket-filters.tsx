import { Form } from 'react-router-dom';
import { Button } from '../../../components/ui/button';
import { SelectField } from '../../../components/ui/fields';
import { TextField } from '../../../components/ui/text-field';
import { statusLabel } from '../../../lib/labels';
import { TICKET_STATUSES } from '../../../lib/ticket-status';
import type { TicketFilters as Filters } from '../schemas';

/** A GET form: the filters live in the URL, so the browser's back button and bookmarks work. */
export function TicketFilters({ filters }: { filters: Filters }) {
  return (
    <Form role="search" aria-label="Filter tickets" className="flex flex-wrap items-end gap-3" key={`${filters.status}|${filters.q}`}>
      <SelectField label="Status" name="status" defaultValue={filters.status} className="w-full sm:w-56">
        <option value="all">All tickets</option>
        <option value="open">Open</option>
        <option value="closed">Closed</option>
        {TICKET_STATUSES.map((status) => (
          <option key={status} value={status}>
            {statusLabel(status, 'customer')}
          </option>
        ))}
      </SelectField>
      <TextField label="Search" name="q" type="search" defaultValue={filters.q} placeholder="Subject, text or #number" className="w-full sm:w-72" />
      <Button type="submit" variant="secondary">
        Apply
      </Button>
    </Form>
  );
}
